"""Uploaded images: decoded with Pillow, re-encoded without metadata (no GPS), thumbnailed, stored under random
names in the instance folder and served by the app; anything else is refused with a message and nothing saved."""

from __future__ import annotations

import io
import re
import struct
import zlib
from pathlib import Path

import pytest
from PIL import Image, PngImagePlugin
from sqlalchemy import func, select

STORED_NAME = re.compile(r"[A-Za-z0-9_-]{22}\.(jpg|png|webp)")
GPS_IFD, ORIENTATION, MAKE = 0x8825, 0x0112, 0x010F


@pytest.fixture(autouse=True)
def _no_search_indexing(app):
    """Search has its own tests; here commits need not wait for the index (as with SEARCH_INLINE_DRAIN off)."""
    app.extensions.pop("search_indexer", None)


def jpeg_with_gps(size=(64, 32), orientation: int | None = None) -> bytes:
    """A real JPEG whose EXIF says where it was taken (相模原市役所 roughly) and with which camera."""
    image = Image.new("RGB", size, (20, 120, 200))
    exif = Image.Exif()
    exif[MAKE] = "TestCam"
    if orientation:
        exif[ORIENTATION] = orientation
    gps = exif.get_ifd(GPS_IFD)
    gps.update({1: "N", 2: (35.0, 34.0, 17.0), 3: "E", 4: (139.0, 22.0, 22.0)})
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=exif)
    return buffer.getvalue()


def png(size=(40, 30), text: dict | None = None, mode="RGB") -> bytes:
    info = PngImagePlugin.PngInfo()
    for key, value in (text or {}).items():
        info.add_text(key, value)
    buffer = io.BytesIO()
    Image.new(mode, size, (250, 200, 0) if mode == "RGB" else 0).save(buffer, "PNG", pnginfo=info)
    return buffer.getvalue()


