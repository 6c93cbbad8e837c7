"""Demo content for a new site, and synthetic data for the benchmark."""

from __future__ import annotations

import click
from sqlalchemy import insert, select

from community.accounts.models import Role, User
from community.accounts.services import register_user
from community.areas.models import Area, Category
from community.extensions import db
from community.groups.models import Group, GroupKind

DEMO_PASSWORD = "sagamihara-demo"  # noqa: S105 - printed for the demo site, by design

DEMO_USERS = [
    # (role label, email, display name, site role)
    ("admin", "admin@example.jp", "相模原市 地域情報担当", Role.ADMIN),
    ("supporter", "supporter@example.jp", "大野 まゆみ（地域情報サポーター）", Role.SUPPORTER),
    ("editor", "editor@example.jp", "橋本 健一", Role.MEMBER),
    ("member", "member@example.jp", "淵野辺 さくら", Role.MEMBER),
]

DEMO_GROUPS = [
    # (slug, name, kind, area slug, verified, description)
    ("hashimoto-jichikai", "橋本三丁目自治会", GroupKind.NEIGHBOURHOOD, "hashimoto", True,
     "橋本三丁目の自治会です。防災訓練、夏祭り、資源回収などを行っています。"),
    ("sagamiono-shotenkai", "相模大野商店街振興組合", GroupKind.SHOP, "ono-minami", True,
     "相模大野駅周辺の商店街です。季節のイベントやお得な情報をお届けします。"),
    ("fuchinobe-kosodate", "淵野辺子育てネットワーク", GroupKind.NPO, "ono-kita", True,
     "淵野辺周辺で子育て中の親子をつなぐNPOです。子育てサロンや絵本の読み聞かせを開いています。"),
    ("sagamihara-city-kouhou", "相模原市 広聴広報課", GroupKind.CITY, "sagamihara", True,
     "相模原市からのお知らせを掲載します。"),
    # Not verified yet: its event waits in the supporters' review queue.
    ("kamimizo-shogi", "上溝将棋サークル", GroupKind.CIRCLE, "kamimizo", False,
     "上溝公民館で毎週将棋を指しています。初心者歓迎。"),
]


def seed_demo() -> list[tuple[str, str, str]]:
    """Adds demo users, groups and content once; returns the logins it created (empty if already there)."""
    if db.session.scalar(select(User.id).where(User.email == DEMO_USERS[0][1])) is not None:
        return []
    from community.groups.services import create_group

    users = {}
    for label, email, name, role in DEMO_USERS:
        users[label] = register_user(email, name, DEMO_PASSWORD, role=role)
    areas = {a.slug: a for a in db.session.scalars(select(Area))}
    categories = {c.slug: c for c in db.session.scalars(select(Category))}
    groups = {}
    for slug, name, kind, area_slug, verified, description in DEMO_GROUPS:
        group = create_group({"slug": slug, "name": name, "kind": kind, "area_id": areas[area_slug].id,
                              "description": description, "contact": "", "website": ""}, users["editor"])
        group.verified = verified
        groups[slug] = group
    db.session.flush()
    _demo_content(users, groups, areas, categories)
    db.session.commit()
    return [(label, email, DEMO_PASSWORD) for label, email, _name, _role in DEMO_USERS]


