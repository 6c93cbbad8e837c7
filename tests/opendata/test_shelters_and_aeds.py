"""Issue 14 point 8: 指定緊急避難場所一覧 and AED設置箇所一覧 imported as listings of kind shelter / aed, listed and
filtered (by kind and by disaster type) on the site and its map, and exported back in the same layouts.

The files are our own small samples in the current layouts (tests/opendata/data; no published file was found to
keep): the shelter columns are those of a real 宇都宮市 row, the AED columns are the older definition on the
current conventions (layouts.AED_COLUMNS_STANDARD)."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest
from sqlalchemy import func, select

DATA = Path(__file__).resolve().parent / "data"
SHELTERS = DATA / "shelters_current.csv"
AEDS = DATA / "aeds_current.csv"
# Set by the export itself: the publisher (the portal) and the ID (names the original publisher when it is not us).
PUBLISHER_COLUMNS = {"全国地方公共団体コード", "地方公共団体名"}


@pytest.fixture(autouse=True)
def _no_search_indexing(app):
    app.extensions.pop("search_indexer", None)


@pytest.fixture
def city(make_group):
    return make_group(slug="sagamihara-city", name="相模原市", area="sagamihara")


def run(runner, *args):
    result = runner.invoke(args=list(args))
    assert result.exit_code == 0, result.output
    return result


def table(data: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def shops(app, kind=None):
    from community.extensions import db
    from community.shops.models import Shop

    with app.app_context():
        query = select(Shop).order_by(Shop.id)
        if kind:
            query = query.where(Shop.kind == kind)
        rows = db.session.scalars(query).all()
        for row in rows:
            db.session.expunge(row)
        return rows


def count(app) -> int:
    from community.extensions import db
    from community.shops.models import Shop

    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Shop))


@pytest.mark.parametrize("kind, path, command", [("shelter", SHELTERS, "shelters"), ("aed", AEDS, "aeds")])
def test_import_then_export_gives_every_column_back(app, runner, city, tmp_path, kind, path, command):
    run(runner, f"import-{command}", str(path), "--group", city.slug)
    original = table(path.read_bytes())
    out = tmp_path / "export.csv"
    run(runner, f"export-{command}", str(out))
    exported_bytes = out.read_bytes()
    assert exported_bytes.decode("utf-8-sig").splitlines()[0] == path.read_text("utf-8").splitlines()[0]
    exported = {row["ID"]: row for row in table(exported_bytes)}
    assert set(exported) == {row["ID"] for row in original}
    for row in original:
        for column, value in row.items():
            if column not in PUBLISHER_COLUMNS:
                assert exported[row["ID"]][column] == value, (row["ID"], column)
    assert {s.kind for s in shops(app)} == {kind}


def test_a_second_import_and_the_import_of_the_export_add_nothing(app, runner, city, tmp_path):
    run(runner, "import-shelters", str(SHELTERS), "--group", city.slug)
    run(runner, "import-aeds", str(AEDS), "--group", city.slug)
    assert count(app) == 5
    again = run(runner, "import-shelters", str(SHELTERS), "--group", city.slug)
    assert "新規 0 件、変更 0 件、変更なし 3 件" in again.output
    out = tmp_path / "aeds.csv"
    run(runner, "export-aeds", str(out))
    result = run(runner, "import-aeds", str(out), "--group", city.slug)
    assert "新規 0 件、変更 0 件、変更なし 2 件" in result.output
    assert count(app) == 5


def test_disaster_types_hours_and_places_are_kept(app, runner, city):
    run(runner, "import-shelters", str(SHELTERS), "--group", city.slug)
    run(runner, "import-aeds", str(AEDS), "--group", city.slug)
    school = next(s for s in shops(app, "shelter") if s.name == "相模原市立中央小学校")
    assert school.tags == ["洪水", "崖崩れ、土石流及び地滑り", "地震", "大規模な火事", "内水氾濫"]
    assert school.extra_fields["想定収容人数"] == "1200"
    assert "対象となる町会・自治会: 中央3丁目自治会;中央4丁目自治会" in school.body
    hall = next(s for s in shops(app, "aed") if s.name == "相模原市役所本庁舎")
    assert hall.opening_hours == "月火水木金 08:30〜17:15 祝日・年末年始を除く"
    assert "設置位置: 本館1階 正面玄関ロビー" in hall.body and "小児対応設備: 有" in hall.body
    with app.app_context():
        from community.extensions import db
        from community.shops.models import Shop

        placed = {s.name: db.session.get(Shop, s.id).area.slug for s in shops(app)}
    assert placed["南区合同庁舎"] != "sagamihara" and placed["緑区合同庁舎"] != "sagamihara"


def test_the_list_and_the_map_filter_by_kind_and_disaster_type(app, client, runner, city, make_group):
    run(runner, "import-shelters", str(SHELTERS), "--group", city.slug)
    run(runner, "import-aeds", str(AEDS), "--group", city.slug)
    page = client.get("/shops?kind=shelter").get_data(as_text=True)
    assert "相模原市立中央小学校" in page and "横山公園" in page and "相模原市役所本庁舎" not in page
    assert "119番" in page
    page = client.get("/shops", query_string={"kind": "shelter", "hazard": "洪水"}).get_data(as_text=True)
    assert "相模原市立中央小学校" in page and "緑区合同庁舎" in page and "横山公園" not in page
    page = client.get("/shops", query_string={"kind": "shelter", "hazard": "火山現象"}).get_data(as_text=True)
    assert "緑区合同庁舎" in page and "相模原市立中央小学校" not in page
    page = client.get("/shops?kind=aed").get_data(as_text=True)
    assert "南区合同庁舎" in page and "横山公園" not in page
    page = client.get("/shops?kind=nonsense").get_data(as_text=True)
    assert "指定された種類が見つかりません" in page
    markers = client.get("/shops/map.json", query_string={"kind": "shelter", "hazard": "地震"}).get_json()["markers"]
    assert {m["title"] for m in markers} == {"相模原市立中央小学校", "横山公園", "緑区合同庁舎"}
    markers = client.get("/shops/map.json?kind=aed").get_json()["markers"]
    assert {m["title"] for m in markers} == {"相模原市役所本庁舎", "南区合同庁舎"}
    assert client.get("/shops/map?kind=shelter").status_code == 200
    # The facility export leaves shelters and AEDs to their own layouts; the list's CSV link follows the kind.
    facilities = client.get("/shops.csv").get_data()
    assert "横山公園" not in facilities.decode("utf-8-sig")
    shelters = table(client.get("/shelters.csv?hazard=津波").get_data())
    assert shelters == []
    shelters = table(client.get("/shelters.csv?hazard=高潮").get_data()) + table(client.get("/shelters.csv").get_data())
    assert sorted(row["名称"] for row in shelters) == sorted(["相模原市立中央小学校", "横山公園", "緑区合同庁舎"])


def test_home_and_footer_link_to_shelters_and_aeds(client):
    page = client.get("/").get_data(as_text=True)
    assert page.count('href="/shops?kind=shelter"') >= 2  # the home's 「もしものとき」 and the footer
    assert 'href="/shops?kind=aed"' in page and 'href="/shops/map?kind=shelter"' in page


def test_editing_a_shelter_keeps_its_disaster_types(app, client, runner, make_user, make_group, login):
    owner = make_user()
    city = make_group(slug="sagamihara-city", name="相模原市", area="sagamihara", owner=owner)
    run(runner, "import-shelters", str(SHELTERS), "--group", city.slug)
    park = next(s for s in shops(app, "shelter") if s.name == "横山公園")
    login(owner)
    page = client.get(f"/shops/{park.id}/edit").get_data(as_text=True)
    assert re.search(r'<input checked[^>]*name="tags"[^>]*value="地震"', page)
    assert not re.search(r'<input checked[^>]*name="tags"[^>]*value="洪水"', page)


def test_the_older_layouts_are_read_too(app, runner, city, tmp_path):
    from community.opendata.layouts import AED_COLUMNS_LEGACY, SHELTER_COLUMNS_LEGACY

    def write(columns, values: dict) -> Path:
        path = tmp_path / f"{len(columns)}.csv"
        buffer = io.StringIO()
        csv.writer(buffer).writerows([columns, [values.get(c, "") for c in columns]])
        path.write_text(buffer.getvalue(), encoding="cp932")
        return path

    address = "神奈川県相模原市南区相模台3丁目"
    shelter = write(SHELTER_COLUMNS_LEGACY, {"NO": "7", "名称": "相模台公民館", "住所": address,
                                             "都道府県コード又は市区町村コード": "141500", "災害種別_地震": "○"})
    aed = write(AED_COLUMNS_LEGACY, {"NO": "8", "名称": "相模台公民館", "住所": address, "設置位置": "玄関",
                                     "小児対応設備の有無": "無"})
    run(runner, "import-shelters", str(shelter), "--group", city.slug)
    run(runner, "import-aeds", str(aed), "--group", city.slug)
    assert [s.tags for s in shops(app, "shelter")] == [["地震"]]
    assert "設置位置: 玄関" in shops(app, "aed")[0].body
    # A shelter file handed to the AED import is refused, naming what it lacks.
    result = runner.invoke(args=["import-aeds", str(shelter), "--group", city.slug])
    assert result.exit_code != 0 and "設置位置" in result.output
