"""/search through the outbox: found within the request's commit, gone when hidden, private kept private."""

import shutil

from sqlalchemy import func, select


def _search(client, q, **args):
    return client.get("/search", query_string={"q": q, **args}).get_data(as_text=True)


def test_published_event_is_found_in_japanese(client, editor, make_item):
    make_item("event", editor.group, title="相模大野 こども夏まつり", body="盆踊りと金魚すくい")
    page = _search(client, "夏まつり")
    assert "相模大野 こども夏まつり" in page
    assert "1 件見つかりました" in page
    assert "相模大野 こども夏まつり" in _search(client, "金魚")  # body text


def test_draft_pending_and_hidden_items_are_not_found_by_visitors(client, app, editor, make_item, make_user,
                                                                  make_group, login):
    make_item("event", editor.group, title="下書きの催し", publish=False)
    unverified = make_group(owner=make_user(), verified=False)
    make_item("event", unverified, title="確認待ちの催し")
    assert "下書きの催し" not in _search(client, "催し")
    assert "確認待ちの催し" not in _search(client, "催し")
    login(editor)
    assert "下書きの催し" in _search(client, "催し")  # the group's own editor finds its draft


def test_hidden_item_disappears_and_comes_back(client, app, editor, make_item):
    from community.content.models import Status
    from community.events.models import Event
    from community.extensions import db

    event = make_item("event", editor.group, title="消える予定のイベント")
    assert "消える予定のイベント" in _search(client, "消える予定")
    with app.app_context():
        db.session.get(Event, event.id).status = Status.HIDDEN
        db.session.commit()
    assert "消える予定のイベント" not in _search(client, "消える予定")
    with app.app_context():
        db.session.get(Event, event.id).status = Status.PUBLISHED
        db.session.commit()
    assert "消える予定のイベント" in _search(client, "消える予定")


def test_withdrawn_event_disappears(client, login, editor, make_item):
    event = make_item("event", editor.group, title="取り下げるイベント")
    assert "取り下げるイベント" in _search(client, "取り下げる")
    login(editor)
    assert client.post(f"/events/{event.id}/withdraw").status_code == 302
    assert "取り下げるイベント" in _search(client, "取り下げる")  # its group still finds it
    client.post("/logout")
    assert client.get(f"/events/{event.id}").status_code == 404
    assert "取り下げるイベント" not in _search(client, "取り下げる")


def test_closed_community_topic_is_found_by_members_only(client, app, login, make_user):
    from community.communities.models import Community, CommunityMembership, Topic
    from community.extensions import db

    insider, outsider = make_user(), make_user()
    with app.app_context():
        closed = Community(slug="secret-circle", name="ひみつの会", is_closed=True)
        db.session.add(closed)
        db.session.flush()
        db.session.add(CommunityMembership(community_id=closed.id, user_id=insider.id, role="admin"))
        db.session.add(Topic(community_id=closed.id, author_id=insider.id, title="内緒の相談ごと", body="会員だけの話"))
        db.session.commit()
    assert "内緒の相談ごと" not in _search(client, "内緒")
    login(outsider)
    assert "内緒の相談ごと" not in _search(client, "内緒")
    login(insider)
    assert "内緒の相談ごと" in _search(client, "内緒")


def test_opening_a_closed_community_reindexes_its_topics(client, app, make_user):
    from community.communities.models import Community, Topic
    from community.extensions import db

    author = make_user()
    with app.app_context():
        community = Community(slug="soon-open", name="これから公開の会", is_closed=True)
        db.session.add(community)
        db.session.flush()
        db.session.add(Topic(community_id=community.id, author_id=author.id, title="公開前の話題"))
        db.session.commit()
        assert "公開前の話題" not in _search(client, "公開前")
        community.is_closed = False
        db.session.commit()
    assert "公開前の話題" in _search(client, "公開前")


