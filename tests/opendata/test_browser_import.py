"""Import in the browser: upload, a preview that writes nothing, confirm, the progress page and its JSON."""

from __future__ import annotations

import gc
import io
import re
import warnings
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from community.timeutil import today_local
from tests.opendata.test_cli_import import own_events_csv


def _events(app) -> int:
    from community.events.models import Event
    from community.extensions import db

    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Event))


def _upload(client, group, data: bytes, name: str = "own.csv"):
    return client.post("/import", data={"group_id": str(group.id), "kind": "events",
                                        "file": (io.BytesIO(data), name)}, content_type="multipart/form-data")


def _job_path(response) -> str:
    assert response.status_code == 302, response.get_data(as_text=True)
    return response.headers["Location"]


def _confirm_url(page: str) -> str:
    return re.search(r'action="(/import/\d+/confirm)"', page).group(1)


def test_preview_writes_nothing_then_the_import_runs_with_its_progress(app, client, login, editor):
    login(editor)
    data = own_events_csv(today_local() + timedelta(days=10), "cp932")
    job = _job_path(_upload(client, editor.group, data))
    page = client.get(job).get_data(as_text=True)
    assert "取り込みの下見" in page
    assert "4行目" in page and "開始日「2026-13-40」を日付として読めません" in page  # refused, with its line
    assert page.count(">新規<") >= 3 and "相模大野 こども食堂" in page
    assert _events(app) == 0  # the preview wrote nothing
    assert len(list(Path(app.instance_path, "imports").iterdir())) == 1  # the file waits in the instance folder

    done = client.post(_confirm_url(page))
    assert done.status_code == 302
    assert _events(app) == 3
    progress = client.get(job + "/progress.json").get_json()
    assert progress["status"] == "done" and progress["done"] == progress["total"] == 3
    assert progress["created"] == 3 and progress["refused"] == 4
    page = client.get(job).get_data(as_text=True)
    assert "<progress" in page and "取り込みが終わりました" in page
    assert not list(Path(app.instance_path, "imports").iterdir())  # deleted once imported

    again = client.get(_job_path(_upload(client, editor.group, data))).get_data(as_text=True)
    assert re.search(r"<dt>変更なし</dt><dd>3 件</dd>", again)
    assert re.search(r"<dt>新規</dt><dd>0 件</dd>", again)


def test_a_queued_import_shows_a_bar_that_refreshes_itself(app, client, login, editor):
    """Without the worker (another process runs it) the page reloads itself and the JSON says how far it got."""
    app.extensions.pop("opendata_importer")
    login(editor)
    job = _job_path(_upload(client, editor.group, own_events_csv(today_local() + timedelta(days=3), "utf-8")))
    client.post(_confirm_url(client.get(job).get_data(as_text=True)))
    page = client.get(job).get_data(as_text=True)
    assert 'http-equiv="refresh"' in page and "<progress" in page and "取り込み中です" in page
    assert client.get(job + "/progress.json").get_json()["status"] == "queued"
    assert _events(app) == 0
    from community.opendata.jobs import run_pending

    assert run_pending(app) == 1
    assert client.get(job + "/progress.json").get_json()["status"] == "done"
    assert _events(app) == 3


def test_who_may_import(app, client, login, editor, member, admin, make_group):
    login(member)
    assert client.get("/import").status_code == 403
    other = make_group(slug="other-group")
    login(editor)
    assert _upload(client, other, own_events_csv(today_local(), "utf-8")).status_code == 400  # not among the choices
    job = _job_path(_upload(client, editor.group, own_events_csv(today_local(), "utf-8")))
    login(member)
    assert client.get(job).status_code == 403
    assert client.get(job + "/progress.json").status_code == 403
    login(admin)
    assert client.get(job).status_code == 200  # admins: any group
    assert 'href="/import"' in client.get("/admin").get_data(as_text=True)


def test_a_file_that_cannot_be_read_is_refused_in_the_form(client, login, editor):
    login(editor)
    response = _upload(client, editor.group, "名前,住所\nx,y\n".encode())
    assert response.status_code == 400
    assert "見出し" in response.get_data(as_text=True) or "列" in response.get_data(as_text=True)


# The test client spools a 9 MB body to a temporary file it never closes; whenever it is collected, that is the
# client's leak, not the site's (whose uploads security.close_uploads closes with their request).
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning", "ignore::ResourceWarning")
def test_a_file_larger_than_other_uploads_is_accepted(app, client, login, editor):
    """A city's 10,000-row file is bigger than MAX_CONTENT_LENGTH (8 MB), which still holds for other pages."""
    login(editor)
    data = own_events_csv(today_local() + timedelta(days=5), "utf-8")
    padded = data + b"\r\n" * (9 * 1024 * 1024)  # blank lines: 9 MB, the same rows
    assert app.config["MAX_CONTENT_LENGTH"] < len(padded) < app.config["IMPORT_MAX_BYTES"]
    job = _job_path(_upload(client, editor.group, padded))
    assert ">新規<" in client.get(job).get_data(as_text=True)
    assert client.post("/groups/new", data={"name": "x" * (9 * 1024 * 1024)}).status_code == 413
    # The test client spooled the 9 MB bodies to temporary files it does not close: collected here, not in the
    # middle of the next test (the site's own uploads are closed with their request: security.close_uploads).
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ResourceWarning)
        gc.collect()
