"""Issue 14, points 1, 2 and 4 on a real 80-column イベント一覧 (焼津市, tests/data/README.md): every column has a
home, import → export gives the same values column by column, a second import and the import of the export change
nothing, rows gone from a later file are reported (and hidden only when asked), dates as people write them."""

from __future__ import annotations

import csv
import io

import pytest
from sqlalchemy import func, select

from community.opendata import values as v
from community.opendata.reader import read_events
from tests.datafiles import YAIZU_EVENTS

# Columns whose value an export sets itself: who publishes the file (the portal), and the ID (which names the
# original publisher, "222127:18268", so that it reads back to the same source key; checked separately).
PUBLISHER_COLUMNS = {"全国地方公共団体コード", "地方公共団体名", "ID"}


@pytest.fixture(autouse=True)
def _no_search_indexing(app):
    app.extensions.pop("search_indexer", None)


@pytest.fixture
def yaizu(make_group):
    return make_group(slug="yaizu-city", name="焼津市", area="sagamihara")


def run(runner, *args):
    result = runner.invoke(args=list(args))
    assert result.exit_code == 0, result.output
    return result


def table(data: bytes) -> list[dict[str, str]]:
    text = data.decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text, newline="")))


def normalised(column: str, value: str) -> str:
    """The value a column means: dates and times as ISO text, 0:00–0:00 (no time) as blank."""
    value = value.strip()
    if column in ("開始日", "終了日", "掲載開始日", "掲載終了日", "参加申込終了日", "申込開始日"):
        return v.format_date(v.parse_date(value))
    if column in ("開始時間", "終了時間"):
        return "" if value in ("0:00", "00:00") else v.format_time(v.parse_time(value))
    return value


def events(app):
    from community.events.models import Event
    from community.extensions import db

    with app.app_context():
        rows = db.session.scalars(select(Event).order_by(Event.id)).all()
        for row in rows:
            db.session.expunge(row)
        return rows


def count(app, model) -> int:
    from community.extensions import db

    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def test_import_then_export_gives_every_column_back(app, runner, yaizu, tmp_path):
    run(runner, "import-events", str(YAIZU_EVENTS), "--group", yaizu.slug)
    out = tmp_path / "export.csv"
    run(runner, "export-events", str(out))
    original = {row["イベント名"]: row for row in table(YAIZU_EVENTS.read_bytes())}
    exported = {row["イベント名"]: row for row in table(out.read_bytes())}
    assert set(exported) == set(original) and len(original) == 8
    header = next(csv.reader(io.StringIO(YAIZU_EVENTS.read_text(encoding="utf-8"))))
    assert len(header) == 80 and list(next(csv.reader(io.StringIO(out.read_bytes().decode("utf-8-sig"))))) == header
    for title, row in original.items():
        for column in header:
            if column in PUBLISHER_COLUMNS:
                continue
            assert normalised(column, exported[title][column]) == normalised(column, row[column]), (title, column)
        assert exported[title]["ID"] == f"222127:{row['ID']}"
    # 焼津市's genre is written back, not dropped.
    assert exported["【市制75周年】第51回焼津海上花火大会"]["イベントジャンル"] == "まつり・催し"


def test_fields_have_a_home_and_show_on_the_page_and_in_the_api(app, client, runner, yaizu):
    run(runner, "import-events", str(YAIZU_EVENTS), "--group", yaizu.slug)
    by_title = {e.title: e for e in events(app)}
    halloween = by_title["ハロウィン体験講座ージャック・オ・ランタンづくりー"]
    assert halloween.apply_url == "https://logoform.jp/form/tWbQ/1663366"
    assert halloween.audience == "こども向け" and halloween.genre == "こども・子育て"
    assert halloween.capacity_text == "10名"
    assert halloween.url == "https://www.city.yaizu.lg.jp/event/info-00350.html"  # コンテンツURL
    assert halloween.extra_fields["法人番号"] == "1.00E+12"
    page = client.get(f"/events/{halloween.id}").get_data(as_text=True)
    assert "その他の情報" in page and "法人番号" in page and "1.00E+12" in page
    assert "https://logoform.jp/form/tWbQ/1663366" in page and "こども向け" in page
    api = client.get("/api/v1/events?from=2026-10-25&to=2026-10-25").get_json()
    (item,) = [i for i in api["items"] if i["title"] == halloween.title]
    assert item["apply_url"] == halloween.apply_url and item["extra_fields"]["法人番号"] == "1.00E+12"
    # まつり・催し is an event, not スポーツ・文化.
    fireworks = by_title["【市制75周年】第51回焼津海上花火大会"]
    with app.app_context():
        from community.areas.models import Category
        from community.extensions import db

        assert db.session.get(Category, fireworks.category_id).slug == "events"


def test_a_year_crossing_range_is_stored_and_shown_with_both_years(app, client, runner, yaizu):
    from community.timeutil import TOKYO

    run(runner, "import-events", str(YAIZU_EVENTS), "--group", yaizu.slug)
    (course,) = [e for e in events(app) if e.title.startswith("手話奉仕員養成講座")]
    assert course.starts_at.astimezone(TOKYO).date().isoformat() == "2026-04-02"
    assert course.all_day
    page = client.get(f"/events/{course.id}").get_data(as_text=True)
    assert "2026年4月2日(木)〜2027年3月18日(木)" in page


