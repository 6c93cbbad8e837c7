"""A community's board: topics and replies, the edit window, soft deletes, pins and locks, pagination,
the "new since your last visit" marker, pre-moderation and the abuse limits."""

from __future__ import annotations

from datetime import timedelta

import pytest


@pytest.fixture
def board(make_user, make_community):
    """An open community with an admin, a moderator and two members."""

    class Board:
        admin = make_user(name="管理 さん")
        moderator = make_user(name="モデ さん")
        alice = make_user(name="アリス")
        bob = make_user(name="ボブ")
        outsider = make_user(name="部外者")

    Board.community = make_community(admin=Board.admin, moderators=[Board.moderator], members=[Board.alice, Board.bob],
                                     name="橋本の写真部")
    return Board


def _topic_row(app, topic_id):
    from community.communities.models import Topic
    from community.extensions import db

    with app.app_context():
        row = db.session.get(Topic, topic_id)
        db.session.expunge(row)
        return row


def _reply_row(app, reply_id):
    from community.communities.models import Reply
    from community.extensions import db

    with app.app_context():
        row = db.session.get(Reply, reply_id)
        db.session.expunge(row)
        return row


# --- topics -----------------------------------------------------------------------------------------


def test_member_posts_a_topic_and_others_reply(client, app, login, board, rows, notifications):
    from community.communities.models import Reply, Topic

    slug = board.community.slug
    login(board.alice)
    response = client.post(f"/communities/{slug}/topics/new", data={"title": "撮影会の相談", "body": "**桜**を撮りに"})
    assert response.status_code == 302
    [topic] = rows(Topic, community_id=board.community.id)
    assert response.headers["Location"] == f"/communities/{slug}/topics/{topic.id}"
    assert topic.status == "published" and topic.author_id == board.alice.id
    page = client.get(f"/communities/{slug}/topics/{topic.id}").get_data(as_text=True)
    assert "撮影会の相談" in page and "<strong>桜</strong>" in page

    login(board.bob)
    response = client.post(f"/communities/{slug}/topics/{topic.id}/replies", data={"body": "行きます！"})
    assert response.status_code == 302
    [reply] = rows(Reply, topic_id=topic.id)
    assert response.headers["Location"].endswith(f"#reply-{reply.id}")
    assert _topic_row(app, topic.id).reply_count == 1
    data = {"community_name": "橋本の写真部", "topic_title": "撮影会の相談", "user_name": "ボブ"}
    link = f"/communities/{slug}/replies/{reply.id}"  # the reply's permanent link: it finds the reply's page
    assert notifications(board.alice) == [("topic_reply", data, link)]
    assert client.get(link).headers["Location"] == f"/communities/{slug}/topics/{topic.id}#reply-{reply.id}"
    assert notifications(board.bob) == []  # no one is told of their own reply
    assert "行きます！" in client.get(f"/communities/{slug}/topics/{topic.id}").get_data(as_text=True)
    listing = client.get(f"/communities/{slug}/topics").get_data(as_text=True)
    assert "撮影会の相談" in listing and "返信 1件" in listing


def test_posting_needs_membership_login_and_csrf(client, app, login, board, make_topic, rows):
    from community.communities.models import Reply, Topic

    slug = board.community.slug
    topic = make_topic(board.community, board.alice)
    visitor = client.post(f"/communities/{slug}/topics/new", data={"title": "t", "body": "b"})
    assert visitor.status_code == 302 and visitor.headers["Location"].startswith("/login")
    login(board.outsider)
    assert client.get(f"/communities/{slug}/topics/new").status_code == 403
    assert client.post(f"/communities/{slug}/topics/new", data={"title": "t", "body": "b"}).status_code == 403
    assert client.post(f"/communities/{slug}/topics/{topic.id}/replies", data={"body": "b"}).status_code == 403
    page = client.get(f"/communities/{slug}/topics/{topic.id}").get_data(as_text=True)
    assert "コミュニティに参加すると返信できます。" in page
    login(board.alice)
    assert client.post(f"/communities/{slug}/topics/new", data={"title": "t", "body": "b"},
                       csrf=False).status_code == 400
    assert client.post(f"/communities/{slug}/topics/{topic.id}/replies", data={"body": "b"},
                       csrf=False).status_code == 400
    assert len(rows(Topic, community_id=board.community.id)) == 1
    assert rows(Reply, topic_id=topic.id) == []


