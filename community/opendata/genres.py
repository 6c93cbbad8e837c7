"""The genre table: a city's イベントジャンル / イベント種類 / カテゴリー and words of free text, mapped to our
categories. Admins edit it at /admin/opendata/genres; the importer reads it (exact genres first, then the words
in order, the first match wins). Seeded with the defaults below when the categories are seeded."""

from __future__ import annotations

from sqlalchemy import Boolean, ForeignKey, String, select
from sqlalchemy.orm import Mapped, mapped_column, relationship

from community.areas.models import Category
from community.extensions import Model, db

# A city's genre as written → our category slug (matched whole).
DEFAULT_GENRES = {
    "まつり・催し": "events", "イベント": "events", "催し": "events", "まつり": "events", "祭り": "events",
    "見る・聞く": "sports-culture", "スポーツ": "sports-culture", "文化・芸術": "sports-culture",
    "学び・講座": "learning", "講座": "learning", "健康・福祉": "welfare-health", "こども・子育て": "kosodate",
    "子育て": "kosodate", "防災": "safety", "環境": "environment",
}
# Words anywhere in the genre, keywords or title → our category slug; in this order, the first match wins.
DEFAULT_WORDS = [
    ("kosodate", ("子育て", "子ども", "こども", "親子", "乳幼児", "児童")),
    ("safety", ("防災", "防犯", "安全", "消防", "交通")),
    ("welfare-health", ("福祉", "健康", "医療", "介護", "検診", "そうだん", "相談")),
    ("events", ("まつり", "祭", "催し", "フェス", "マルシェ", "花火")),
    ("sports-culture", ("スポーツ", "文化", "芸術", "音楽", "展示", "観光")),
    ("learning", ("学び", "講座", "教室", "講演", "セミナー", "図書", "学習", "教育")),
    ("environment", ("環境", "自然", "ごみ", "リサイクル", "緑", "公園")),
    ("food-shops", ("飲食", "グルメ", "お店", "商店", "市場")),
    ("events", ("イベント", "おしらせ", "お知らせ")),
]


class GenreMapping(Model):
    __tablename__ = "opendata_genres"

    id: Mapped[int] = mapped_column(primary_key=True)
    word: Mapped[str] = mapped_column(String(60))
    exact: Mapped[bool] = mapped_column(Boolean, default=True)  # the whole genre; else a word within the text
    category_id: Mapped[int] = mapped_column(ForeignKey("categories.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)

    category: Mapped[Category] = relationship(lazy="joined")


def ensure_default_genres() -> bool:
    """Seeds the defaults into an empty table (idempotent); genres whose category does not exist are left out."""
    if db.session.scalar(select(GenreMapping.id).limit(1)) is not None:
        return False
    by_slug = {c.slug: c.id for c in db.session.scalars(select(Category))}
    if not by_slug:
        return False
    position = 0
    for word, slug in DEFAULT_GENRES.items():
        if slug in by_slug:
            db.session.add(GenreMapping(word=word, exact=True, category_id=by_slug[slug], position=position))
            position += 1
    for slug, words in DEFAULT_WORDS:
        for word in words:
            if slug in by_slug:
                db.session.add(GenreMapping(word=word, exact=False, category_id=by_slug[slug], position=position))
                position += 1
    db.session.flush()
    return True


def ordered_genres() -> list[GenreMapping]:
    return list(db.session.scalars(select(GenreMapping).order_by(GenreMapping.exact.desc(), GenreMapping.position,
                                                                 GenreMapping.id)))


class CategoryMatcher:
    """The category for a row: its genre matched whole, else the first word found in its texts."""

    def __init__(self):
        rows = ordered_genres()
        self.exact = {}
        for row in rows:
            if row.exact:
                self.exact.setdefault(row.word.strip(), row.category)
        self.words = [(row.word, row.category) for row in rows if not row.exact and row.word]

    def match(self, *texts: str, genre: str = "") -> Category | None:
        found = self.exact.get(genre.strip())
        if found is not None:
            return found
        joined = " ".join(t for t in texts if t)
        for word, category in self.words:
            if word in joined:
                return category
        return None
