"""The home page: urgent notices first, today's and the weekend's events, おすすめ and 特集, the visitor's own area
(remembered in a cookie), the board's latest threads and the open communities — each with its "more" link, and a
number of SQL statements that does not grow with the data."""

from __future__ import annotations

import re
from datetime import datetime, time, timedelta

import pytest

from community.timeutil import to_local
from tests.factories import stored

WEDNESDAY, SATURDAY = 2, 5


def local_day(weekday: int) -> datetime:
    """10:00 in Tokyo on the given weekday of the week after next (always in the future)."""
    from community.timeutil import local_to_utc, today_local

    today = today_local()
    day = today + timedelta(days=(weekday - today.weekday()) % 7 + 14)
    return local_to_utc(day, time(10, 0))


@pytest.fixture
def home_now(monkeypatch):
    """home_now(moment): the home page believes it is `moment` (its today and weekend follow)."""

    def set_now(moment: datetime) -> datetime:
        monkeypatch.setattr("community.main.home.now_utc", lambda: moment)
        return moment

    return set_now


@pytest.fixture
def section():
    """section(html, id) -> the HTML of the home page's <section> whose heading has that id."""

    def find(page: str, heading_id: str) -> str:
        start = page.index(f'aria-labelledby="{heading_id}"')
        end = page.find('<section aria-labelledby="', start + 1)
        nested = page.find("</section>", start)
        if heading_id == "my-area-heading":  # holds three sections of its own
            end = page.find('<section aria-labelledby="board-heading"', start)
        return page[start:end if end != -1 else nested]

    return find


@pytest.fixture
def make_thread(app):
    from community.areas.services import area_by_slug
    from community.board.models import BoardThread
    from community.db import utcnow
    from community.text import render_markdown

    def make(author, title: str, status: str = "published", **fields):
        now = utcnow()
        with app.app_context():
            return stored(BoardThread(kind="chat", area_id=area_by_slug("hashimoto").id, author_id=author.id,
                                      title=title, body="本文です。", body_html=render_markdown("本文です。"),
                                      created_at=now, last_post_at=now, status=status, **fields))

    return make


def event(make_item, group, title: str, starts_at: datetime, hours: float = 2, **fields):
    return make_item("event", group, title=title, starts_at=starts_at, ends_at=starts_at + timedelta(hours=hours),
                     **fields)


# --- urgent notices -----------------------------------------------------------------------------------------------


def test_urgent_notice_comes_first_and_once(client, app):
    from community.signage.models import UrgentNotice
    from community.timeutil import now_utc

    now = now_utc()
    with app.app_context():
        stored(UrgentNotice(title="大雨による避難指示", starts_at=now - timedelta(minutes=1),
                            ends_at=now + timedelta(hours=3)))
    page = client.get("/").get_data(as_text=True)
    assert page.count("大雨による避難指示") == 1
    assert page.count('class="urgent-banner"') == 1
    assert page.index("大雨による避難指示") < page.index('<main') < page.index('id="today-heading"')


def test_urgent_notice_of_the_chosen_area_shows_on_home(client, app):
    from community.areas.services import area_by_slug
    from community.signage.models import UrgentNotice
    from community.timeutil import now_utc

    now = now_utc()
    with app.app_context():
        stored(UrgentNotice(title="東林で断水", area_id=area_by_slug("torin").id,
                            starts_at=now - timedelta(minutes=1), ends_at=now + timedelta(hours=3)))
    assert "東林で断水" not in client.get("/").get_data(as_text=True)
    client.post("/preferences/area", data={"area": "torin"})
    assert "東林で断水" in client.get("/").get_data(as_text=True)


# --- today and the weekend ----------------------------------------------------------------------------------------


