"""A synthetic city for the benchmarks (`community seed --synthetic N`).

N is the number of items (events, shops, notices); everything else a city of that size holds comes in the
proportions of PRODUCT.md's "Data and scale" (`CITY_PER_100K`): members, groups and their editors,
communities with members, topics and replies, meetups with RSVPs, board threads and replies, follows,
bookmarks and open reports. Some events repeat weekly and some run for weeks (exhibitions). Text is
Japanese of the length residents write. Rows are bulk-inserted in batches (memory stays flat) and the
search index is rebuilt at the end.
"""

from __future__ import annotations

import os
import random
import time
from collections.abc import Iterator
from datetime import datetime, timedelta

import click
from sqlalchemy import func, select

from community.accounts.models import Role, User
from community.areas.models import Area, Category
from community.extensions import db
from community.groups.models import Group, GroupKind, GroupMembership, GroupRole

SYNTHETIC_WORDS = (
    "子育て", "相談会", "親子", "読み聞かせ", "防災訓練", "夏まつり", "盆踊り", "ヨガ教室", "健康体操", "料理教室",
    "パン屋", "カフェ", "ラーメン", "図書館", "公民館", "ボランティア", "清掃活動", "リサイクル", "星空観察",
    "ウォーキング",
    "写真展", "コンサート", "英会話", "プログラミング", "将棋", "囲碁", "子ども食堂", "高齢者", "見守り", "花壇づくり",
)
PLACES = ("橋本", "相模大野", "淵野辺", "上溝", "相模湖", "藤野", "東林間", "古淵", "矢部", "田名", "城山", "津久井")
SENTENCES = (
    "{place}で{word}を開きます。", "どなたでもお気軽にご参加ください。", "参加費は{fee}円です。",
    "{word}に興味のある方、{place}の近くで一緒に活動しませんか。", "持ち物は筆記用具と飲み物です。",
    "雨天の場合は{place}公民館で行います。", "小さなお子さま連れの方も歓迎します。",
    "申し込みは前日までにお電話でお願いします。", "駐車場には限りがありますので、公共交通機関をご利用ください。",
    "{word}の経験がなくても大丈夫です。", "当日は{place}駅から歩いて10分ほどの会場です。",
    "前回は{fee}人ほどが集まり、にぎやかな会になりました。", "{word}について、地域の方から話を聞く時間もあります。",
    "感染症対策として、換気と手洗いにご協力ください。", "詳しくは{place}地区の掲示板もご覧ください。",
)
REPLIES = (
    "参加したいです。", "ありがとうございます、助かります。", "{place}の会場は駐車場がありますか。",
    "先週の{word}、とても楽しかったです。", "子どもと一緒でも大丈夫でしょうか。", "私も{word}に興味があります。",
    "次回の日程が決まったら教えてください。", "{place}のあたりなら歩いて行けそうです。",
)
# PRODUCT.md "Data and scale" and the benchmark issue's measured city, per 100,000 items.
CITY_PER_100K = {
    "members": 50_000, "groups": 2_000, "communities": 200, "topics": 4_000, "topic_replies": 18_000,
    "threads": 4_000, "thread_replies": 9_000, "follows": 10_000, "bookmarks": 10_000, "reports": 300,
}
BATCH = 2_000
# Tokens each index-building process holds before it writes a segment out (MB): small enough that a worker
# stays near 150 MB at its sort (256 MB, the default, took a worker to some 950 MB), large enough that
# 100,000 items make only a handful of segments.
INDEX_LIMITMB = 48


def city_shape(items: int) -> dict[str, int]:
    """How many of each thing a city of `items` items holds (at least one of each)."""
    return {key: max(1, round(per * items / 100_000)) for key, per in CITY_PER_100K.items()}


