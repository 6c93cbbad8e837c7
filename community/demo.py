"""Demo content for a new site, and synthetic data for the benchmark."""

from __future__ import annotations

import click
from sqlalchemy import insert, select

from community.accounts.models import Role, User
from community.accounts.services import register_user
from community.areas.models import Area
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
    ("fuchinobe-kosodate", "淵野辺子育てネットワーク", GroupKind.NPO, "ono-kita", False,
     "淵野辺周辺で子育て中の親子をつなぐNPOです。子育てサロンや絵本の読み聞かせを開いています。"),
    ("sagamihara-city-kouhou", "相模原市 広聴広報課", GroupKind.CITY, "sagamihara", True,
     "相模原市からのお知らせを掲載します。"),
]


def seed_demo() -> list[tuple[str, str, str]]:
    """Adds demo users and groups once; returns the logins it created (empty if already there)."""
    if db.session.scalar(select(User.id).where(User.email == DEMO_USERS[0][1])) is not None:
        return []
    users = {}
    for label, email, name, role in DEMO_USERS:
        users[label] = register_user(email, name, DEMO_PASSWORD, role=role)
    areas = {a.slug: a for a in db.session.scalars(select(Area))}
    for slug, name, kind, area_slug, verified, description in DEMO_GROUPS:
        from community.groups.services import create_group

        group = create_group({"slug": slug, "name": name, "kind": kind, "area_id": areas[area_slug].id,
                              "description": description, "contact": "", "website": ""}, users["editor"])
        group.verified = verified
    db.session.commit()
    return [(label, email, DEMO_PASSWORD) for label, email, _name, _role in DEMO_USERS]


def seed_synthetic(count: int, batch: int = 2000) -> None:
    """Bulk-inserts `count` synthetic members and groups (one group per 50 members) for benchmarks."""
    from werkzeug.security import generate_password_hash

    password_hash = generate_password_hash("synthetic-password", method="scrypt")  # one hash, shared
    area_ids = list(db.session.scalars(select(Area.id).where(Area.level == "district")))
    start = (db.session.scalar(select(db.func.max(User.id))) or 0) + 1
    with click.progressbar(range(0, count, batch), label="合成データを作成中") as chunks:
        for offset in chunks:
            n = min(batch, count - offset)
            rows = [{"email": f"synthetic{start + offset + i}@example.invalid",
                     "display_name": f"会員{start + offset + i}", "password_hash": password_hash,
                     "role": Role.MEMBER, "area_id": area_ids[(offset + i) % len(area_ids)]}
                    for i in range(n)]
            db.session.execute(insert(User), rows)
            groups = [{"slug": f"synthetic-group-{start + offset + i}", "name": f"合成団体{start + offset + i}",
                       "kind": GroupKind.CIRCLE, "area_id": area_ids[(offset + i) % len(area_ids)],
                       "verified": True} for i in range(0, n, 50)]
            if groups:
                db.session.execute(insert(Group), groups)
            db.session.commit()