def test_today_and_weekend_on_a_weekday(client, make_group, make_item, home_now, section):
    now = home_now(local_day(WEDNESDAY))
    group = make_group()
    event(make_item, group, "今日の朝市", now + timedelta(hours=1))
    event(make_item, group, "週末の夏まつり", now + timedelta(days=3))  # Saturday 10:00
    event(make_item, group, "木曜の講座", now + timedelta(days=1))
    event(make_item, group, "終わった体操", now - timedelta(hours=3), hours=1)
    page = client.get("/").get_data(as_text=True)
    today, weekend = section(page, "today-heading"), section(page, "weekend-heading")
    assert "今日の朝市" in today and "週末の夏まつり" not in today and "終わった体操" not in today
    assert "週末の夏まつり" in weekend and "今日の朝市" not in weekend and "木曜の講座" not in weekend
    assert "今週末のイベント" in weekend
    wednesday = to_local(now).date()
    saturday, sunday = wednesday + timedelta(days=3), wednesday + timedelta(days=4)
    assert f'href="/events?from={wednesday}&amp;to={wednesday}"' in today
    assert f'href="/events?from={saturday}&amp;to={sunday}"' in weekend


def test_on_a_saturday_the_weekend_is_today_and_tomorrow(client, make_group, make_item, home_now, section):
    now = home_now(local_day(SATURDAY))
    group = make_group()
    event(make_item, group, "土曜のフリマ", now + timedelta(hours=2))
    event(make_item, group, "日曜の清掃", now + timedelta(days=1))
    event(make_item, group, "月曜の会議", now + timedelta(days=2))
    page = client.get("/").get_data(as_text=True)
    today, weekend = section(page, "today-heading"), section(page, "weekend-heading")
    assert "土曜のフリマ" in today and "日曜の清掃" not in today
    assert "今日・明日のイベント" in weekend
    assert "日曜の清掃" in weekend and "土曜のフリマ" not in weekend and "月曜の会議" not in weekend


def test_long_running_events_do_not_crowd_out_the_day(client, make_group, make_item, home_now, section):
    """Eight exhibitions running for weeks, a daily class and one talk today: the talk and the class are listed
    first, each event once, and the exhibitions shown today are not repeated under the weekend."""
    now = home_now(local_day(WEDNESDAY))
    group = make_group()
    for n in range(8):
        event(make_item, group, f"長期展示{n}", now - timedelta(days=14), hours=24 * 35)
    event(make_item, group, "毎日の体操", now + timedelta(hours=1), rrule="FREQ=DAILY;COUNT=30")
    event(make_item, group, "今日の講演会", now + timedelta(hours=3))
    page = client.get("/").get_data(as_text=True)
    today, weekend = section(page, "today-heading"), section(page, "weekend-heading")
    assert today.index("毎日の体操") < today.index("今日の講演会") < today.index("長期展示")
    assert today.count("毎日の体操") == 1
    assert today.count('class="card event-card"') == 6
    shown_today = set(re.findall(r"長期展示\d", today))
    shown_weekend = set(re.findall(r"長期展示\d", weekend))
    assert shown_today and not shown_today & shown_weekend
    assert "毎日の体操" not in weekend and "今日の講演会" not in weekend


# --- おすすめ and 特集 -------------------------------------------------------------------------------------------


def test_featured_items_and_collections_are_cards(client, app, make_group, make_item, supporter, section):
    from community.extensions import db
    from community.moderation.curation import feature_item
    from community.moderation.models import Collection
    from community.shops.models import Shop

    shop = make_item("shop", make_group(), name="子育てカフェ ひだまり", category="kosodate")
    with app.test_request_context():
        feature_item(db.session.merge(supporter), db.session.get(Shop, shop.id), note="雨の日にも")
        db.session.add(Collection(slug="summer", title="夏の子育て特集", intro="雨でも大丈夫です。",
                                  is_published=True, created_by_id=supporter.id))
        db.session.add(Collection(slug="draft", title="準備中の特集", is_published=False))
        db.session.commit()
    page = client.get("/").get_data(as_text=True)
    featured, collections = section(page, "featured-heading"), section(page, "collections-heading")
    assert 'class="card shop-card"' in featured and "子育てカフェ ひだまり" in featured and "子育て" in featured
    assert "夏の子育て特集" in collections and 'href="/features/summer"' in collections
    assert "準備中の特集" not in page
    assert 'href="/features"' in collections