def test_query_syntax_and_empty_queries_are_harmless(client, editor, make_item):
    make_item("event", editor.group, title="AND OR NOT テスト")
    for q in ['"', "*", ":", "(", "AND", 'title:"x', "))((", "　"]:
        response = client.get("/search", query_string={"q": q})
        assert response.status_code == 200
    assert "ひらがなでも漢字でも検索できます" in _search(client, "")


def test_filters_kind_and_area(client, editor, make_item):
    make_item("event", editor.group, title="橋本の防災訓練", area="hashimoto")
    make_item("notice", editor.group, title="東林の防災訓練のお知らせ", area="torin")
    page = _search(client, "防災訓練", area="midori")
    assert "橋本の防災訓練" in page and "東林の防災訓練のお知らせ" not in page
    page = _search(client, "防災訓練", kind="notice")
    assert "東林の防災訓練のお知らせ" in page and "橋本の防災訓練" not in page


def test_missing_index_keeps_pages_working_and_reindex_restores(client, app, runner, editor, make_item):
    make_item("event", editor.group, title="索引が消えても探せる催し")
    shutil.rmtree(app.config["SEARCH_INDEX_DIR"])
    page = _search(client, "索引が消えても")
    assert "検索は一時的に利用できません" in page
    assert "索引が消えても探せる催し" in page  # the database fallback
    assert client.get("/healthz").status_code == 503
    assert client.get("/events").status_code == 200
    result = runner.invoke(args=["reindex"])
    assert result.exit_code == 0, result.output
    assert client.get("/healthz").status_code == 200
    assert "1 件見つかりました" in _search(client, "索引が消えても")