def test_topic_form_refuses_empty_or_long_input(client, login, board, rows):
    from community.communities.models import Topic

    login(board.alice)
    slug = board.community.slug
    empty = client.post(f"/communities/{slug}/topics/new", data={"title": "", "body": ""})
    assert empty.status_code == 400
    text = empty.get_data(as_text=True)
    assert "タイトルを入力してください。" in text and "本文を入力してください。" in text
    long = client.post(f"/communities/{slug}/topics/new", data={"title": "あ" * 201, "body": "b"})
    assert long.status_code == 400 and "200文字以内にしてください。" in long.get_data(as_text=True)
    assert rows(Topic, community_id=board.community.id) == []


def test_topic_and_reply_from_other_communities_are_not_found(client, login, board, make_user, make_community,
                                                             make_topic, make_reply):
    other = make_community(admin=make_user())
    topic = make_topic(other, board.alice)
    reply = make_reply(topic, board.alice)
    login(board.alice)
    slug = board.community.slug
    assert client.get(f"/communities/{slug}/topics/{topic.id}").status_code == 404
    assert client.get(f"/communities/{slug}/replies/{reply.id}/edit").status_code == 404
    assert client.get(f"/communities/{slug}/topics/999999").status_code == 404


# --- the edit window -------------------------------------------------------------------------------------


def test_author_edits_within_the_window_and_the_edit_is_marked(client, app, login, board, make_topic, make_reply):
    slug = board.community.slug
    topic = make_topic(board.community, board.alice, title="元のタイトル")
    reply = make_reply(topic, board.alice, body="元の返信")
    login(board.alice)
    assert client.get(f"/communities/{slug}/topics/{topic.id}/edit").status_code == 200
    response = client.post(f"/communities/{slug}/topics/{topic.id}/edit",
                           data={"title": "直したタイトル", "body": "直した本文"})
    assert response.status_code == 302
    row = _topic_row(app, topic.id)
    assert row.title == "直したタイトル" and row.body_html == "<p>直した本文</p>" and row.edited_at is not None
    response = client.post(f"/communities/{slug}/replies/{reply.id}/edit", data={"body": "直した返信"})
    assert response.status_code == 302
    assert _reply_row(app, reply.id).body == "直した返信"
    page = client.get(f"/communities/{slug}/topics/{topic.id}").get_data(as_text=True)
    assert page.count("編集済み") == 2
    bad = client.post(f"/communities/{slug}/replies/{reply.id}/edit", data={"body": ""})
    assert bad.status_code == 400 and "返信を入力してください。" in bad.get_data(as_text=True)


def test_no_edits_after_the_window_or_by_others(client, app, login, board, make_topic, make_reply):
    slug = board.community.slug
    old_topic = make_topic(board.community, board.alice, ago=timedelta(minutes=31))
    old_reply = make_reply(old_topic, board.alice, ago=timedelta(minutes=31))
    fresh_topic = make_topic(board.community, board.alice)
    fresh_reply = make_reply(fresh_topic, board.alice)
    login(board.alice)
    assert client.get(f"/communities/{slug}/topics/{old_topic.id}/edit").status_code == 403
    assert client.post(f"/communities/{slug}/topics/{old_topic.id}/edit",
                       data={"title": "x", "body": "y"}).status_code == 403
    assert client.post(f"/communities/{slug}/replies/{old_reply.id}/edit", data={"body": "y"}).status_code == 403
    assert "編集</a>" not in client.get(f"/communities/{slug}/topics/{old_topic.id}").get_data(as_text=True)
    for user in (board.bob, board.moderator, board.admin):  # moderators delete, they do not edit
        login(user)
        assert client.post(f"/communities/{slug}/topics/{fresh_topic.id}/edit",
                           data={"title": "x", "body": "y"}).status_code == 403
        assert client.post(f"/communities/{slug}/replies/{fresh_reply.id}/edit", data={"body": "y"}).status_code == 403
    assert _topic_row(app, old_topic.id).edited_at is None
    assert _topic_row(app, fresh_topic.id).edited_at is None


