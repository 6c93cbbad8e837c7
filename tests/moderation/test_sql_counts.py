"""List pages ask the same number of queries with few rows and with many (no query per row)."""

from datetime import date, timedelta

import pytest


@pytest.fixture
def same_count(client, count_queries):
    def check(url: str, add, times: int = 4) -> None:
        add()
        with count_queries() as few:
            assert client.get(url).status_code == 200
        for _ in range(times):
            add()
        with count_queries() as many:
            assert client.get(url).status_code == 200
        assert many.n == few.n, url

    return check


@pytest.fixture
def curated_items(app, editor, make_item, make_user, make_post):
    """add() -> [(kind, id)] of one event, shop, topic, reply and board thread."""

    def add():
        author = make_user()
        topic = make_post("topic", author, community=make_post("community", author))
        return [("event", make_item("event", editor.group).id), ("shop", make_item("shop", editor.group).id),
                ("topic", topic.id), ("reply", make_post("reply", author, topic=topic).id),
                ("board", make_post("board", author).id)]

    return add


def test_features_page(app, client, login, supporter, curated_items, same_count):
    from community.extensions import db
    from community.moderation.models import Feature

    def add():
        with app.app_context():
            db.session.add_all(Feature(item_kind=k, item_id=i) for k, i in curated_items())
            db.session.commit()

    login(supporter)
    same_count("/moderation/features", add)


def test_collection_page_and_lists(app, client, login, supporter, curated_items, same_count):
    from community.extensions import db
    from community.moderation.models import Collection, CollectionItem

    with app.app_context():
        collection = Collection(slug="many", title="たくさん", is_published=True)
        db.session.add(collection)
        db.session.commit()
        collection_id = collection.id

    def add_items():
        with app.app_context():
            db.session.add_all(CollectionItem(collection_id=collection_id, item_kind=k, item_id=i)
                               for k, i in curated_items())
            db.session.commit()

    same_count("/features/many", add_items)

    def add_collection():
        with app.app_context():
            n = db.session.query(Collection).count()
            db.session.add(Collection(slug=f"c-{n}", title=f"特集{n}", is_published=True))
            db.session.commit()

    same_count("/features", add_collection)
    login(supporter)
    same_count("/moderation/collections", add_collection)


def test_unverified_groups_page(client, login, supporter, make_user, make_group, make_item, same_count):
    def add():
        group = make_group(owner=make_user(), verified=False)
        make_item("event", group)
        make_item("notice", group)

    login(supporter)
    same_count("/moderation/groups", add)


def test_dashboard(app, client, login, supporter, editor, make_group, make_item, update_item, same_count):
    from community.db import utcnow
    from community.extensions import db
    from community.moderation.models import Feature

    def add():
        shop = make_item("shop", editor.group)
        update_item("shop", shop.id, last_confirmed=date.today() - timedelta(days=800))
        event = make_item("event", editor.group, starts_at=utcnow() - timedelta(days=10))
        group = make_group()
        with app.app_context():
            db.session.add(Feature(item_kind="event", item_id=event.id))
            from community.groups.models import Group

            db.session.get(Group, group.id).updated_at = utcnow() - timedelta(days=400)
            db.session.commit()

    login(supporter)
    same_count("/moderation/dashboard", add)


def test_urgent_notices_admin_page(app, client, login, admin, same_count):
    from community.extensions import db
    from community.signage.models import UrgentNotice
    from community.timeutil import now_utc

    def add():
        with app.app_context():
            db.session.add(UrgentNotice(title="避難指示", body="高台へ", ends_at=now_utc() + timedelta(hours=3),
                                        created_by_id=admin.id))
            db.session.commit()

    login(admin)
    same_count("/admin/urgent", add)


def test_admin_lists(client, login, admin, make_user, same_count):
    login(admin)
    same_count("/admin/supporters", lambda: make_user("supporter"))
    same_count("/admin/users", lambda: make_user())