class Writer:
    """Japanese text of realistic length, from a seeded random generator."""

    def __init__(self, rng: random.Random):
        self.rng = rng

    def _fill(self, template: str) -> str:
        rng = self.rng
        return template.format(place=rng.choice(PLACES), word=rng.choice(SYNTHETIC_WORDS),
                               fee=rng.randrange(1, 20) * 100)

    def body(self, low: int = 3, high: int = 9) -> str:
        return "".join(self._fill(s) for s in self.rng.choices(SENTENCES, k=self.rng.randint(low, high)))

    def reply(self) -> str:
        return "".join(self._fill(s) for s in self.rng.choices(REPLIES, k=self.rng.randint(1, 3)))

    def title(self, n: int) -> str:
        return f"{self.rng.choice(PLACES)}の{self.rng.choice(SYNTHETIC_WORDS)}{n}"


def _phrase(rng, n: int) -> str:
    """`n` words joined by particles (the search benchmark's corpus)."""
    return "".join(rng.choice(SYNTHETIC_WORDS) + rng.choice(("と", "の", "で", "や", "、")) for _ in range(n))


def _html(text: str) -> str:
    return f"<p>{text}</p>"


def _batches(total: int) -> Iterator[tuple[int, int]]:
    for offset in range(0, total, BATCH):
        yield offset, min(BATCH, total - offset)


def _insert_returning_ids(model, rows: list[dict]) -> list[int]:
    """Core executemany (no ORM, no RETURNING: both cost more than the insert itself), then the new ids read back
    in order. The seeder is the only writer, so the ids above the old maximum are these rows', in row order."""
    if not rows:
        return []
    table = model.__table__
    before = db.session.scalar(select(func.max(table.c.id))) or 0
    db.session.execute(table.insert(), _uniform(rows))
    ids = list(db.session.scalars(select(table.c.id).where(table.c.id > before).order_by(table.c.id)))
    if len(ids) != len(rows):
        raise click.ClickException("合成データの作成中に別の書き込みがありました。もう一度実行してください。")
    return ids


def _insert(model, rows: list[dict]) -> None:
    if rows:
        db.session.execute(model.__table__.insert(), _uniform(rows))


def _uniform(rows: list[dict]) -> list[dict]:
    """Every row with the same keys (one executemany statement): a key some rows leave out is empty in them."""
    keys = set().union(*rows)
    return rows if all(len(row) == len(keys) for row in rows) else [dict.fromkeys(keys) | row for row in rows]


def _unique_pairs(rng: random.Random, count: int, left: list[int], right: list, tries: int = 3) -> set[tuple]:
    """Up to `count` distinct (left, right) pairs (rows a unique constraint allows once)."""
    pairs: set[tuple] = set()
    for _ in range(count * tries):
        if len(pairs) >= count:
            break
        pairs.add((rng.choice(left), rng.choice(right)))
    return pairs


def seed_synthetic(count: int) -> None:
    """Bulk-inserts a city of `count` items (see the module's docstring), then rebuilds the search index."""
    from werkzeug.security import generate_password_hash

    from community.timeutil import now_utc

    rng = random.Random(count)
    write = Writer(rng)
    shape = city_shape(count)
    now = now_utc()
    area_ids = list(db.session.scalars(select(Area.id).where(Area.level == "district")))
    category_ids = list(db.session.scalars(select(Category.id)))
    stamp = (db.session.scalar(select(db.func.max(User.id))) or 0) + 1  # keeps a second run's keys unique
    started = time.perf_counter()

    def done(phase: str) -> None:
        click.echo(f"  {phase}: {time.perf_counter() - started:.1f} s")

    members = _seed_members(rng, shape["members"], area_ids, generate_password_hash("synthetic-password",
                                                                                     method="scrypt"))
    done("members")
    groups = _seed_groups(rng, write, shape["groups"], stamp, members, area_ids)
    communities = _seed_communities(rng, write, shape["communities"], stamp, members, area_ids, category_ids, now)
    items = _seed_items(rng, write, count, stamp, groups, communities, area_ids, category_ids, now)
    done("groups, communities, items")
    _seed_discussions(rng, write, shape, communities, members, area_ids, now)
    _seed_personal(rng, shape, members, groups, communities, items, area_ids, category_ids)
    db.session.commit()
    done("discussions, follows, bookmarks, reports")
    _index()
    done("search index")