def test_edit_window_closes_as_time_passes(client, app, login, board, make_topic, monkeypatch):
    from community import policy
    from community.timeutil import now_utc

    slug = board.community.slug
    topic = make_topic(board.community, board.alice)
    login(board.alice)
    assert client.get(f"/communities/{slug}/topics/{topic.id}/edit").status_code == 200
    later = now_utc() + timedelta(minutes=policy.EDIT_WINDOW_MINUTES + 1)
    monkeypatch.setattr(policy.base, "now", lambda: later)
    assert client.get(f"/communities/{slug}/topics/{topic.id}/edit").status_code == 403


# --- deleting -----------------------------------------------------------------------------------------


def test_author_deletes_softly(client, app, login, board, make_topic, make_reply):
    slug = board.community.slug
    topic = make_topic(board.community, board.alice, title="消すトピック")
    keep = make_topic(board.community, board.bob, title="残るトピック")
    reply = make_reply(keep, board.alice, body="消す返信")
    login(board.alice)
    assert client.post(f"/communities/{slug}/topics/{topic.id}/delete").status_code == 302
    row = _topic_row(app, topic.id)
    assert row.deleted_at is not None and row.title == "消すトピック"  # kept, not shown
    listing = client.get(f"/communities/{slug}/topics").get_data(as_text=True)
    assert "消すトピック" not in listing and "残るトピック" in listing
    assert client.get(f"/communities/{slug}/topics/{topic.id}").status_code == 404
    client.post(f"/communities/{slug}/replies/{reply.id}/delete")
    assert _reply_row(app, reply.id).deleted_at is not None
    assert _topic_row(app, keep.id).reply_count == 0
    page = client.get(f"/communities/{slug}/topics/{keep.id}").get_data(as_text=True)
    assert "消す返信" not in page and "この返信は削除されました。" in page
    # twice: it is gone
    assert client.post(f"/communities/{slug}/replies/{reply.id}/delete").status_code == 404


def test_moderators_delete_any_post_and_it_is_audited(client, app, login, board, make_topic, make_reply):
    from community.moderation.models import AuditEntry

    slug = board.community.slug
    topic = make_topic(board.community, board.alice)
    reply = make_reply(topic, board.bob)
    login(board.bob)
    assert client.post(f"/communities/{slug}/topics/{topic.id}/delete").status_code == 403
    login(board.moderator)
    assert client.post(f"/communities/{slug}/replies/{reply.id}/delete").status_code == 302
    assert client.post(f"/communities/{slug}/topics/{topic.id}/delete").status_code == 302
    assert _topic_row(app, topic.id).deleted_at is not None
    with app.app_context():
        from sqlalchemy import select

        from community.extensions import db

        actions = set(db.session.execute(select(AuditEntry.action, AuditEntry.item_kind)).all())
    assert {("delete", "topic"), ("delete", "reply")} <= actions


def test_delete_needs_csrf(client, app, login, board, make_topic):
    topic = make_topic(board.community, board.alice)
    login(board.alice)
    assert client.post(f"/communities/{board.community.slug}/topics/{topic.id}/delete", csrf=False).status_code == 400
    assert _topic_row(app, topic.id).deleted_at is None


# --- pins and locks --------------------------------------------------------------------------------------