def png_header_only(width: int, height: int) -> bytes:
    """A PNG that claims to be huge: the refusal must come before anything is decoded."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\0" * 16)) + chunk(
        b"IEND", b"")


def fetch(client, url: str):
    """GET a served file, read it through and close it (send_from_directory keeps the file open until then)."""
    response = client.get(url)
    response.get_data()
    response.close()
    return response


def uploads(app) -> list[Path]:
    folder = Path(app.config["UPLOAD_DIR"])
    return sorted(folder.iterdir()) if folder.exists() else []


BOUNDARY = "test-boundary-7d8f"


def multipart(fields: dict, filename: str, data: bytes) -> bytes:
    """A multipart body encoded here: for large files the test client would spool to a temporary file it
    never closes (a ResourceWarning, an error under filterwarnings=error)."""
    body = b"".join(f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode()
                    for k, v in fields.items())
    body += (f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="image"; filename="{filename}"\r\n'
             "Content-Type: application/octet-stream\r\n\r\n").encode()
    return body + data + f"\r\n--{BOUNDARY}--\r\n".encode()


def post_notice(client, app, group, data: bytes, filename: str, url: str | None = None, **fields):
    with app.app_context():
        from community.areas.services import area_by_slug

        area_id = area_by_slug("hashimoto").id
    form = {"csrf_token": client.csrf_token(), "title": "写真つきのお知らせ", "area_id": str(area_id),
            "category_id": "", "body": "本文", "publish_from": "", "publish_until": "",
            "image_alt": "橋本駅前の花壇", "action": "publish"}
    form.update(fields)
    return client.post(url or f"/notices/new?group={group.slug}", data=multipart(form, filename, data),
                       content_type=f"multipart/form-data; boundary={BOUNDARY}")


def stored_image(app) -> str | None:
    from community.extensions import db
    from community.notices.models import Notice

    with app.app_context():
        return db.session.scalar(select(Notice.image))


def notice_count(app) -> int:
    from community.extensions import db
    from community.notices.models import Notice

    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Notice))


@pytest.fixture
def signed_in_editor(client, login, editor):
    login(editor)
    return editor


def test_jpeg_with_gps_is_stored_served_and_stripped(client, app, signed_in_editor):
    original = jpeg_with_gps()
    assert Image.open(io.BytesIO(original)).getexif().get_ifd(GPS_IFD)  # the upload really carries GPS
    response = post_notice(client, app, signed_in_editor.group, original, "IMG_0001.JPG")
    assert response.status_code == 302
    name = stored_image(app)
    assert STORED_NAME.fullmatch(name) and name.endswith(".jpg")
    assert "IMG_0001" not in name
    assert {p.name for p in uploads(app)} == {name, f"thumb-{name}"}
    assert Path(app.config["UPLOAD_DIR"]).is_relative_to(Path(app.instance_path))

    served = fetch(client, f"/media/{name}")
    assert served.status_code == 200
    assert served.mimetype == "image/jpeg"
    assert served.headers["Content-Security-Policy"] == "default-src 'none'"
    assert served.headers["X-Content-Type-Options"] == "nosniff"
    image = Image.open(io.BytesIO(served.data))
    assert image.format == "JPEG" and image.size == (64, 32)
    assert dict(image.getexif()) == {} and not image.getexif().get_ifd(GPS_IFD)
    assert "exif" not in image.info
    assert b"Exif" not in served.data and b"TestCam" not in served.data


def test_exif_orientation_is_applied_before_it_is_dropped(client, app, signed_in_editor):
    post_notice(client, app, signed_in_editor.group, jpeg_with_gps(size=(60, 20), orientation=6), "rotated.jpg")
    image = Image.open(io.BytesIO(fetch(client, f"/media/{stored_image(app)}").data))
    assert image.size == (20, 60)
    assert ORIENTATION not in image.getexif()


def test_png_text_chunks_are_dropped_and_a_thumbnail_is_made(client, app, signed_in_editor):
    data = png(size=(2000, 1000), text={"Comment": "35.57,139.37 自宅", "Author": "someone"})
    assert post_notice(client, app, signed_in_editor.group, data, "map.png").status_code == 302
    name = stored_image(app)
    assert name.endswith(".png")
    large = Image.open(io.BytesIO(fetch(client, f"/media/{name}").data))
    assert large.size == (1600, 800)  # capped, proportions kept
    assert not getattr(large, "text", {}) and "Comment" not in large.info
    thumb = fetch(client, f"/media/thumb-{name}")
    assert thumb.status_code == 200 and thumb.mimetype == "image/png"
    assert Image.open(io.BytesIO(thumb.data)).size == (480, 240)
    assert b"35.57" not in thumb.data


def test_jpeg_comment_xmp_and_icc_profile_are_dropped(client, app, signed_in_editor):
    buffer = io.BytesIO()
    xmp = b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:Description>GPS 35.57 139.37</rdf:Description></x:xmpmeta>'
    Image.new("RGB", (80, 40), (200, 10, 10)).save(buffer, "JPEG", comment=b"taken at home 35.57,139.37",
                                                   xmp=xmp, icc_profile=b"PROFILE-by-someone" * 4)
    assert b"taken at home" in buffer.getvalue() and b"GPS 35.57" in buffer.getvalue()
    assert post_notice(client, app, signed_in_editor.group, buffer.getvalue(), "comment.jpg").status_code == 302
    name = stored_image(app)
    for served in (fetch(client, f"/media/{name}").data, fetch(client, f"/media/thumb-{name}").data):
        assert b"taken at home" not in served and b"35.57" not in served and b"PROFILE-by-someone" not in served
        assert "comment" not in Image.open(io.BytesIO(served)).info


def test_gif_is_re_encoded(client, app, signed_in_editor):
    buffer = io.BytesIO()
    Image.new("P", (16, 16), 3).save(buffer, "GIF", comment=b"secret comment")
    assert post_notice(client, app, signed_in_editor.group, buffer.getvalue(), "anim.gif").status_code == 302
    served = fetch(client, f"/media/{stored_image(app)}")
    assert Image.open(io.BytesIO(served.data)).format == "PNG"
    assert b"secret comment" not in served.data


def test_image_is_shown_with_its_alt_text_and_in_the_api(client, app, signed_in_editor):
    url = post_notice(client, app, signed_in_editor.group, png(), "a.png").headers["Location"]
    name = stored_image(app)
    page = client.get(url).get_data(as_text=True)
    assert f'<img src="/media/{name}" alt="橋本駅前の花壇"' in page
    client.post("/logout")
    item = client.get("/api/v1/notices").get_json()["items"][0]
    assert item["image"] == f"http://localhost/media/{name}"


def test_each_upload_gets_a_new_random_name(client, app, signed_in_editor):
    for _ in range(2):
        post_notice(client, app, signed_in_editor.group, png(), "same.png")
    names = {p.name for p in uploads(app) if not p.name.startswith("thumb-")}
    assert len(names) == 2


UNREADABLE = "画像として読み込めませんでした。別のファイルを選んでください。"
BAD_UPLOADS = [
    (b"This is not a picture, just text.\n" * 20, "photo.jpg", UNREADABLE),
    (b"<svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'/>", "vector.png", UNREADABLE),
    (jpeg_with_gps()[:200], "truncated.jpg", UNREADABLE),
    (b"GIF89a" + b"\0" * 50, "broken.gif", UNREADABLE),
    (png(), "picture.txt", "JPEG、PNG、WebP、GIF の画像を選んでください。"),
    (png_header_only(8000, 8000), "bomb.png", "画像の画素数が大きすぎます。"),
    (png_header_only(12_000, 12_000), "warned-bomb.png", "画像の画素数が大きすぎます。"),  # past Pillow's warning
    (png_header_only(30_000, 30_000), "refused-bomb.png", "画像の画素数が大きすぎます。"),  # past Pillow's limit
    (b"\xff\xd8\xff\xe0" + b"\0" * (5 * 1024 * 1024 + 10), "huge.jpg", "画像は5MB以下にしてください。"),
]


def test_bad_uploads_are_refused_with_a_message_and_nothing_is_saved(client, app, signed_in_editor):
    for data, filename, message in BAD_UPLOADS:
        response = post_notice(client, app, signed_in_editor.group, data, filename)
        assert response.status_code == 400, filename
        page = response.get_data(as_text=True)
        assert message in page, filename
        assert 'value="写真つきのお知らせ"' in page  # what was typed is kept
        assert notice_count(app) == 0, filename
        assert uploads(app) == [], filename


def test_request_beyond_the_size_limit_is_refused_in_japanese(client, app, signed_in_editor):
    data = b"\xff\xd8\xff\xe0" + b"\0" * (app.config["MAX_CONTENT_LENGTH"] + 1)
    response = post_notice(client, app, signed_in_editor.group, data, "enormous.jpg")
    assert response.status_code == 413
    assert "ファイルが大きすぎます" in response.get_data(as_text=True)
    assert notice_count(app) == 0 and uploads(app) == []


def test_refused_image_on_edit_keeps_the_item_as_it_was(client, app, signed_in_editor, make_item):
    notice = make_item("notice", signed_in_editor.group, title="元のお知らせ")
    response = post_notice(client, app, signed_in_editor.group, b"not an image", "x.png",
                           url=f"/notices/{notice.id}/edit", title="書き換え")
    assert response.status_code == 400
    assert "画像として読み込めませんでした" in response.get_data(as_text=True)
    client.post("/logout")
    assert "<h1>元のお知らせ</h1>" in client.get(f"/notices/{notice.id}").get_data(as_text=True)
    assert uploads(app) == []


def test_media_serves_only_stored_images(client, app, signed_in_editor):
    post_notice(client, app, signed_in_editor.group, png(), "a.png")
    name = stored_image(app)
    assert fetch(client, f"/media/{name}").status_code == 200
    for bad in ("../community.sqlite", "..%2Fcommunity.sqlite", "secret_key", "AAAAAAAAAAAAAAAAAAAAAA.jpg",
                f"thumb-{name.replace('.png', '.jpg')}", "x.svg", name.replace(".png", ".html"), f"{name}/.."):
        assert fetch(client, f"/media/{bad}").status_code == 404, bad