def _seed_members(rng, total: int, area_ids: list[int], password_hash: str) -> list[int]:
    """Members sharing one password hash (hashing 50,000 passwords would be the whole budget)."""
    ids: list[int] = []
    start = (db.session.scalar(select(db.func.max(User.id))) or 0) + 1
    with click.progressbar(list(_batches(total)), label="会員を作成中") as chunks:
        for offset, n in chunks:
            ids += _insert_returning_ids(User, [
                {"email": f"synthetic{start + offset + i}@example.invalid", "display_name": f"会員{start + offset + i}",
                 "password_hash": password_hash, "role": Role.MEMBER, "area_id": rng.choice(area_ids)}
                for i in range(n)])
    db.session.commit()
    return ids


def _seed_groups(rng, write: Writer, total: int, stamp: int, members: list[int], area_ids: list[int]) -> list[int]:
    kinds = list(GroupKind)
    ids = _insert_returning_ids(Group, [
        {"slug": f"synthetic-group-{stamp}-{i}", "name": f"{rng.choice(PLACES)}の会{stamp}-{i}",
         "kind": rng.choice(kinds), "area_id": rng.choice(area_ids), "verified": True,
         "description": (text := write.body(1, 3)), "description_html": _html(text)} for i in range(total)])
    _insert(GroupMembership, [{"group_id": gid, "user_id": rng.choice(members), "role": GroupRole.OWNER}
                              for gid in ids])
    db.session.commit()
    return ids


def _seed_communities(rng, write: Writer, total: int, stamp: int, members: list[int], area_ids, category_ids,
                      now: datetime) -> dict[int, list[int]]:
    """Communities (one in eight closed) and their members; returns each community's member ids."""
    from community.communities.models import Community, CommunityMembership, CommunityRole

    rosters = [rng.sample(members, min(len(members), rng.randint(3, 50))) for _ in range(total)]
    ids = _insert_returning_ids(Community, [
        {"slug": f"synthetic-{stamp}-{i}", "name": f"{rng.choice(PLACES)}の{rng.choice(SYNTHETIC_WORDS)}仲間{i}",
         "description": (text := write.body(2, 5)), "description_html": _html(text), "is_closed": i % 8 == 1,
         "area_id": rng.choice(area_ids), "category_id": rng.choice(category_ids), "created_by_id": roster[0],
         "member_count": len(roster), "last_activity_at": now - timedelta(hours=rng.randint(0, 24 * 60))}
        for i, roster in enumerate(rosters)])
    _insert(CommunityMembership, [
        {"community_id": cid, "user_id": uid, "role": CommunityRole.ADMIN if k == 0 else CommunityRole.MEMBER}
        for cid, roster in zip(ids, rosters, strict=True) for k, uid in enumerate(roster)])
    db.session.commit()
    return dict(zip(ids, rosters, strict=True))


def _event_dates(rng, now: datetime) -> tuple[datetime, datetime, str, list[tuple[datetime, datetime]]]:
    """One event's start, end, RRULE and dates: mostly single days, one in ten weekly for three months,
    one in twenty an exhibition running two to eight weeks."""
    starts = now + timedelta(days=rng.randint(-60, 180), hours=rng.randint(0, 12))
    shape = rng.random()
    if shape < 0.10:
        ends = starts + timedelta(hours=2)
        dates = [(starts + timedelta(weeks=w), ends + timedelta(weeks=w)) for w in range(13)]
        return starts, ends, "FREQ=WEEKLY;COUNT=13", dates
    if shape < 0.15:
        ends = starts + timedelta(weeks=rng.randint(2, 8))
        return starts, ends, "", [(starts, ends)]
    ends = starts + timedelta(hours=rng.choice((1, 2, 3)))
    return starts, ends, "", [(starts, ends)]


