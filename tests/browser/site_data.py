"""A small, lived-in site for the accessibility test: something of every kind, made once per module.

Everything goes through the services the pages use (so counters, notifications, versions and the
search index are as they would be), except the few states a test cannot reach quickly (a post still
waiting for review). build_site returns the people and the ids the page paths are filled with.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

GROUP_SLUG = "sagamihara-kosodate-net"
OPEN_SLUG = "hashimoto-oyako"
CLOSED_SLUG = "himitsu-no-hatake"
COLLECTION_SLUG = "natsu-no-kosodate"
SEARCH_WORD = "子育て"


@dataclass
class Site:
    users: dict = field(default_factory=dict)  # role name -> detached User
    ids: dict = field(default_factory=dict)    # name -> value for the paths ("{event}")


def _user(db, password_hash, key: str, role: str, name: str, days_old: int = 60):
    from community.accounts.models import User
    from community.db import utcnow

    user = User(email=f"{key}@example.jp", display_name=name, role=role, password_hash=password_hash,
                created_at=utcnow() - timedelta(days=days_old), bio=f"{name}です。相模原で暮らしています。")
    db.session.add(user)
    db.session.flush()
    return user


def _event_data(area_id: int, category_id: int | None, title: str, days: float, **extra) -> dict:
    from community.timeutil import now_utc

    starts = (now_utc() + timedelta(days=days)).replace(minute=0, second=0, microsecond=0)
    data = {"title": title, "area_id": area_id, "category_id": category_id, "starts_at": starts,
            "ends_at": starts + timedelta(hours=2), "all_day": False, "rrule": "", "venue_name": "橋本公民館",
            "address": "相模原市緑区橋本1-1-1", "body": f"{title}のご案内です。\n\n**どなたでも**参加できます。",
            "contact": "042-000-0000", "organizer": "さがみはら子育てネット"}
    data.update(extra)
    return data


def build_site(app, password_hash) -> Site:  # noqa: PLR0915 - one straight story of a site's life
    from community.accounts.models import User
    from community.accounts.services import reset_token
    from community.areas.services import area_by_slug, category_by_slug
    from community.board.services import add_reply, create_thread
    from community.communities import boards, meetups
    from community.communities.services import create_community, join
    from community.events.services import save_event
    from community.extensions import db
    from community.groups.models import Group, GroupMembership
    from community.me.services import bookmark, follow, unsubscribe_token
    from community.moderation import curation
    from community.moderation import services as moderation
    from community.notices.services import save_notice
    from community.shops.services import save_shop
    from community.signage.services import raise_urgent_notice
    from community.timeutil import now_utc

    app.config["NEW_MEMBER_REVIEW_POSTS"] = 0  # posts go live; the one waiting for review is set below
    site = Site()
    with app.test_request_context():
        hashimoto, minami, midori = (area_by_slug(s) for s in ("hashimoto", "minami", "midori"))
        kosodate = category_by_slug("kosodate")
        owner = _user(db, password_hash, "owner", "member", "相模 花子")
        editor = _user(db, password_hash, "editor", "member", "団体 編集者")
        member = _user(db, password_hash, "member", "member", "一般 会員")
        applicant = _user(db, password_hash, "applicant", "member", "申請中 太郎")
        neighbour = _user(db, password_hash, "neighbour", "member", "近所 次郎")
        newcomer = _user(db, password_hash, "newcomer", "member", "新人 三郎", days_old=1)
        supporter = _user(db, password_hash, "supporter", "supporter", "サポーター 桜")
        admin = _user(db, password_hash, "admin", "admin", "市役所 管理者")

        group = Group(slug=GROUP_SLUG, name="さがみはら子育てネット", area_id=minami.id, verified=True,
                      description="南区の子育てサークルです。",
                      description_html="<p>南区の<strong>子育てサークル</strong>です。</p>",
                      contact="kosodate@example.jp", website="https://example.jp/kosodate")
        second = Group(slug="oono-machizukuri", name="相模大野まちづくりの会", area_id=minami.id, verified=False)
        db.session.add_all([group, second])
        db.session.flush()
        db.session.add_all([GroupMembership(group_id=group.id, user_id=owner.id, role="owner"),
                            GroupMembership(group_id=group.id, user_id=editor.id, role="editor"),
                            GroupMembership(group_id=second.id, user_id=owner.id, role="owner")])
        db.session.flush()

        # Group content: an event edited once (its history), a reported one, a shop, a notice.
        event = save_event(None, group, _event_data(hashimoto.id, kosodate.id, "親子で遊ぼう 子育てひろば", 2),
                           owner, True)
        event = save_event(event, group, _event_data(hashimoto.id, kosodate.id, "親子で遊ぼう 子育てひろば", 2,
                                                     fee="無料", capacity=20, latitude=35.5951, longitude=139.3449),
                           owner, True)
        reported = save_event(None, group, _event_data(midori.id, None, "橋本駅前の朝市", 4), editor, True)
        # A long exhibition (the calendar lists it above the grid) and a weekly event with its rule in words.
        save_event(None, group, _event_data(hashimoto.id, None, "市民ギャラリー 写真展", -5, all_day=True,
                                            ends_at=now_utc() + timedelta(days=60)), owner, True)
        save_event(None, group, _event_data(hashimoto.id, None, "毎週の読み聞かせ", 3,
                                            rrule="FREQ=WEEKLY;COUNT=12"), owner, True)
        shop = save_shop(None, group, {"name": "子育てカフェ ひだまり", "address": "相模原市南区相模大野3-1-1",
                                       "area_id": minami.id, "category_id": kosodate.id, "tags": ["子連れOK", "授乳室"],
                                       "latitude": 35.5322, "longitude": 139.438,
                                       "body": "ベビーカーのまま入れるカフェです。"}, owner, True)
        notice = save_notice(None, group, {"title": "夏休みの子育て相談会のお知らせ", "area_id": hashimoto.id,
                                           "category_id": kosodate.id, "body": "予約は不要です。",
                                           "easy_title": "なつやすみの そうだんかい",
                                           "easy_body": "よやくは いりません。"}, owner, True)
        save_event(None, second, _event_data(minami.id, None, "まちづくり勉強会", 6), owner, True)  # pending

        # Communities: an open one the member joined, with a topic, replies and a meetup; a closed one with
        # a request waiting for its admin.
        open_one = create_community({"name": "橋本おやこの会", "slug": OPEN_SLUG, "area_id": hashimoto.id,
                                     "category_id": kosodate.id, "is_closed": False,
                                     "description": "橋本周辺の親子で**ゆるく**集まる会です。"}, owner)
        closed = create_community({"name": "ひみつの畑", "slug": CLOSED_SLUG, "area_id": midori.id,
                                   "category_id": None, "is_closed": True,
                                   "description": "参加は承認制の家庭菜園の会です。"}, owner)
        join(open_one, member)
        join(open_one, neighbour)
        join(closed, applicant, "畑仕事が好きです。よろしくお願いします。")
        topic = boards.create_topic(open_one, {"title": "おすすめの公園", "body": "雨の日に遊べる場所は？"}, member)
        reply = boards.create_reply(topic, "児童館がおすすめです。", owner)
        boards.create_reply(topic, "ありがとうございます！", member)
        meetup = meetups.create_meetup(open_one, {
            "title": "公園でピクニック", "starts_at": now_utc() + timedelta(days=5),
            "ends_at": now_utc() + timedelta(days=5, hours=2), "venue_name": "橋本公園",
            "address": "相模原市緑区橋本2-2",
            "area_id": hashimoto.id, "capacity": 10, "body": "お弁当を持って集まりましょう。"}, owner)
        meetups.answer(meetup, member, "going")
        meetups.answer(meetup, neighbour, "maybe")

        # The message board: a thread with a reply, a thread waiting for review, one hidden by a supporter.
        thread = create_thread(member, {"kind": "question", "area_id": hashimoto.id, "title": "小児科を探しています",
                                        "body": "夜間も診てくれる小児科はありますか。", "expires_in_days": 14})
        board_reply = add_reply(thread, owner, "橋本駅の近くにあります。")
        waiting = create_thread(newcomer, {"kind": "giving", "area_id": minami.id, "title": "ベビーカーゆずります",
                                           "body": "まだ使えます。", "expires_in_days": 14})
        waiting.status = "pending"
        hidden = create_thread(member, {"kind": "chat", "area_id": hashimoto.id, "title": "雑談スレッド",
                                        "body": "こんにちは。", "expires_in_days": 14})
        db.session.flush()
        moderation.hide(supporter, hidden, "個人情報が含まれていたため", "published")

        # Reports on one event (below the hiding threshold, so it stays public and sits in the queue).
        moderation.submit_report(neighbour, reported, "wrong", "日付が違うようです。")
        moderation.submit_report(applicant, reported, "spam")

        # Curation: the event featured on the home page and in a published 特集.
        curation.feature_item(supporter, event, note="夏のおすすめ")
        collection = curation.save_collection(supporter, None, {
            "slug": COLLECTION_SLUG, "title": "夏の子育て特集", "intro": "夏休みに親子で楽しめる情報です。",
            "is_published": True})
        curation.add_to_collection(supporter, collection, event, "雨でも大丈夫です。")
        curation.add_to_collection(supporter, collection, shop)

        # My page: follows and bookmarks (notifications came from the replies and the hide above).
        follow(member, "area", hashimoto)
        follow(member, "group", group)
        follow(member, "community", open_one)
        bookmark(member, event)
        bookmark(member, shop)

        # An urgent notice for 橋本 only: its banner shows on /areas/hashimoto and on 橋本's signage.
        raise_urgent_notice({"title": "大雨による避難指示", "body": "橋本地区に避難指示が出ています。",
                             "easy_title": "大雨（おおあめ）です", "easy_body": "にげて ください。",
                             "area_id": hashimoto.id, "ends_at": now_utc() + timedelta(hours=6)}, admin)
        # A message the mail server keeps refusing, for the admins' mail queue.
        from community.mail.models import OutgoingMail

        db.session.add(OutgoingMail(to="refused@example.jp", subject="【さがみはら地域ポータル】パスワードの再設定",
                                    text="…", attempts=2, last_error="SMTPRecipientsRefused: 550 mailbox unavailable",
                                    next_attempt_at=now_utc() + timedelta(minutes=30)))
        # Site pages: a material change of the terms (version 1) that everyone but "returning" has agreed to, and
        # a message through the contact form for the admins.
        from community.sitepages import contact
        from community.sitepages import services as sitepages

        terms = sitepages.current_page("terms")
        sitepages.save_version(admin, "terms", terms.title, terms.body + "\n\n## 附則\n\n改定した日から適用します。",
                               note="附則を追加", material=True)
        returning = _user(db, password_hash, "returning", "member", "久しぶり 四郎")
        returning.terms_version = 0
        for user in (owner, editor, member, applicant, neighbour, newcomer, supporter, admin):
            user.terms_version = 1
        contact.submit_message("問合せ 花子", "toiawase@example.jp", "イベントの掲載について",
                               "自治会のイベントを載せたいのですが、どうすればよいですか。")
        # Open data: a CSV uploaded in the browser waiting to be confirmed, and a subscribed calendar with a log.
        from community.opendata.models import FeedLog, FeedSubscription, ImportJob

        import_job = ImportJob(group_id=group.id, user_id=editor.id, kind="events", filename="event.csv", total=2,
                               created=1, unchanged=1, refused=1, report=[
                                   ["refused", 4, "", "開始日「2026-13-40」を日付として読めません"],
                                   ["new", "", "橋本七夕まつり", ""], ["unchanged", "", "子育てサロン", ""]])
        running_job = ImportJob(group_id=group.id, user_id=editor.id, kind="events", filename="big.csv",
                                status="running", total=10000, done=2400, created=2400)
        feed = FeedSubscription(group_id=group.id, url="https://calendar.example.jp/basic.ics", kind="ical")
        db.session.add_all([import_job, running_job, feed])
        db.session.flush()
        db.session.add(FeedLog(subscription_id=feed.id, outcome="imported", http_status=200, created=1,
                               message="新規 1 件、変更 0 件、変更なし 0 件、取り込めなかったもの 0 件",
                               details=["新規: 子育てサロン"]))
        db.session.commit()

        site.ids = {
            "group": GROUP_SLUG, "event": event.id, "reported": reported.id, "shop": shop.id, "notice": notice.id,
            "open": OPEN_SLUG, "closed": CLOSED_SLUG, "topic": topic.id, "reply": reply.id, "meetup": meetup.id,
            "thread": thread.id, "board_reply": board_reply.id, "hidden_thread": hidden.id,
            "collection": COLLECTION_SLUG, "collection_id": collection.id, "owner_id": owner.id,
            "member_id": member.id, "area_id": hashimoto.id, "category_id": kosodate.id,
            "import_job": import_job.id, "running_job": running_job.id, "feed": feed.id,
            "unsubscribe": unsubscribe_token(member), "reset": reset_token(member), "word": SEARCH_WORD,
        }
        for key, user in {"owner": owner, "editor": editor, "member": member, "supporter": supporter,
                          "admin": admin, "returning": returning}.items():
            site.users[key] = db.session.get(User, user.id)
            db.session.expunge(site.users[key])
    return site