def test_moderators_pin_and_lock_and_a_locked_topic_refuses_replies(client, app, login, board, make_topic, rows):
    from community.communities.models import Reply

    slug = board.community.slug
    make_topic(board.community, board.alice, title="新しいトピック")
    pinned = make_topic(board.community, board.alice, title="大事なお知らせ", ago=timedelta(days=3))
    login(board.alice)
    assert client.post(f"/communities/{slug}/topics/{pinned.id}/pin").status_code == 403
    assert client.post(f"/communities/{slug}/topics/{pinned.id}/lock").status_code == 403
    login(board.moderator)
    client.post(f"/communities/{slug}/topics/{pinned.id}/pin")
    client.post(f"/communities/{slug}/topics/{pinned.id}/lock")
    row = _topic_row(app, pinned.id)
    assert row.is_pinned and row.is_locked
    listing = client.get(f"/communities/{slug}/topics").get_data(as_text=True)
    assert listing.index("大事なお知らせ") < listing.index("新しいトピック")
    assert "固定" in listing and "ロック中" in listing

    login(board.alice)
    page = client.get(f"/communities/{slug}/topics/{pinned.id}").get_data(as_text=True)
    assert "このトピックはロックされているため、返信できません。" in page
    assert "返信を投稿する" not in page
    refused = client.post(f"/communities/{slug}/topics/{pinned.id}/replies", data={"body": "それでも返信"})
    assert refused.status_code == 403
    assert "ロックされているため" in refused.get_data(as_text=True)
    assert rows(Reply, topic_id=pinned.id) == []

    login(board.admin)
    client.post(f"/communities/{slug}/topics/{pinned.id}/unlock")
    client.post(f"/communities/{slug}/topics/{pinned.id}/unpin")
    row = _topic_row(app, pinned.id)
    assert not row.is_pinned and not row.is_locked
    assert client.post(f"/communities/{slug}/topics/{pinned.id}/lock", csrf=False).status_code == 400
    assert client.post(f"/communities/{slug}/topics/{pinned.id}/explode").status_code in (404, 405)
    login(board.alice)
    assert client.post(f"/communities/{slug}/topics/{pinned.id}/replies", data={"body": "返信"}).status_code == 302


# --- pagination and the read marker ------------------------------------------------------------------------


def test_replies_and_topics_are_paginated(client, login, board, make_topic, make_replies, make_topics):
    slug = board.community.slug
    topic = make_topic(board.community, board.alice, ago=timedelta(hours=2))
    make_replies(topic, [board.bob], 35, body="返信番号{n:03d}")
    first = client.get(f"/communities/{slug}/topics/{topic.id}").get_data(as_text=True)
    assert "返信番号000" in first and "返信番号029" in first and "返信番号030" not in first
    assert "1 / 2 ページ" in first
    second = client.get(f"/communities/{slug}/topics/{topic.id}?page=2").get_data(as_text=True)
    assert "返信番号030" in second and "返信番号034" in second and "返信番号029" not in second
    make_topics(board.community, [board.alice], 21)
    assert "1 / 2 ページ" in client.get(f"/communities/{slug}/topics").get_data(as_text=True)


def test_new_reply_lands_on_the_last_page(client, login, board, make_topic, make_replies):
    slug = board.community.slug
    topic = make_topic(board.community, board.alice, ago=timedelta(hours=2))
    make_replies(topic, [board.bob], 31, until_ago=timedelta(minutes=5))
    login(board.alice)
    response = client.post(f"/communities/{slug}/topics/{topic.id}/replies", data={"body": "最後の返信"})
    assert f"/communities/{slug}/topics/{topic.id}?page=2#reply-" in response.headers["Location"]