def _seed_items(rng, write: Writer, count: int, stamp: int, groups: list[int], communities: dict[int, list[int]],
                area_ids, category_ids, now: datetime) -> dict[str, list[int]]:
    """Events (one in a hundred a community's meetup, with RSVPs), shops and notices; returns their ids."""
    from community.communities.models import Rsvp
    from community.content.models import Status
    from community.events.models import Event, EventOccurrence
    from community.notices.models import Notice
    from community.shops.models import Shop

    community_ids = list(communities)
    items: dict[str, list[int]] = {"event": [], "shop": [], "notice": []}
    with click.progressbar(list(_batches(count)), label="合成データを作成中") as chunks:
        for offset, n in chunks:
            events, dates, shops, notices = [], [], [], []
            for i in range(offset, offset + n):
                common = {"area_id": rng.choice(area_ids), "category_id": rng.choice(category_ids),
                          "status": Status.PUBLISHED if i % 100 else Status.DRAFT, "body": (text := write.body()),
                          "body_html": _html(text), "published_at": now - timedelta(days=rng.randint(0, 365)),
                          "source_key": f"synthetic:{stamp}:{i}", "group_id": rng.choice(groups)}
                kind = rng.choice(("event", "event", "shop", "notice"))
                if kind == "event":
                    starts, ends, rrule, spans = _event_dates(rng, now)
                    if i % 100 == 1:  # a community's meetup: no group
                        common |= {"group_id": None, "community_id": rng.choice(community_ids)}
                    events.append({**common, "title": write.title(i), "starts_at": starts, "ends_at": ends,
                                   "rrule": rrule, "all_day": False, "venue_name": f"{rng.choice(PLACES)}公民館",
                                   "capacity": rng.choice((None, 20, 50))})
                    dates.append(spans)
                elif kind == "shop":
                    shops.append({**common, "name": write.title(i), "address": f"相模原市{rng.choice(PLACES)}1-2-3",
                                  "tags": [], "opening_hours": "10:00〜18:00"})
                else:
                    notices.append({**common, "title": write.title(i)})
            event_ids = _insert_returning_ids(Event, events)
            _insert(EventOccurrence, [{"event_id": eid, "starts_at": s, "ends_at": e}
                                      for eid, spans in zip(event_ids, dates, strict=True) for s, e in spans])
            _insert(Rsvp, [{"event_id": eid, "user_id": uid}
                           for eid, e in zip(event_ids, events, strict=True) if e.get("community_id")
                           for uid in communities[e["community_id"]][:rng.randint(0, 10)]])
            items["event"] += event_ids
            items["shop"] += _insert_returning_ids(Shop, shops)
            items["notice"] += _insert_returning_ids(Notice, notices)
            db.session.commit()
    from community.events.services import recompute_next_dates

    recompute_next_dates()  # the dates were inserted in bulk: fill each event's next one (Event.next_start)
    db.session.commit()
    return items


def _spread(rng, threads: int, replies: int) -> list[int]:
    """How many replies each thread gets: uneven, as in life (a few long threads, many short)."""
    counts = [0] * threads
    for _ in range(replies):
        counts[min(int(rng.expovariate(4 / threads)), threads - 1)] += 1
    rng.shuffle(counts)
    return counts