def test_a_damaged_segment_is_noticed_until_reindex(client, app, runner, editor, make_item):
    """Damage inside a segment shows only when a search reads it: from then on /healthz and the log say so, and
    searches answer from the database, until `community reindex`."""
    import os
    from pathlib import Path

    make_item("event", editor.group, title="壊れた索引でも探せる催し")
    assert client.get("/healthz").status_code == 200
    folder = Path(app.config["SEARCH_INDEX_DIR"])
    for name in os.listdir(folder):
        if name.endswith(".pst"):
            data = (folder / name).read_bytes()
            (folder / name).write_bytes(data[: len(data) // 2])
    page = _search(client, "壊れた索引")
    assert "検索は一時的に利用できません" in page and "壊れた索引でも探せる催し" in page  # the database fallback
    health = client.get("/healthz")
    assert health.status_code == 503 and "search" in health.json["failing"]
    detail = health.json["parts"]["search"]["detail"]
    assert "damaged" in detail and "reindex" in detail
    assert client.get("/healthz").status_code == 503  # still, without another search
    assert runner.invoke(args=["reindex", "--procs", "1"]).exit_code == 0
    assert client.get("/healthz").status_code == 200
    assert "1 件見つかりました" in _search(client, "壊れた索引")


def test_an_index_of_an_older_layout_answers_from_the_database_until_reindex(client, app, runner, editor,
                                                                              make_item):
    """After an upgrade that changes the analysis, the old index is never queried: the page answers from the
    database and /healthz says so until `community reindex`."""
    from pathlib import Path

    from community.search.schema import LAYOUT_FILE

    make_item("event", editor.group, title="漢字の書き方教室")
    (Path(app.config["SEARCH_INDEX_DIR"]) / LAYOUT_FILE).write_text("2")  # as built by the previous version
    page = _search(client, "漢字")
    assert "検索は一時的に利用できません" in page and "漢字の書き方教室" in page  # the database fallback
    assert client.get("/healthz").status_code == 503
    assert runner.invoke(args=["reindex", "--procs", "1"]).exit_code == 0
    assert client.get("/healthz").status_code == 200
    page = _search(client, "かんじ")
    assert "1 件見つかりました" in page and "漢字の書き方教室" in page


def _pending(app) -> int:
    """Changes in the log this host has not applied yet."""
    from community.search.indexing import lag

    with app.app_context():
        return lag(app)["pending_changes"]


def test_a_failed_write_leaves_the_change_for_the_next_try(client, app, editor, make_item, monkeypatch):
    from community.search import SearchIndex, SearchUnavailable
    from community.search.indexing import drain

    def broken(self, docs, removed_keys):
        raise SearchUnavailable("disk full")

    monkeypatch.setattr(SearchIndex, "replace", broken)
    make_item("event", editor.group, title="あとで索引されるイベント")
    assert _pending(app) == 1
    assert "あとで索引されるイベント" not in _search(client, "あとで索引")
    monkeypatch.undo()
    drain(app, wait=True)
    assert _pending(app) == 0
    assert "あとで索引されるイベント" in _search(client, "あとで索引")


def test_rolled_back_changes_are_not_indexed(client, app, editor):
    from community.events.models import Event
    from community.extensions import db
    from community.search.models import SearchChange
    from community.timeutil import now_utc

    with app.app_context():
        before = db.session.scalar(select(func.count()).select_from(SearchChange))
        db.session.add(Event(title="取り消された催し", group_id=editor.group.id, area_id=1, status="published",
                             starts_at=now_utc(), ends_at=now_utc()))
        db.session.flush()
        assert db.session.scalar(select(func.count()).select_from(SearchChange)) == before + 1
        db.session.rollback()
        assert db.session.scalar(select(func.count()).select_from(SearchChange)) == before
    assert "取り消された催し" not in _search(client, "取り消された")


def test_index_worker_once_follows_the_log(app, client, runner, editor, make_item):
    app.extensions.pop("search_indexer")  # as when SEARCH_INLINE_DRAIN is off: a worker process follows
    make_item("event", editor.group, title="ワーカーが索引する催し")
    assert _pending(app) == 1
    result = runner.invoke(args=["index-worker", "--once"])
    assert result.exit_code == 0, result.output
    assert _pending(app) == 0
    assert "ワーカーが索引する催し" in _search(client, "ワーカー")


def test_search_page_sql_statements_are_bounded(client, editor, make_item, count_queries):
    for n, kind in enumerate(("event", "shop", "notice")):  # one of each: the checks are one query per kind
        make_item(kind, editor.group, title=f"図書館まつり{n}", name=f"図書館まつり{n}")
    with count_queries() as few:
        client.get("/search", query_string={"q": "図書館"})
    for n in range(25):
        make_item(("event", "shop", "notice")[n % 3], editor.group, title=f"図書館の催し{n}", name=f"図書館の店{n}")
    with count_queries() as many:
        page = _search(client, "図書館")
    assert "28 件見つかりました" in page
    assert many.n == few.n


def test_a_notice_whose_window_passed_is_neither_shown_nor_counted(client, app, editor, make_item):
    from datetime import timedelta

    from sqlalchemy import update

    from community.extensions import db
    from community.notices.models import Notice
    from community.timeutil import now_utc

    make_item("notice", editor.group, title="断水のお知らせ 一")
    gone = make_item("notice", editor.group, title="断水のお知らせ 二")
    assert "2 件見つかりました" in _search(client, "断水")
    with app.app_context():  # the window passes with no write that would re-index the notice
        db.session.execute(update(Notice).where(Notice.id == gone.id).values(publish_until=now_utc() - timedelta(1)))
        db.session.commit()
    page = _search(client, "断水")
    assert "1 件見つかりました" in page and "断水のお知らせ 二" not in page


def test_database_fallback_takes_percent_and_underscore_literally(client, app, editor, make_item):
    make_item("event", editor.group, title="割引率100%の日")
    make_item("event", editor.group, title="割引率1000の日")
    shutil.rmtree(app.config["SEARCH_INDEX_DIR"])
    page = _search(client, "100%")
    assert "割引率100%の日" in page and "割引率1000の日" not in page


def test_result_count_in_english_is_singular_for_one(client, editor, make_item):
    make_item("event", editor.group, title="ひとつだけの催し")
    make_item("event", editor.group, title="ふたつの催し その一")
    make_item("event", editor.group, title="ふたつの催し その二")

    def english(q):
        return client.get("/search", query_string={"q": q}, headers={"Accept-Language": "en"}).get_data(as_text=True)

    assert "1 result found" in english("ひとつだけ")
    assert "2 results found" in english("ふたつの催し")


CUT_MESSAGE = "検索語は200文字までです。先頭の200文字で検索しました。"


def test_search_inputs_say_the_limit_and_a_longer_query_is_cut_with_a_message(client, editor, make_item):
    """Both search boxes carry maxlength=200; a longer query (a hand-made URL) searches its first 200 characters, and
    the page says so."""
    import re

    make_item("event", editor.group, title="相模大野 こども夏まつり")
    page = _search(client, "夏まつり")
    assert re.findall(r'name="q"[^>]*maxlength="(\d+)"', page) == ["200", "200"]  # the header's and the page's
    assert CUT_MESSAGE not in page
    exactly = "夏まつり" + " " * 196
    assert CUT_MESSAGE not in _search(client, exactly)
    # The words after the 200th character would find nothing (all words must match): only the beginning is searched.
    longer = "夏まつり" + " " * 196 + "どこにもない言葉"
    page = _search(client, longer)
    assert CUT_MESSAGE in page
    assert "1 件見つかりました" in page and "相模大野 こども夏まつり" in page
    assert 'aria-describedby="search-q-cut"' in page
    page = _search(client, "あ" * 5000, kind="event", area="hashimoto")  # a very long URL is answered too
    assert CUT_MESSAGE in page and f'value="{"あ" * 200}"' in page


ODD_QUERIES = [
    "%ED%A0%80",  # a lone surrogate, percent-encoded: not UTF-8, kept as the text typed
    "%FF%FE", "%C0%AF", "%EF%BF%BF", "%EF%B7%90", "%F4%8F%BF%BF",  # bytes that are not UTF-8; noncharacters
    "%F0%9F%8E%89", "e%CC%81", "%CC%81", "%E2%80%AE", "%EF%BB%BF", "%E2%80%8B", "%E2%80%A8",  # emoji, marks, format
    "%E3%80%80%E3%80%80", "%C4%B0", "%EF%AC%81", "%C3%9F", "%E2%91%A0", "%EF%BD%B6%EF%BE%9E", "%E2%84%AA",  # NFKC
    "%F3%A0%80%81", "%D8%B9%D8%B1%D8%A8%D9%8A", "%00", "a%00b", "%25", "%5C", "_",
]


def test_odd_unicode_in_the_query_never_raises(client, app, editor, make_item):
    """Every odd query is answered, through the index and through the database fallback; a lone surrogate (which
    no URL can carry, but a caller of the search module might pass) is dropped where the request is read and in
    the search module."""
    from community.search import get_index
    from community.security import CleanRequest

    make_item("event", editor.group, title="İstanbul ﬁ ß 🎉 e\u0301 ｶﾞ ① K 夏まつり",
              body="İİ ﬁﬁ ßß 🎉🎉 e\u0301 ｶﾞｶﾞ \u202e 夏まつり")
    for fallback in (False, True):
        if fallback:
            shutil.rmtree(app.config["SEARCH_INDEX_DIR"])
        for q in ODD_QUERIES + [f"{odd}%20%E5%A4%8F" for odd in ODD_QUERIES]:  # each alone and before 夏
            assert client.get(f"/search?q={q}").status_code == 200, (fallback, q)
    assert CleanRequest.parameter_storage_class([("q", "a\ud800b\udfff")])["q"] == "ab"
    get_index(app.config["SEARCH_INDEX_DIR"]).rebuild([])
    index = get_index(app.config["SEARCH_INDEX_DIR"])
    for q in ("\ud800", "a\udfffb", "\ud800 夏"):
        assert index.query(q, audiences=["public"]).total == 0
