"""Synthetic data for the benchmarks: many items, bulk-inserted (community seed --synthetic N)."""

from __future__ import annotations

import click
from sqlalchemy import insert, select

from community.accounts.models import Role, User
from community.areas.models import Area, Category
from community.extensions import db
from community.groups.models import Group, GroupKind

SYNTHETIC_WORDS = (
    "子育て", "相談会", "親子", "読み聞かせ", "防災訓練", "夏まつり", "盆踊り", "ヨガ教室", "健康体操", "料理教室",
    "パン屋", "カフェ", "ラーメン", "図書館", "公民館", "ボランティア", "清掃活動", "リサイクル", "星空観察",
    "ウォーキング",
    "写真展", "コンサート", "英会話", "プログラミング", "将棋", "囲碁", "子ども食堂", "高齢者", "見守り", "花壇づくり",
)
PLACES = ("橋本", "相模大野", "淵野辺", "上溝", "相模湖", "藤野", "東林間", "古淵", "矢部", "田名", "城山", "津久井")


def _phrase(rng, n: int) -> str:
    return "".join(rng.choice(SYNTHETIC_WORDS) + rng.choice(("と", "の", "で", "や", "、")) for _ in range(n))


def seed_synthetic(count: int, batch: int = 2000) -> None:
    """Bulk-inserts `count` synthetic items (events with their dates, shops, notices) with members and
    groups around them, then rebuilds the search index; for the benchmark."""
    import random
    from datetime import timedelta

    from werkzeug.security import generate_password_hash

    from community.content.models import Status
    from community.events.models import Event, EventOccurrence
    from community.notices.models import Notice
    from community.shops.models import Shop
    from community.timeutil import now_utc

    rng = random.Random(count)
    password_hash = generate_password_hash("synthetic-password", method="scrypt")  # one hash, shared
    area_ids = list(db.session.scalars(select(Area.id).where(Area.level == "district")))
    category_ids = list(db.session.scalars(select(Category.id)))
    start = (db.session.scalar(select(db.func.max(User.id))) or 0) + 1
    members = max(count // 2, 1)
    db.session.execute(insert(User), [
        {"email": f"synthetic{start + i}@example.invalid", "display_name": f"会員{start + i}",
         "password_hash": password_hash, "role": Role.MEMBER, "area_id": rng.choice(area_ids)}
        for i in range(members)])
    first_group = (db.session.scalar(select(db.func.max(Group.id))) or 0) + 1
    groups = max(count // 50, 1)
    db.session.execute(insert(Group), [
        {"slug": f"synthetic-group-{first_group + i}", "name": f"{rng.choice(PLACES)}の会{first_group + i}",
         "kind": GroupKind.CIRCLE, "area_id": rng.choice(area_ids), "verified": True} for i in range(groups)])
    db.session.commit()
    group_ids = list(db.session.scalars(select(Group.id).where(Group.id >= first_group)))
    now = now_utc()
    with click.progressbar(range(0, count, batch), label="合成データを作成中") as chunks:
        for offset in chunks:
            n = min(batch, count - offset)
            kinds = [rng.choice(("event", "event", "shop", "notice")) for _ in range(n)]
            events, shops, notices = [], [], []
            for i, kind in enumerate(kinds):
                common = {"group_id": rng.choice(group_ids), "area_id": rng.choice(area_ids),
                          "category_id": rng.choice(category_ids), "status": Status.PUBLISHED,
                          "body": _phrase(rng, 12), "body_html": "", "published_at": now,
                          "source_key": f"synthetic:{offset + i}:{start}"}
                common["body_html"] = f"<p>{common['body']}</p>"
                title = f"{rng.choice(PLACES)}の{rng.choice(SYNTHETIC_WORDS)}{offset + i}"
                if kind == "event":
                    starts = now + timedelta(days=rng.randint(-60, 180), hours=rng.randint(0, 12))
                    events.append({**common, "title": title, "starts_at": starts,
                                   "ends_at": starts + timedelta(hours=2), "all_day": False})
                elif kind == "shop":
                    shops.append({**common, "name": title, "address": f"相模原市{rng.choice(PLACES)}1-2-3",
                                  "tags": []})
                else:
                    notices.append({**common, "title": title})
            if events:
                ids = db.session.scalars(insert(Event).returning(Event.id, sort_by_parameter_order=True),
                                         events).all()
                db.session.execute(insert(EventOccurrence), [
                    {"event_id": eid, "starts_at": e["starts_at"], "ends_at": e["ends_at"]}
                    for eid, e in zip(ids, events, strict=True)])
            if shops:
                db.session.execute(insert(Shop), shops)
            if notices:
                db.session.execute(insert(Notice), notices)
            db.session.commit()
    from flask import current_app

    from community.search.documents import count_items
    from community.search.indexing import rebuild

    # A rebuild that records its place in the change log, so the site follows on from there.
    with click.progressbar(length=count_items(), label="検索索引を作成中") as bar:
        rebuild(current_app._get_current_object(), progress=bar.update)
    from community.db import refresh_statistics

    refresh_statistics(db.session)
