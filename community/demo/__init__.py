"""Demo content for a new site (community serve --demo, community seed --demo); the words are in content.toml."""

from __future__ import annotations

import tomllib
from datetime import time, timedelta
from functools import cache
from pathlib import Path

from sqlalchemy import select

from community.accounts.services import register_user
from community.areas.models import Area, Category
from community.extensions import db

CONTENT = Path(__file__).with_name("content.toml")


@cache
def demo_content() -> dict:
    with CONTENT.open("rb") as f:
        return tomllib.load(f)


def seed_demo() -> list[tuple[str, str, str]]:
    """Adds demo users, groups and content once; returns the logins it created (empty if already there)."""
    from community.accounts.models import User
    from community.groups.services import create_group

    content = demo_content()
    password = content["password"]
    if db.session.scalar(select(User.id).where(User.email == content["users"][0]["email"])) is not None:
        return []
    users = {u["label"]: register_user(u["email"], u["name"], password, role=u["role"]) for u in content["users"]}
    areas = {a.slug: a for a in db.session.scalars(select(Area))}
    categories = {c.slug: c for c in db.session.scalars(select(Category))}
    groups = {}
    for g in content["groups"]:
        group = create_group({"slug": g["slug"], "name": g["name"], "kind": g["kind"], "area_id": areas[g["area"]].id,
                              "description": g["description"], "contact": "", "website": ""}, users["editor"])
        group.verified = g["verified"]
        groups[g["slug"]] = group
    db.session.flush()
    _DemoSite(content, users, groups, areas, categories).fill()
    db.session.commit()
    return [(u["label"], u["email"], password) for u in content["users"]]


class _DemoSite:
    """Puts content.toml's events, shops, notices, community and board posts into the site through its services."""

    def __init__(self, content, users, groups, areas, categories):
        from community.timeutil import today_local

        self.content, self.users, self.groups = content, users, groups
        self.areas, self.categories = areas, categories
        self.today = today_local()
        self.editor = users["editor"]

    def at(self, days: int, hour: int):
        from community.timeutil import local_to_utc

        return local_to_utc(self.today + timedelta(days=days), time(hour, 0))

    def place(self, row: dict) -> dict:
        return {"area_id": self.areas[row["area"]].id, "category_id": self.categories[row["category"]].id}

    def fill(self) -> None:
        from community.events.services import save_event
        from community.notices.services import save_notice
        from community.shops.services import save_shop

        for e in self.content["events"]:
            group = self.groups[e["group"]]
            rrule = ""
            if "weekly_for_days" in e:
                until = self.at(e["weekly_for_days"], 23).strftime("%Y%m%dT%H%M%SZ")
                rrule = f"FREQ=WEEKLY;UNTIL={until}"
            data = {"title": e["title"], "body": e["body"], **self.place(e), "starts_at": self.at(e["days"], e["hour"]),
                    "ends_at": self.at(e["days"], e["hour"] + e["hours"]), "all_day": False, "rrule": rrule,
                    "venue_name": e["venue"], "address": e["address"], "fee": e["fee"]}
            if not rrule:
                data.update(how_to_apply="当日会場へお越しください", contact=group.name)
            save_event(None, group, data, self.editor, True)
        for s in self.content["shops"]:
            save_shop(None, self.groups[s["group"]], {
                "name": s["name"], "kind": s["kind"], **self.place(s), "address": s["address"],
                "opening_hours": s["hours"], "holidays": s["holidays"], "tags": s["tags"],
                "barrier_free": s["barrier_free"], "last_confirmed": self.today, "body": ""}, self.editor, True)
        for n in self.content["notices"]:
            save_notice(None, self.groups[n["group"]], {"title": n["title"], "body": n["body"], **self.place(n)},
                        self.editor, True)
        self.community()
        self.board()

    def community(self) -> None:
        from community.communities.meetups import create_meetup
        from community.communities.models import Community, CommunityMembership, Reply, Topic
        from community.text import render_markdown

        c = self.content["community"]
        member, supporter = self.users["member"], self.users["supporter"]
        community = Community(slug=c["slug"], name=c["name"], status="published", description=c["description"],
                              **self.place(c), created_by_id=member.id, member_count=2)
        community.description_html = render_markdown(community.description)
        db.session.add(community)
        db.session.flush()
        db.session.add_all([CommunityMembership(community_id=community.id, user_id=member.id, role="admin"),
                            CommunityMembership(community_id=community.id, user_id=supporter.id, role="member")])
        t = c["topic"]
        topic = Topic(community_id=community.id, author_id=member.id, title=t["title"], body=t["body"],
                      body_html=render_markdown(t["body"]))
        db.session.add(topic)
        db.session.flush()
        db.session.add(Reply(topic_id=topic.id, author_id=supporter.id, body=t["reply"],
                             body_html=render_markdown(t["reply"])))
        topic.reply_count = 1
        m = c["meetup"]
        create_meetup(community, {"title": m["title"], "starts_at": self.at(m["days"], m["hour"]),
                                  "ends_at": self.at(m["days"], m["hour"] + m["hours"]), "venue_name": m["venue"],
                                  "address": m["address"], "area_id": self.areas[m["area"]].id,
                                  "capacity": m["capacity"], "body": m["body"]}, member)

    def board(self) -> None:
        from community.board.models import BoardThread
        from community.db import utcnow
        from community.text import render_markdown

        for b in self.content["board"]:
            days = b.get("expires_in_days")
            db.session.add(BoardThread(kind=b["kind"], title=b["title"], area_id=self.areas[b["area"]].id,
                                       author_id=self.users["member"].id, body=b["body"],
                                       body_html=render_markdown(b["body"]), status="published",
                                       expires_at=utcnow() + timedelta(days=days) if days else None))