def test_empty_sections_say_so(client, section):
    page = client.get("/").get_data(as_text=True)
    assert "今日これから予定されているイベントはありません。" in section(page, "today-heading")
    assert "この期間に予定されているイベントはまだありません。" in section(page, "weekend-heading")
    assert "いまおすすめしている情報はありません。" in section(page, "featured-heading")
    assert "公開中の特集はまだありません。" in section(page, "collections-heading")
    assert "伝言板への投稿はまだありません。" in section(page, "board-heading")
    assert "だれでも参加できるコミュニティはまだありません。" in section(page, "communities-heading")
    assert "お知らせはまだありません。" in section(page, "my-area-heading")


# --- my area ------------------------------------------------------------------------------------------------------


def test_area_picker_is_remembered_across_requests_and_can_be_forgotten(client, make_group, make_item, section):
    group = make_group()
    make_item("notice", group, title="東林のお知らせ", area="torin")        # a district of 南区
    make_item("notice", group, title="南区全体のお知らせ", area="minami")
    make_item("notice", group, title="橋本のお知らせ", area="hashimoto")    # 緑区
    page = client.get("/").get_data(as_text=True)
    mine = section(page, "my-area-heading")
    assert "地域の新着情報" in mine and "橋本のお知らせ" in mine  # the whole city until one is chosen
    assert '<select id="home-area" name="area">' in mine and 'action="/preferences/area"' in mine
    assert 'href="/areas"' in mine and 'class="area-tree"' not in page

    response = client.post("/preferences/area", data={"area": "minami"})
    assert response.status_code == 302 and response.headers["Location"] == "/#my-area"
    for _ in range(2):  # remembered, not just shown once
        mine = section(client.get("/").get_data(as_text=True), "my-area-heading")
        assert "南区の新着情報" in mine
        assert "東林のお知らせ" in mine and "南区全体のお知らせ" in mine and "橋本のお知らせ" not in mine
        assert '<option value="minami" selected>' in mine
        for listing in ("events", "notices", "shops"):
            assert f'href="/{listing}?area=minami"' in mine
        assert 'href="/areas/minami"' in mine

    client.post("/preferences/area", data={"area": "minami", "forget": "1"})
    mine = section(client.get("/").get_data(as_text=True), "my-area-heading")
    assert "南区の新着情報" not in mine and "橋本のお知らせ" in mine


def test_home_varies_with_the_cookie_that_holds_the_area(client):
    assert "Cookie" in client.get("/").headers["Vary"]


