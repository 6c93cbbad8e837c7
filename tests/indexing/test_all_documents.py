"""all_documents(), the rebuild's reader: the same documents as document() item by item, in a number of SQL
statements that does not grow with the number of items, with the session cleared batch by batch."""

from datetime import timedelta

import pytest
from sqlalchemy import select


def _populate(app, tag: str) -> dict[str, tuple[str, int]]:
    """One item of every kind in every state the policy tells apart; returns {name: (kind, id)}."""
    from community.areas.services import area_by_slug, category_by_slug
    from community.board.models import BoardReply, BoardThread
    from community.communities.models import Community, Reply, Topic
    from community.events.models import Event, EventOccurrence
    from community.extensions import db
    from community.groups.models import Group
    from community.notices.models import Notice
    from community.shops.models import Shop
    from community.timeutil import now_utc

    now = now_utc()
    made: dict[str, object] = {}
    with app.app_context():
        from community.accounts.models import User

        author = User(email=f"author-{tag}@example.jp", display_name=f"投稿者{tag}", role="member",
                      password_hash="x")
        db.session.add(author)
        district, ward = area_by_slug("hashimoto"), area_by_slug("midori")
        kosodate = category_by_slug("kosodate")
        group = Group(slug=f"group-{tag}", name=f"団体{tag}", area_id=district.id, verified=True,
                      description="**花壇**の手入れ", kind="jichikai")
        unverified = Group(slug=f"group-unverified-{tag}", name=f"確認待ち団体{tag}", verified=False)
        db.session.add_all([group, unverified])
        db.session.flush()
        made["group"], made["group_unverified"] = group, unverified

        def publishable(model, label, status="published", **fields):
            item = model(group_id=group.id, author_id=author.id, area_id=district.id, category_id=kosodate.id,
                         status=status, body=f"{label}の本文 <b>太字</b> &amp; 記号", **fields)
            db.session.add(item)
            made[label] = item
            return item

        def event(name, status="published", dates=1, **fields):
            starts = now + timedelta(days=3)
            item = publishable(Event, name, status, title=f"催し{name}", starts_at=starts,
                               ends_at=starts + timedelta(hours=2), venue_name="公民館", address="橋本",
                               fee="無料", **fields)
            db.session.flush()
            for week in range(dates):
                db.session.add(EventOccurrence(event_id=item.id, starts_at=starts + timedelta(weeks=week),
                                               ends_at=starts + timedelta(weeks=week, hours=2)))
            return item

        event("event")
        event("event_repeating", dates=3)
        event("event_without_dates", dates=0)
        event("event_draft", status="draft")
        event("event_pending", status="pending")
        publishable(Shop, "shop", name=f"お店{tag}", name_kana="おみせ", address="橋本1-1", opening_hours="9-17",
                    tags=["子連れOK", "駐車場あり"], barrier_free="段差なし")
        publishable(Shop, "shop_hidden", status="hidden", name=f"閉じたお店{tag}", tags=[])
        publishable(Notice, "notice", title=f"お知らせ{tag}")
        publishable(Notice, "notice_expired", title=f"終わったお知らせ{tag}", publish_until=now - timedelta(days=1))
        publishable(Notice, "notice_scheduled", title=f"予定のお知らせ{tag}", publish_from=now + timedelta(days=1))

        def community(name, is_closed=False, status="published", **fields):
            item = Community(slug=f"{name}-{tag}".replace("_", "-"), name=f"会{name}", description=f"{name}の説明",
                             is_closed=is_closed, status=status, created_by_id=author.id, **fields)
            db.session.add(item)
            made[name] = item
            return item

        open_ = community("community", area_id=ward.id, category_id=kosodate.id)
        closed = community("community_closed", is_closed=True, area_id=district.id)
        pending = community("community_pending", status="pending")
        db.session.flush()
        for name, place, status in [("meetup", open_, "published"), ("meetup_closed", closed, "published"),
                                    ("meetup_closed_pending", closed, "pending")]:
            item = event(name, status=status)
            item.group_id, item.community_id = None, place.id

        def topic(name, place, status="published", deleted=False):
            item = Topic(community_id=place.id, author_id=author.id, title=f"話題{name}", body=f"{name}について",
                         status=status, deleted_at=now if deleted else None)
            db.session.add(item)
            made[name] = item
            return item

        open_topic = topic("topic", open_)
        topic("topic_pending", open_, status="pending")
        deleted_topic = topic("topic_deleted", open_, deleted=True)
        closed_topic = topic("topic_closed", closed)
        topic("topic_closed_pending", closed, status="pending")
        topic("topic_in_pending_community", pending)
        db.session.flush()

        def reply(name, parent, status="published", deleted=False):
            item = Reply(topic_id=parent.id, author_id=author.id, body=f"返信{name}", status=status,
                         deleted_at=now if deleted else None)
            db.session.add(item)
            made[name] = item

        reply("reply", open_topic)
        reply("reply_hidden", open_topic, status="hidden")
        reply("reply_deleted", open_topic, deleted=True)
        reply("reply_in_deleted_topic", deleted_topic)
        reply("reply_closed", closed_topic)

        def thread(name, status="published", deleted=False):
            item = BoardThread(kind="question", area_id=district.id, author_id=author.id, title=f"伝言{name}",
                               body=f"{name}の伝言", status=status, deleted_at=now if deleted else None)
            db.session.add(item)
            made[name] = item
            return item

        board = thread("board")
        pending_thread = thread("board_pending", status="pending")
        thread("board_deleted", deleted=True)
        db.session.flush()
        for name, parent, status in [("board_reply", board, "published"), ("board_reply_pending", board, "pending"),
                                     ("board_reply_in_pending_thread", pending_thread, "published")]:
            item = BoardReply(thread_id=parent.id, author_id=author.id, body=f"返信{name}", status=status)
            db.session.add(item)
            made[name] = item
        db.session.commit()
        return {name: (item.KIND, item.id) for name, item in made.items()}