def test_a_second_import_changes_nothing_and_the_export_round_trips(app, runner, yaizu, make_group, tmp_path):
    from community.content.models import ContentVersion
    from community.events.models import Event
    from community.search.models import SearchChange

    run(runner, "import-events", str(YAIZU_EVENTS), "--group", yaizu.slug)
    before = {e.id: (e.updated_at, e.source_key) for e in events(app)}
    changes = count(app, SearchChange)
    again = run(runner, "import-events", str(YAIZU_EVENTS), "--group", yaizu.slug)
    assert "新規 0 件、変更 0 件、変更なし 8 件、取り込めなかった行 0 件" in again.stdout
    assert {e.id: (e.updated_at, e.source_key) for e in events(app)} == before
    assert count(app, ContentVersion) == 0 and count(app, SearchChange) == changes

    # Export, and import the export into this site: the same items, untouched.
    out = tmp_path / "export.csv"
    run(runner, "export-events", str(out))
    other = make_group(slug="someone-else", area="sagamihara")
    back = run(runner, "import-events", str(out), "--group", other.slug)
    assert "新規 0 件、変更 0 件、変更なし 8 件" in back.stdout
    assert {e.id: (e.updated_at, e.source_key) for e in events(app)} == before

    # Into another site (here: the same database emptied): each item once, and once only.
    with app.app_context():
        from community.extensions import db

        db.session.execute(Event.__table__.delete())
        db.session.commit()
    fresh = run(runner, "import-events", str(out), "--group", other.slug)
    assert "新規 8 件" in fresh.stdout
    assert sorted(key for _, key in before.values()) == sorted(e.source_key for e in events(app))
    assert "新規 0 件、変更 0 件、変更なし 8 件" in run(runner, "import-events", str(out), "--group", other.slug).stdout


def test_rows_missing_from_a_later_file_are_reported_and_hidden_only_when_asked(app, runner, yaizu, tmp_path):
    run(runner, "import-events", str(YAIZU_EVENTS), "--group", yaizu.slug)
    lines = YAIZU_EVENTS.read_text(encoding="utf-8").splitlines(keepends=True)
    later = tmp_path / "later.csv"
    later.write_text("".join(lines[:-2]), encoding="utf-8")  # the last two rows are gone
    report = run(runner, "import-events", str(later), "--group", yaizu.slug)
    assert "前回まであってこのファイルに無いもの: 2 件" in report.stdout
    assert "フルーツゼリー作り" in report.stdout and "--unpublish-missing" in report.stdout
    assert all(e.status == "published" for e in events(app))
    hidden = run(runner, "import-events", str(later), "--group", yaizu.slug, "--unpublish-missing")
    assert "2 件を非公開にしました" in hidden.stdout
    assert sorted(e.title for e in events(app) if e.status == "hidden") == ["うたって、おどって、音あそび",
                                                                               "フルーツゼリー作り"]


def test_a_meetup_is_never_exported_as_a_group_event(app, client, runner, yaizu, make_community, tmp_path):
    from datetime import timedelta

    from community.events.models import Event
    from community.extensions import db
    from community.timeutil import now_utc

    community = make_community()
    with app.app_context():
        starts = now_utc() + timedelta(days=5)
        db.session.add(Event(community_id=community.id, title="コミュニティの集まり", starts_at=starts,
                             ends_at=starts + timedelta(hours=1), status="published", area_id=community.area_id))
        db.session.commit()
    run(runner, "import-events", str(YAIZU_EVENTS), "--group", yaizu.slug)
    out = tmp_path / "export.csv"
    run(runner, "export-events", str(out))
    titles = {r.title for r in read_events(out.read_bytes()).records}
    assert len(titles) == 8 and "コミュニティの集まり" not in titles
    assert "コミュニティの集まり" not in {r.title for r in read_events(client.get("/events.csv").data).records}


HEADER = ("都道府県コード又は市区町村コード,NO,イベント名,開始日,終了日,開始時間,終了時間,説明,場所名称,住所\n")


@pytest.mark.parametrize(("start", "end", "times", "expected"), [
    ("令和8年4月2日", "令和9年3月18日", ("午前10時", "午後3時半"), ("2026-04-02", "2027-03-18", "10:00", "15:30")),
    ("２０２６年４月２日から", "", ("１０時半", ""), ("2026-04-02", None, "10:30", None)),
    ("2026/12/20〜2027/1/10", "", ("10:00〜12:00", ""), ("2026-12-20", "2027-01-10", "10:00", "12:00")),
    ("2026年12月20日から1月10日まで", "", ("", ""), ("2026-12-20", "2027-01-10", None, None)),
])
def test_dates_as_people_write_them(start, end, times, expected):
    row = f"141500,1,行事,{start},{end},{times[0]},{times[1]},説明,場所,住所\n"
    (record,) = read_events((HEADER + row).encode()).records
    got = (record.start_date.isoformat(), record.end_date.isoformat() if record.end_date else None,
           v.format_time(record.start_time) or None, v.format_time(record.end_time) or None)
    assert got == expected


def test_an_unreadable_date_is_refused_with_its_row_and_reason(app, runner, yaizu, tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text(HEADER + "141500,1,よい行事,2026/5/1,,,,説明,場所,住所\n"
                    "141500,2,読めない行事,来年の春ごろ,,,,説明,場所,住所\n", encoding="utf-8")
    result = run(runner, "import-events", str(path), "--group", yaizu.slug)
    assert "bad.csv: 3行目: 開始日「来年の春ごろ」を日付として読めません（取り込みませんでした）" in result.stderr
    assert "新規 1 件、変更 0 件、変更なし 0 件、取り込めなかった行 1 件" in result.stdout