def _seed_discussions(rng, write: Writer, shape: dict[str, int], communities: dict[int, list[int]],
                      members: list[int], area_ids: list[int], now: datetime) -> None:
    """Community topics and board threads, each with its replies and the counters its list shows."""
    from community.board.models import EXPIRING_KINDS, BoardKind, BoardReply, BoardThread
    from community.communities.models import Reply, Topic

    community_ids = list(communities)

    def thread_rows(total: int, replies_total: int, extra) -> tuple[list[dict], list[list[dict]]]:
        threads, replies = [], []
        for i, n in enumerate(_spread(rng, total, replies_total)):
            created = now - timedelta(hours=rng.randint(1, 24 * 90))
            posts = [{"author_id": rng.choice(members), "body": (text := write.reply()), "body_html": _html(text),
                      "created_at": created + timedelta(minutes=10 * (k + 1))} for k in range(n)]
            text = write.body(1, 4)
            threads.append({"title": write.title(i), "author_id": rng.choice(members), "body": text,
                            "body_html": _html(text), "created_at": created, "reply_count": n,
                            "last_post_at": posts[-1]["created_at"] if posts else created, **extra()})
            replies.append(posts)
        return threads, replies

    def insert_threads(model, reply_model, key: str, threads: list[dict], replies: list[list[dict]]) -> None:
        for offset, n in _batches(len(threads)):
            ids = _insert_returning_ids(model, threads[offset:offset + n])
            _insert(reply_model, [{**post, key: tid} for tid, posts in zip(ids, replies[offset:offset + n],
                                                                           strict=True) for post in posts])
            db.session.commit()

    def topic_extra() -> dict:
        return {"community_id": rng.choice(community_ids)}

    def board_extra() -> dict:
        kind = rng.choice(list(BoardKind))
        expires = now + timedelta(days=rng.randint(1, 30)) if kind in EXPIRING_KINDS else None
        return {"kind": kind, "area_id": rng.choice(area_ids), "expires_at": expires}

    insert_threads(Topic, Reply, "topic_id", *thread_rows(shape["topics"], shape["topic_replies"], topic_extra))
    insert_threads(BoardThread, BoardReply, "thread_id",
                   *thread_rows(shape["threads"], shape["thread_replies"], board_extra))


def _seed_personal(rng, shape: dict[str, int], members: list[int], groups: list[int],
                   communities: dict[int, list[int]], items: dict[str, list[int]], area_ids, category_ids) -> None:
    """Follows, bookmarks and open reports."""
    from community.board.models import BoardReply
    from community.me.models import Bookmark, Follow
    from community.moderation.models import Report, ReportReason

    targets = {"area": area_ids, "category": category_ids, "group": groups, "community": list(communities)}
    follows = _unique_pairs(rng, shape["follows"], members, [(kind, tid) for kind, ids in targets.items()
                                                             for tid in rng.sample(ids, min(len(ids), 500))])
    _insert(Follow, [{"user_id": uid, "target_kind": kind, "target_id": tid} for uid, (kind, tid) in follows])
    bookmarkable = [(kind, iid) for kind, ids in items.items() for iid in rng.sample(ids, min(len(ids), 5_000))]
    bookmarks = _unique_pairs(rng, shape["bookmarks"], members, bookmarkable)
    _insert(Bookmark, [{"user_id": uid, "item_kind": kind, "item_id": iid} for uid, (kind, iid) in bookmarks])
    reply_ids = list(db.session.scalars(select(BoardReply.id).order_by(BoardReply.id.desc()).limit(5_000)))
    if reply_ids:
        reports = _unique_pairs(rng, shape["reports"], members, reply_ids)
        _insert(Report, [{"item_kind": "board_reply", "item_id": rid, "reporter_id": uid,
                          "reason": rng.choice(list(ReportReason)), "note": "確認をお願いします。"}
                         for uid, rid in reports])


def _index() -> None:
    from flask import current_app

    from community.db import refresh_statistics
    from community.search.documents import count_items
    from community.search.indexing import rebuild

    # A rebuild that records its place in the change log, so the site follows on from there.
    with click.progressbar(length=count_items(), label="検索索引を作成中") as bar:
        rebuild(current_app._get_current_object(), progress=bar.update, procs=min(2, os.cpu_count() or 1),
                limitmb=INDEX_LIMITMB)
    refresh_statistics(db.session)