def _one_by_one(app) -> dict[str, dict]:
    """document() of every row of every indexed kind, loaded on its own in a fresh session."""
    from community.extensions import db
    from community.items import FINDABLE_KINDS
    from community.search.documents import INDEXED_KINDS, document

    expected = {}
    with app.app_context(), app.test_request_context("/"):
        for kind in INDEXED_KINDS:
            model = FINDABLE_KINDS[kind].model
            for item_id in db.session.scalars(select(model.id)):
                doc = document(db.session.get(model, item_id))
                if doc is not None:
                    expected[doc["key"]] = doc
    return expected


def _rebuild_documents(app, batch: int = 1000) -> list[dict]:
    from community.search.documents import all_documents

    with app.app_context(), app.test_request_context("/"):
        return list(all_documents(batch=batch))


@pytest.mark.parametrize("batch", [1, 3, 1000])
def test_documents_equal_document_of_each_item(app, batch):
    _populate(app, "a")
    expected = _one_by_one(app)
    docs = _rebuild_documents(app, batch)
    assert len(docs) == len({d["key"] for d in docs}), "a document came twice"
    assert {d["key"]: d for d in docs} == expected
    assert {d["kind"] for d in docs} == {"event", "shop", "notice", "community", "topic", "reply", "board",
                                         "board_reply", "group"}


def test_audiences_follow_the_policy(app):
    """Public items are public; closed-community content is for its members; pending, hidden, draft and expired
    items carry only their authors', groups' and moderators' tokens; deleted ones have no document."""
    made = _populate(app, "b")
    docs = {d["key"]: d for d in _rebuild_documents(app, batch=2)}

    def audience(name):
        kind, item_id = made[name]
        doc = docs.get(f"{kind}:{item_id}")
        return doc and doc["audience"]

    with app.app_context():
        from community.accounts.models import User
        from community.events.models import Event
        from community.extensions import db

        author = db.session.scalar(select(User.id).where(User.email == "author-b@example.jp"))
        group = db.session.get(Event, made["event"][1]).group_id
    closed = f"community:{made['community_closed'][1]}"
    moderators = [f"user:{author}", "staff"]
    for name in ("event", "event_repeating", "shop", "notice", "community", "community_closed", "meetup", "topic",
                 "reply", "board", "board_reply", "group"):
        assert audience(name) == ["public"], name
    assert audience("group_unverified") == [f"group:{made['group_unverified'][1]}", "staff"]
    for name in ("meetup_closed", "topic_closed", "reply_closed"):
        assert audience(name) == [closed], name
    for name in ("event_draft", "event_pending", "shop_hidden", "notice_expired", "notice_scheduled"):
        assert audience(name) == [f"group:{group}", *moderators], name
    for name in ("topic_pending", "topic_in_pending_community", "reply_hidden", "reply_in_deleted_topic",
                 "board_pending", "board_reply_pending", "board_reply_in_pending_thread"):
        assert audience(name) == moderators, name
    assert audience("community_pending") == ["staff"]
    for name in ("meetup_closed_pending", "topic_closed_pending", "topic_deleted", "reply_deleted", "board_deleted"):
        assert audience(name) is None, name