def test_area_picker_refuses_unknown_areas_and_forged_posts(client, section):
    client.post("/preferences/area", data={"area": "torin"})
    response = client.post("/preferences/area", data={"area": "atlantis"}, follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "指定された地域が見つかりません。" in page
    assert "東林の新着情報" in section(page, "my-area-heading")  # the earlier choice stands
    assert client.post("/preferences/area", data={"area": "minami"}, csrf=False).status_code == 400
    assert "東林の新着情報" in client.get("/").get_data(as_text=True)


def test_a_removed_area_in_the_cookie_counts_as_none(client, section):
    client.set_cookie("home_area", "no-such-area")
    response = client.get("/")
    assert response.status_code == 200
    assert "地域の新着情報" in section(response.get_data(as_text=True), "my-area-heading")


# --- board and communities ----------------------------------------------------------------------------------------


def test_board_threads_only_those_the_reader_may_see(client, login, member, make_user, make_thread, section):
    other = make_user()
    make_thread(other, "小児科を探しています")
    make_thread(other, "確認待ちの投稿", status="pending")
    make_thread(member, "わたしの確認待ち", status="pending")
    make_thread(other, "削除された投稿", deleted_at=datetime.now().astimezone())
    board = section(client.get("/").get_data(as_text=True), "board-heading")
    assert "小児科を探しています" in board
    assert "確認待ち" not in board and "削除された投稿" not in board
    assert 'href="/board"' in board
    login(member)
    board = section(client.get("/").get_data(as_text=True), "board-heading")
    assert "わたしの確認待ち" in board and "確認待ちの投稿" not in board


def test_closed_community_content_never_on_home(client, app, login, make_user, make_community, section):
    from community.communities.models import Community
    from community.events.models import Event
    from community.events.services import expand_occurrences
    from community.timeutil import now_utc

    insider = make_user()
    open_one = make_community(insider, name="橋本おやこの会")
    closed = make_community(insider, name="秘密の読書会", closed=True)
    soon = now_utc() + timedelta(minutes=30)
    with app.app_context():
        for community, title in ((open_one, "公開の集まり"), (closed, "非公開の集まり")):
            stored(Event(community_id=community.id, group_id=None, title=title, starts_at=soon,
                         ends_at=soon + timedelta(hours=2), area_id=community.area_id, status="published",
                         published_at=now_utc(), body="", body_html=""), expand_occurrences)
        from community.extensions import db
        db.session.get(Community, closed.id).last_activity_at = now_utc() + timedelta(hours=1)  # the most active
        db.session.commit()
    for who in (None, make_user()):
        if who is not None:
            login(who)
        page = client.get("/").get_data(as_text=True)
        assert "秘密の読書会" not in page and "非公開の集まり" not in page
        assert "橋本おやこの会" in section(page, "communities-heading")
        assert 'href="/communities?open=1"' in section(page, "communities-heading")


def test_communities_more_link_lists_the_open_ones(client, make_community):
    make_community(name="橋本おやこの会")
    make_community(name="秘密の読書会", closed=True)
    page = client.get("/communities?open=1").get_data(as_text=True)
    assert "橋本おやこの会" in page and "秘密の読書会" not in page
    assert "秘密の読書会" in client.get("/communities").get_data(as_text=True)


# --- speed --------------------------------------------------------------------------------------------------------


def test_home_runs_the_same_statements_with_little_and_much_data(app, client, count_queries, make_group, make_item,
                                                                   make_user, make_thread, make_community, supporter):
    """One of everything, then many of everything (today's and the weekend's events, featured items of every kind,
    collections, area items, threads, communities): the same number of statements, with an area chosen."""
    from community.extensions import db
    from community.moderation.curation import feature_item
    from community.moderation.models import Collection
    from community.timeutil import now_utc

    def add(n: int) -> None:
        group = make_group()
        author = make_user()
        for i in range(n):
            items = [event(make_item, group, f"今日{i}", now_utc() + timedelta(minutes=30), category="kosodate"),
                     event(make_item, group, f"週末{i}", now_utc() + timedelta(days=6), area="torin"),
                     make_item("shop", group, area="torin", category="kosodate"),
                     make_item("notice", group, area="sagamidai")]
            make_thread(author, f"投稿{i}")
            items.append(make_community(author, area="torin", category="kosodate"))
            with app.test_request_context():
                from community.items import load

                for item in items:
                    feature_item(db.session.merge(supporter), load(item.KIND, item.id))
                db.session.add(Collection(slug=f"c-{group.id}-{i}", title=f"特集{i}", is_published=True))
                db.session.commit()

    client.post("/preferences/area", data={"area": "minami"})
    add(1)
    client.get("/")
    with count_queries() as few:
        assert client.get("/").status_code == 200
    add(8)
    with count_queries() as many:
        page = client.get("/").get_data(as_text=True)
    assert page.count('class="card event-card"') > 6
    assert few.n == many.n, "\n".join(many.statements)
    assert many.n <= 21  # 12 sections and lists, the chosen area, and the featured items: one query per kind