def test_reply_links_lead_to_the_page_that_shows_the_reply(client, login, board, make_topic, make_replies,
                                                            notifications):
    """Reply 31 is on page 2: its notification, its edit and the author's profile all lead there, anchored."""
    slug = board.community.slug
    topic = make_topic(board.community, board.alice, ago=timedelta(hours=2))
    make_replies(topic, [board.admin], 30, until_ago=timedelta(minutes=5))
    login(board.bob)
    posted = client.post(f"/communities/{slug}/topics/{topic.id}/replies", data={"body": "31番目の返信"})
    assert posted.status_code == 302
    [(kind, _data, link)] = notifications(board.alice)
    assert kind == "topic_reply"
    reply_id = int(link.rsplit("/", 1)[1])
    assert link == f"/communities/{slug}/replies/{reply_id}"
    target = f"/communities/{slug}/topics/{topic.id}?page=2#reply-{reply_id}"
    login(board.alice)
    followed = client.get(link)
    assert followed.status_code == 302 and followed.headers["Location"] == target
    assert f'id="reply-{reply_id}"' in client.get(target.split("#")[0]).get_data(as_text=True)
    login(board.bob)
    edited = client.post(f"/communities/{slug}/replies/{reply_id}/edit", data={"body": "31番目の返信（直した）"})
    assert edited.status_code == 302 and edited.headers["Location"] == link
    assert client.get(link).headers["Location"] == target
    assert f'href="{link}"' in client.get(f"/users/{board.bob.id}").get_data(as_text=True)
    client.get("/logout")
    assert client.get(link).headers["Location"] == target  # an open community's reply, for visitors too
    first = client.get(f"/communities/{slug}/replies/{reply_id - 30}")
    assert first.headers["Location"] == f"/communities/{slug}/topics/{topic.id}#reply-{reply_id - 30}"


def test_reply_link_is_not_found_for_those_who_may_not_see_the_reply(client, login, make_user, make_community,
                                                                     make_topic, make_reply):
    from community.content.models import Status

    admin, member, outsider = make_user(), make_user(), make_user()
    closed = make_community(admin=admin, members=[member], closed=True)
    topic = make_topic(closed, admin)
    reply = make_reply(topic, member)
    link = f"/communities/{closed.slug}/replies/{reply.id}"
    login(member)
    assert client.get(link).status_code == 302
    login(outsider)
    assert client.get(link).status_code == 404
    client.get("/logout")
    assert client.get(link).status_code == 404
    open_one = make_community(admin=admin, members=[member])
    pending = make_reply(make_topic(open_one, admin), member, status=Status.PENDING)
    pending_link = f"/communities/{open_one.slug}/replies/{pending.id}"
    assert client.get(pending_link).status_code == 404
    login(member)
    assert client.get(pending_link).status_code == 302  # its author sees it
    assert client.get(f"/communities/{open_one.slug}/replies/{reply.id}").status_code == 404  # another community's


def test_new_since_last_visit_marker(client, login, board, make_topic, make_reply):
    slug = board.community.slug
    topic = make_topic(board.community, board.alice, title="読んだ話題", ago=timedelta(hours=3))
    make_reply(topic, board.bob, body="古い返信", ago=timedelta(hours=2))
    login(board.alice)
    client.get(f"/communities/{slug}/topics/{topic.id}")  # reads everything so far
    listing = client.get(f"/communities/{slug}/topics").get_data(as_text=True)
    assert "新着" not in listing
    make_reply(topic, board.bob, body="新しい返信")
    listing = client.get(f"/communities/{slug}/topics").get_data(as_text=True)
    assert "新着" in listing
    assert "新着" in client.get(f"/communities/{slug}").get_data(as_text=True)
    page = client.get(f"/communities/{slug}/topics/{topic.id}").get_data(as_text=True)
    assert "ここから前回の訪問以降の新しい返信です" in page
    assert page.index("古い返信") < page.index("ここから前回の訪問以降") < page.index("新しい返信")
    # opened: no longer new
    assert "新着" not in client.get(f"/communities/{slug}/topics").get_data(as_text=True)
    page = client.get(f"/communities/{slug}/topics/{topic.id}").get_data(as_text=True)
    assert "ここから前回の訪問以降" not in page


def test_topics_from_before_joining_are_not_new_and_later_ones_are(client, login, board, make_topic):
    make_topic(board.community, board.alice, title="昔の話題", ago=timedelta(days=30))
    make_topic(board.community, board.alice, title="最近の話題")
    login(board.bob)  # joined "now" by the fixture, after the old topic but not after the new one
    listing = client.get(f"/communities/{board.community.slug}/topics").get_data(as_text=True)
    old_part = listing[listing.index("昔の話題"):].split("</li>")[0]
    new_part = listing[listing.index("最近の話題"):].split("</li>")[0]
    assert "新着" not in old_part
    assert "新着" in new_part