def test_event_dates_texts_and_places(app):
    from community.areas.services import area_by_slug

    made = _populate(app, "c")
    docs = {d["key"]: d for d in _rebuild_documents(app)}
    repeating = docs[f"event:{made['event_repeating'][1]}"]
    assert repeating["ends_at"] - repeating["starts_at"] == timedelta(weeks=2, hours=2)  # the last date's end
    single = docs[f"event:{made['event_without_dates'][1]}"]
    assert single["ends_at"] - single["starts_at"] == timedelta(hours=2)  # no dates: the event's own end
    assert "<b>" not in repeating["body"] and "太字 & 記号" in repeating["body"]
    with app.app_context():
        hashimoto = " ".join(str(i) for i in area_by_slug("hashimoto").ancestor_ids)
        midori = " ".join(str(i) for i in area_by_slug("midori").ancestor_ids)
    assert repeating["area"] == hashimoto and repeating["category"] == "kosodate"
    topic, reply = docs[f"topic:{made['topic'][1]}"], docs[f"reply:{made['reply'][1]}"]
    assert topic["area"] == reply["area"] == midori  # a community's place
    community_url = topic["url"].split("/topics/")[0]
    assert reply["title"] == topic["title"] and reply["url"] == f"{community_url}/replies/{made['reply'][1]}"
    shop = docs[f"shop:{made['shop'][1]}"]
    assert "子連れOK 駐車場あり" in shop["body"] and "段差なし" in shop["body"]
    assert docs[f"board_reply:{made['board_reply'][1]}"]["title"] == "伝言board"


def test_statement_count_does_not_grow_with_the_items(app, count_queries):
    from community.search.documents import count_items

    _populate(app, "d")
    with count_queries() as first:
        small = _rebuild_documents(app)
    for tag in ("e", "f", "g"):
        _populate(app, tag)
    with count_queries() as second:
        large = _rebuild_documents(app)
    assert len(large) == 4 * len(small)
    assert second.n == first.n, second.statements
    assert first.n <= 12  # areas, categories, one query per kind and one for the events' dates
    with app.app_context(), count_queries() as counted:
        rows = count_items()
    assert counted.n == 1 and rows >= len(large)


def test_statements_grow_with_batches_not_items(app, count_queries):
    _populate(app, "h")
    with count_queries() as big:
        docs = _rebuild_documents(app, batch=1000)
    with count_queries() as small:
        assert _rebuild_documents(app, batch=4) == docs
    with app.app_context():
        from community.extensions import db
        from community.items import FINDABLE_KINDS
        from community.search.documents import INDEXED_KINDS

        rows = {kind: db.session.scalar(select(db.func.count()).select_from(FINDABLE_KINDS[kind].model))
                for kind in INDEXED_KINDS}
    # Areas and categories; per batch one select, and one for an event batch's dates; per kind at most one
    # select that finds nothing more.
    assert small.n <= 2 + sum(-(-n // 4) + 1 for n in rows.values()) + -(-rows["event"] // 4)
    assert small.n > big.n


def test_session_is_cleared_between_batches(app):
    """Memory stays flat: the session never holds more than one batch and its parents."""
    from community.extensions import db
    from community.search.documents import all_documents

    _populate(app, "i")
    sizes = []
    with app.app_context(), app.test_request_context("/"):
        for _doc in all_documents(batch=2):
            sizes.append(len(db.session.identity_map))
    assert len(sizes) > 20
    assert max(sizes) <= 2 * 3  # two replies, their topics and communities