def _demo_content(users, groups, areas, categories) -> None:
    """A few weeks of realistic Sagamihara life: events, shops, notices, a community, board posts."""
    from datetime import timedelta

    from community.board.models import BoardKind, BoardThread
    from community.communities.models import Community, CommunityMembership, Reply, Topic
    from community.events.services import save_event
    from community.notices.services import save_notice
    from community.shops.services import save_shop
    from community.text import render_markdown
    from community.timeutil import local_to_utc, today_local

    today = today_local()
    editor = users["editor"]

    def at(days: int, hour: int, minute: int = 0):
        from datetime import time

        return local_to_utc(today + timedelta(days=days), time(hour, minute))

    events = [
        ("hashimoto-jichikai", "橋本三丁目 秋の防災訓練", "hashimoto", "safety", 5, 9, 2,
         "橋本三丁目公園", "相模原市緑区橋本3丁目", "無料",
         "地震を想定した避難訓練と、消火器・AEDの使い方体験を行います。\n\n- 雨天時は自治会館で実施\n- 動きやすい服装でお越しください"),
        ("sagamiono-shotenkai", "相模大野 ハロウィン・スタンプラリー", "ono-minami", "events", 9, 11, 5,
         "相模大野駅北口 商店街一帯", "相模原市南区相模大野3丁目", "参加無料（台紙は各店舗で配布）",
         "商店街のお店を回ってスタンプを集めると、お菓子がもらえます。仮装での参加も大歓迎！"),
        ("fuchinobe-kosodate", "絵本の読み聞かせと親子ふれあい遊び", "ono-kita", "kosodate", 3, 10, 1,
         "淵野辺公民館 和室", "相模原市中央区淵野辺3丁目", "無料",
         "0〜3歳のお子さんと保護者向けです。わらべうたと手遊び、絵本の読み聞かせをします。予約は不要です。"),
        ("sagamihara-city-kouhou", "市民健康まつり", "chuo-chiku", "welfare-health", 14, 10, 6,
         "相模原市民会館", "相模原市中央区中央3丁目", "無料",
         "血圧・骨密度の測定、健康相談、子ども向けの体力測定コーナーがあります。"),
        ("kamimizo-shogi", "親子将棋教室", "kamimizo", "learning", 8, 13, 3,
         "上溝公民館 第1会議室", "相模原市中央区上溝", "100円",
         "駒の動かし方から教えます。小学生と保護者の方が対象です。"),
        ("hashimoto-jichikai", "資源回収と花壇の手入れ", "hashimoto", "environment", 12, 8, 2,
         "自治会館前", "相模原市緑区橋本3丁目", "",
         "毎月恒例の資源回収です。あわせて花壇の植え替えも行います。軍手をご持参ください。"),
    ]
    for slug, title, area, category, days, hour, hours, venue, address, fee, body in events:
        save_event(None, groups[slug], {
            "title": title, "body": body, "area_id": areas[area].id, "category_id": categories[category].id,
            "starts_at": at(days, hour), "ends_at": at(days, hour + hours), "all_day": False, "rrule": "",
            "venue_name": venue, "address": address, "fee": fee, "how_to_apply": "当日会場へお越しください",
            "contact": groups[slug].name}, editor, True)
    # A weekly event: the listings and feeds show each date.
    save_event(None, groups["fuchinobe-kosodate"], {
        "title": "子育てサロン「ぽかぽか」", "body": "毎週木曜日の午前、子育て中の方が気軽に集まれるサロンです。",
        "area_id": areas["ono-kita"].id, "category_id": categories["kosodate"].id,
        "starts_at": at(1, 10), "ends_at": at(1, 12), "all_day": False,
        "rrule": f"FREQ=WEEKLY;UNTIL={(at(60, 23)).strftime('%Y%m%dT%H%M%SZ')}",
        "venue_name": "淵野辺こどもセンター", "address": "相模原市中央区淵野辺", "fee": "無料"}, editor, True)
    shops = [
        ("sagamiono-shotenkai", "ベーカリー大野", "shop", "ono-minami", "food-shops", "相模原市南区相模大野5-1-1",
         "7:00〜18:00", "月曜", ["子連れOK", "テイクアウト"], "店内は段差がなく、ベビーカーで入れます。"),
        ("sagamiono-shotenkai", "和食処 さがみ", "restaurant", "ono-minami", "food-shops", "相模原市南区相模大野3-2-5",
         "11:30〜14:00, 17:00〜22:00", "水曜", ["車椅子可", "多言語対応"], "車椅子用トイレあり。英語メニューがあります。"),
        ("sagamihara-city-kouhou", "橋本図書館", "facility", "hashimoto", "learning", "相模原市緑区橋本6-2-1",
         "9:00〜20:00（土日祝は18:00まで）", "第3月曜、年末年始", ["授乳室", "車椅子可"], "エレベーター、多目的トイレがあります。"),
        ("sagamihara-city-kouhou", "相武台公民館", "facility", "sobudai", "learning", "相模原市南区相武台3-1-1",
         "9:00〜22:00", "年末年始", ["駐車場あり"], "スロープあり。"),
    ]
    for slug, name, kind, area, category, address, hours, holidays, tags, barrier in shops:
        save_shop(None, groups[slug], {
            "name": name, "kind": kind, "area_id": areas[area].id, "category_id": categories[category].id,
            "address": address, "opening_hours": hours, "holidays": holidays, "tags": tags, "barrier_free": barrier,
            "last_confirmed": today, "body": ""}, editor, True)
    notices = [
        ("sagamihara-city-kouhou", "年末年始のごみ収集日程について", "sagamihara", "environment",
         "12月29日から1月3日までは収集を休みます。詳しくは市のホームページをご覧ください。"),
        ("sagamihara-city-kouhou", "インフルエンザの予防接種（高齢者）", "sagamihara", "welfare-health",
         "65歳以上の方は、市内の協力医療機関で自己負担を軽くして接種できます。"),
        ("hashimoto-jichikai", "回覧板：防犯パトロール参加者募集", "hashimoto", "safety",
         "夜間の見回りにご協力いただける方を募集しています。月1回、1時間程度です。"),
    ]
    for slug, title, area, category, body in notices:
        save_notice(None, groups[slug], {"title": title, "body": body, "area_id": areas[area].id,
                                         "category_id": categories[category].id}, editor, True)
    # An open interest community with a topic, a reply and a meetup.
    member, supporter = users["member"], users["supporter"]
    community = Community(slug="sagamihara-walking", name="さがみはら散歩の会", status="published",
                          description="相模原の川沿いや公園を、のんびり歩く会です。初めての方も歓迎します。",
                          area_id=areas["chuo"].id, category_id=categories["sports-culture"].id,
                          created_by_id=member.id, member_count=2)
    community.description_html = render_markdown(community.description)
    db.session.add(community)
    db.session.flush()
    db.session.add_all([CommunityMembership(community_id=community.id, user_id=member.id, role="admin"),
                        CommunityMembership(community_id=community.id, user_id=supporter.id, role="member")])
    topic = Topic(community_id=community.id, author_id=member.id, title="おすすめの散歩コースを教えてください",
                  body="相模川の河川敷以外で、歩きやすいコースはありますか？")
    topic.body_html = render_markdown(topic.body)
    db.session.add(topic)
    db.session.flush()
    reply = Reply(topic_id=topic.id, author_id=supporter.id, body="横山公園から麻溝公園までの道がおすすめです。")
    reply.body_html = render_markdown(reply.body)
    db.session.add(reply)
    topic.reply_count = 1
    from community.communities.meetups import create_meetup

    create_meetup(community, {"title": "相模川 朝の散歩会", "starts_at": at(6, 8), "ends_at": at(6, 10),
                              "venue_name": "高田橋 河川敷", "address": "相模原市中央区水郷田名",
                              "area_id": areas["tana"].id, "capacity": 15,
                              "body": "ゆっくり歩きます。水分をお持ちください。"}, member)
    # Message board posts.
    for kind, title, area, body, days in [
        (BoardKind.GIVING, "子ども用自転車（16インチ）ゆずります", "ono-kita", "まだ使えます。取りに来られる方に。", 14),
        (BoardKind.QUESTION, "土曜に開いている小児科を探しています", "minami", "南区で土曜午前に診てもらえる小児科をご存じの方、教えてください。", 0),
        (BoardKind.NOTICE, "迷い猫の張り紙を見かけた方へ", "hashimoto", "飼い主が見つかりました。ご協力ありがとうございました。", 0),
    ]:
        from community.db import utcnow

        thread = BoardThread(kind=kind, title=title, area_id=areas[area].id, author_id=member.id, body=body,
                             body_html=render_markdown(body), status="published",
                             expires_at=utcnow() + timedelta(days=days) if days else None)
        db.session.add(thread)


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

    from community.search import get_index
    from community.search.documents import all_documents, count_items

    with current_app.test_request_context("/"), click.progressbar(length=count_items(),
                                                                  label="検索索引を作成中") as bar:
        get_index(current_app.config["SEARCH_INDEX_DIR"]).rebuild(all_documents(), progress=bar.update)
    from community.db import refresh_statistics

    refresh_statistics(db.session)