def test_reading_only_page_one_leaves_page_two_new(client, app, login, board, make_topic, make_replies):
    from sqlalchemy import select

    from community.communities.models import TopicRead
    from community.extensions import db

    topic = make_topic(board.community, board.alice, ago=timedelta(hours=3))
    replies = make_replies(topic, [board.bob], 35)
    login(board.alice)
    client.get(f"/communities/{board.community.slug}/topics/{topic.id}")
    with app.app_context():
        read_at = db.session.scalar(select(TopicRead.read_at).where(TopicRead.user_id == board.alice.id))
    assert read_at == replies[29][1]
    assert "新着" in client.get(f"/communities/{board.community.slug}/topics").get_data(as_text=True)


# --- pre-moderation and abuse limits -------------------------------------------------------------------------


def test_new_members_first_posts_wait_for_review(client, app, login, board, rows, make_user):
    from community.communities.models import Topic

    app.config["NEW_MEMBER_REVIEW_POSTS"] = 3
    slug = board.community.slug
    login(board.alice)
    response = client.post(f"/communities/{slug}/topics/new", data={"title": "はじめまして", "body": "よろしく"},
                           follow_redirects=True)
    assert "地域情報サポーターの確認後に公開されます" in response.get_data(as_text=True)
    [topic] = rows(Topic, community_id=board.community.id)
    assert topic.status == "pending"
    own = client.get(f"/communities/{slug}/topics").get_data(as_text=True)
    assert "はじめまして" in own and "確認待ち" in own
    login(board.bob)
    assert "はじめまして" not in client.get(f"/communities/{slug}/topics").get_data(as_text=True)
    assert "はじめまして" not in client.get(f"/communities/{slug}").get_data(as_text=True)
    assert client.get(f"/communities/{slug}/topics/{topic.id}").status_code == 404
    assert app.test_client().get(f"/communities/{slug}/topics/{topic.id}").status_code == 404
    login(make_user("supporter"))  # staff review it
    assert "はじめまして" in client.get(f"/communities/{slug}/topics/{topic.id}").get_data(as_text=True)


def test_pending_reply_is_shown_to_its_author_only_and_not_notified(client, app, login, board, make_topic, rows,
                                                                    notifications):
    from community.communities.models import Reply

    app.config["NEW_MEMBER_REVIEW_POSTS"] = 3
    slug = board.community.slug
    topic = make_topic(board.community, board.alice)
    login(board.bob)
    client.post(f"/communities/{slug}/topics/{topic.id}/replies", data={"body": "確認待ちの返信"})
    [reply] = rows(Reply, topic_id=topic.id)
    assert reply.status == "pending"
    assert "確認待ちの返信" in client.get(f"/communities/{slug}/topics/{topic.id}").get_data(as_text=True)
    login(board.alice)
    assert "確認待ちの返信" not in client.get(f"/communities/{slug}/topics/{topic.id}").get_data(as_text=True)
    assert notifications(board.alice) == []


def test_abuse_limits_are_shown_in_the_form(client, app, login, board, make_topic, rows):
    from community.communities.models import Reply, Topic

    slug = board.community.slug
    topic = make_topic(board.community, board.alice)
    login(board.bob)
    assert client.post(f"/communities/{slug}/topics/{topic.id}/replies", data={"body": "同じ文"}).status_code == 302
    again = client.post(f"/communities/{slug}/topics/{topic.id}/replies", data={"body": "同じ文"})
    assert again.status_code == 400
    assert "同じ内容がすでに投稿されています。" in again.get_data(as_text=True)
    links = " ".join(f"https://example.jp/{n}" for n in range(3))
    refused = client.post(f"/communities/{slug}/topics/new", data={"title": "リンク集", "body": links})
    assert refused.status_code == 400
    assert "リンクは2個まで" in refused.get_data(as_text=True)
    assert len(rows(Reply, topic_id=topic.id)) == 1
    assert len(rows(Topic, community_id=board.community.id)) == 1
    app.config["POST_RATE_LIMIT"] = 2
    client.post(f"/communities/{slug}/topics/{topic.id}/replies", data={"body": "二つ目"})
    limited = client.post(f"/communities/{slug}/topics/{topic.id}/replies", data={"body": "三つ目"})
    assert limited.status_code == 400
    assert "しばらく時間をおいてから" in limited.get_data(as_text=True)


