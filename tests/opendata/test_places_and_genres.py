"""Issue 14, point 3: where imported rows are (address, 郵便番号, coordinates; the rest listed, not guessed) and the
admins' genre table that files imported events under a category."""

from __future__ import annotations

import csv
import io

import pytest
from sqlalchemy import select

from tests.datafiles import YAIZU_EVENTS, YAIZU_FACILITIES

HEADER = ("全国地方公共団体コード", "ID", "地方公共団体名", "名称", "所在地_連結表記", "緯度", "経度", "郵便番号",
          "利用可能曜日", "開始時間", "終了時間", "説明")
# Our own rows: one way of being placed each, and two that must not be placed in Sagamihara.
ROWS = [
    ("141500", "P1", "相模原市", "相模台の集会所", "神奈川県相模原市南区相模台3丁目1-1", "", "", "", "", "", "", "x"),
    ("141500", "P2", "相模原市", "郵便番号だけの施設", "神奈川県相模原市", "", "", "252-0131", "", "", "", "x"),
    ("141500", "P3", "相模原市", "位置だけの施設", "神奈川県相模原市", "35.6150", "139.1900", "", "", "", "", "x"),
    ("131083", "1", "江東区", "江東区役所", "東京都江東区東陽4丁目11-28", "35.6727", "139.8170", "135-8383", "", "",
     "", "x"),
    # 町田市 lies against 南区: its coordinates are inside the city's box, its address says where it is.
    ("132098", "2", "町田市", "町田市役所", "東京都町田市森野2丁目2-22", "35.5487", "139.4467", "194-8520", "", "",
     "", "x"),
    ("141500", "P4", "相模原市", "どこにもない施設", "神奈川県相模原市", "", "", "", "", "", "", "x"),
]


@pytest.fixture(autouse=True)
def _no_search_indexing(app):
    app.extensions.pop("search_indexer", None)


@pytest.fixture
def city(make_group):
    return make_group(slug="sagamihara-city", name="相模原市", area="sagamihara")


def facilities_csv() -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(HEADER)
    writer.writerows(ROWS)
    return out.getvalue().encode("utf-8")


def areas_by_name(app, model, name_column) -> dict[str, str]:
    from community.extensions import db

    with app.app_context():
        return {getattr(item, name_column): item.area.slug for item in db.session.scalars(select(model))}


def test_facilities_are_placed_by_address_postcode_or_coordinates_and_the_rest_listed(app, runner, city, tmp_path):
    from community.shops.models import Shop

    path = tmp_path / "facilities.csv"
    path.write_bytes(facilities_csv())
    result = runner.invoke(args=["import-facilities", str(path), "--group", city.slug])
    assert result.exit_code == 0, result.output
    assert "新規 6 件" in result.stdout
    areas = areas_by_name(app, Shop, "name")
    assert areas["相模台の集会所"] == "sagamidai"  # the district named in the address
    assert areas["郵便番号だけの施設"] == "midori"  # 252-01xx
    assert areas["位置だけの施設"] == "sagamiko"  # the nearest district point
    # Imported (at the group's area), but listed by row so an editor can place them.
    assert areas["江東区役所"] == areas["町田市役所"] == areas["どこにもない施設"] == "sagamihara"
    assert "地域を特定できません: 3 件" in result.stdout
    assert "5行目: 「江東区役所」の地域を特定できません" in result.stdout
    assert "6行目: 「町田市役所」の地域を特定できません" in result.stdout
    assert "7行目: 「どこにもない施設」の地域を特定できません" in result.stdout
    assert "相模台の集会所」の地域" not in result.stdout
    # Importing again changes nothing and lists them again.
    again = runner.invoke(args=["import-facilities", str(path), "--group", city.slug])
    assert "新規 0 件、変更 0 件、変更なし 6 件" in again.stdout and "地域を特定できません: 3 件" in again.stdout


def test_another_citys_real_facilities_are_all_listed_not_silently_placed(app, runner, city):
    result = runner.invoke(args=["import-facilities", str(YAIZU_FACILITIES), "--group", city.slug])
    assert result.exit_code == 0, result.output
    assert "新規 230 件" in result.stdout
    assert "地域を特定できません: 230 件" in result.stdout
    assert "  - 2行目: 「" in result.stdout and "ほか 130 件" in result.stdout


def test_the_import_summary_carries_the_unplaced_rows(app, city):
    """The structure the browser preview shows: each unplaced row with its line."""
    from community.areas.models import Area
    from community.extensions import db
    from community.opendata.reader import read_facilities
    from community.opendata.services import AreaMatcher, import_facilities

    with app.app_context():
        result = read_facilities(facilities_csv())
        group = db.session.merge(city)
        summary = import_facilities(result.records, group, AreaMatcher(db.session.get(Area, group.area_id)))
        assert [(row.line, row.reason) for row in summary.unplaced] == [
            (5, "「江東区役所」の地域を特定できません"), (6, "「町田市役所」の地域を特定できません"),
            (7, "「どこにもない施設」の地域を特定できません")]
        db.session.rollback()


def category_of(app, title: str) -> str:
    from community.events.models import Event
    from community.extensions import db

    with app.app_context():
        return db.session.scalar(select(Event).where(Event.title == title)).category.slug


FIREWORKS = "【市制75周年】第51回焼津海上花火大会"  # イベントジャンル まつり・催し


def test_admins_edit_the_genre_table_and_the_importer_uses_it(app, client, runner, login, admin, member, city,
                                                            audit_entries):
    from community.extensions import db
    from community.opendata.genres import GenreMapping

    login(member)
    assert client.get("/admin/opendata/genres").status_code == 403
    login(admin)
    assert 'href="/admin/opendata/genres"' in client.get("/admin").get_data(as_text=True)
    page = client.get("/admin/opendata/genres").get_data(as_text=True)
    assert "まつり・催し" in page and "こども・子育て" in page  # the defaults
    runner.invoke(args=["import-events", str(YAIZU_EVENTS), "--group", city.slug])
    assert category_of(app, FIREWORKS) == "events"

    with app.app_context():
        learning = db.session.scalar(select(GenreMapping).where(GenreMapping.word == "学び・講座")).category_id
    response = client.post("/admin/opendata/genres", data={"word": "まつり・催し", "match": "exact",
                                                           "category_id": str(learning)})
    assert response.status_code == 302
    result = runner.invoke(args=["import-events", str(YAIZU_EVENTS), "--group", city.slug])
    assert "変更 1 件" in result.stdout  # only the fireworks' category changed
    assert category_of(app, FIREWORKS) == "learning"

    with app.app_context():
        entry = db.session.scalar(select(GenreMapping).where(GenreMapping.word == "まつり・催し"))
        entry_id, entry_count = entry.id, db.session.query(GenreMapping).filter_by(word="まつり・催し").count()
    assert entry_count == 1  # saved over, not added twice
    assert client.post(f"/admin/opendata/genres/{entry_id}/remove").status_code == 302
    assert "まつり・催し</td>" not in client.get("/admin/opendata/genres").get_data(as_text=True)
    assert [e[0] for e in audit_entries()][-2:] == ["opendata_genre_save", "opendata_genre_remove"]


def test_the_genre_form_refuses_blanks_in_the_page(client, login, admin):
    login(admin)
    response = client.post("/admin/opendata/genres", data={"word": " ", "match": "exact", "category_id": ""})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "ジャンル名か語を入力してください。" in page and "分野を選んでください。" in page