def test_edits_go_through_the_abuse_limits_when_the_text_changes(client, app, login, board, make_topic, make_reply):
    """A new account may not edit links into a post it could not have posted with them."""
    slug = board.community.slug
    topic = make_topic(board.community, board.bob, title="元のタイトル", body="ふつうの本文")
    reply = make_reply(topic, board.bob, body="ふつうの返信")
    login(board.bob)
    links = " ".join(f"https://spam{n}.example" for n in range(5))
    refused = client.post(f"/communities/{slug}/topics/{topic.id}/edit", data={"title": "元のタイトル", "body": links})
    assert refused.status_code == 400 and "リンクは2個まで" in refused.get_data(as_text=True)
    assert _topic_row(app, topic.id).body == "ふつうの本文"
    refused = client.post(f"/communities/{slug}/replies/{reply.id}/edit", data={"body": links})
    assert refused.status_code == 400 and "リンクは2個まで" in refused.get_data(as_text=True)
    assert _reply_row(app, reply.id).body == "ふつうの返信"
    app.config["POST_RATE_LIMIT"] = 2  # the topic and the reply are already two recent posts
    assert client.post(f"/communities/{slug}/topics/{topic.id}/edit",
                       data={"title": "元のタイトル", "body": "ふつうの本文"}).status_code == 302  # unchanged
    limited = client.post(f"/communities/{slug}/replies/{reply.id}/edit", data={"body": "直した返信"})
    assert limited.status_code == 400 and "しばらく時間をおいてから" in limited.get_data(as_text=True)


def test_posting_keeps_the_community_active_and_the_directory_in_order(client, app, login, board, make_user,
                                                                       make_community):
    from community.communities.models import Community
    from community.extensions import db

    quiet = make_community(admin=make_user(), name="静かな会")
    with app.app_context():
        before = db.session.get(Community, board.community.id).last_activity_at
        db.session.get(Community, board.community.id).last_activity_at = before - timedelta(days=5)
        db.session.commit()
    directory = client.get("/communities").get_data(as_text=True)
    assert directory.index("静かな会") < directory.index("橋本の写真部")
    login(board.alice)
    client.post(f"/communities/{board.community.slug}/topics/new", data={"title": "動き", "body": "あり"})
    with app.app_context():
        assert db.session.get(Community, board.community.id).last_activity_at > before
    directory = client.get("/communities").get_data(as_text=True)
    assert directory.index("橋本の写真部") < directory.index("静かな会")
    assert quiet.slug


def test_non_members_read_an_open_board_but_only_members_post(client, login, board, make_topic):
    topic = make_topic(board.community, board.alice, title="公開の話題")
    for viewer in (None, board.outsider):
        if viewer:
            login(viewer)
        listing = client.get(f"/communities/{board.community.slug}/topics").get_data(as_text=True)
        assert "公開の話題" in listing and "トピックを作る" not in listing
        page = client.get(f"/communities/{board.community.slug}/topics/{topic.id}").get_data(as_text=True)
        assert "公開の話題" in page and "返信を投稿する" not in page


def test_a_reply_waiting_for_review_is_not_counted_until_approved(client, app, login, board, make_topic, rows,
                                                                  notifications):
    from community.communities.models import Reply

    app.config["NEW_MEMBER_REVIEW_POSTS"] = 3
    topic = make_topic(board.community, board.alice, title="朝の散歩会")
    login(board.bob)
    client.post(f"/communities/{board.community.slug}/topics/{topic.id}/replies", data={"body": "初参加です"})
    [reply] = rows(Reply, topic_id=topic.id)
    assert reply.status == "pending"
    assert _topic_row(app, topic.id).reply_count == 0
    assert "返信 0件" in client.get(f"/communities/{board.community.slug}/topics").get_data(as_text=True)
    assert notifications(board.alice) == []  # the topic's author hears of it once it is approved
