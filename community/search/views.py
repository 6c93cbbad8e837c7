"""/search: one search over every kind of content, through the same policy as the pages."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, current_app, render_template, request
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import or_, select

from community import policy
from community.areas.services import area_by_slug, area_tree, category_by_slug, ordered_categories
from community.extensions import db
from community.pagination import requested_page
from community.search import SearchUnavailable, get_index
from community.search.documents import INDEXED_KINDS
from community.search.query import MAX_QUERY

bp = Blueprint("search", __name__)

PER_PAGE = 20
KIND_LABELS = {
    "event": _l("イベント"), "shop": _l("お店・施設"), "notice": _l("お知らせ"), "community": _l("コミュニティ"),
    "topic": _l("コミュニティのトピック"), "reply": _l("コミュニティの返信"), "board": _l("伝言板"),
    "board_reply": _l("伝言板の返信"), "group": _l("団体"),
}


def _date(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


@bp.route("/search")
def results():
    typed = (request.args.get("q") or "").strip()
    # A longer query (a pasted paragraph, a hand-made URL) is searched by its beginning, and the page says so.
    q = typed[:MAX_QUERY].strip()
    kind = request.args.get("kind") if request.args.get("kind") in INDEXED_KINDS else None
    area = area_by_slug(request.args.get("area"))
    category = category_by_slug(request.args.get("category"))
    sort = "date" if request.args.get("sort") == "date" else "relevance"
    variants = request.args.get("variants") != "0"  # spelling variants and readings: on unless switched off
    page = requested_page(last=500)
    date_from, date_to = _date(request.args.get("from")), _date(request.args.get("to"))
    context = {"q": q, "kind": kind, "area": area, "category": category, "sort": sort, "variants": variants,
               "date_from": date_from,
               "date_to": date_to, "areas": area_tree(), "categories": ordered_categories(),
               "kind_labels": KIND_LABELS, "result": None, "unavailable": False, "fallback": [],
               "cut": len(typed) > MAX_QUERY}
    if q:
        try:
            index = get_index(current_app.config["SEARCH_INDEX_DIR"])

            def search(text: str, with_variants: bool, **paging):
                return index.query(
                    text, audiences=policy.audiences_of(current_user), kind=kind,
                    area=str(area.id) if area else None, category=category.slug if category else None,
                    date_from=date_from, date_to=date_to, sort=sort, variants=with_variants, **paging)

            result = search(q, variants, page=page, per_page=PER_PAGE)
            shown = _still_visible(result.hits)
            # The count and the pages must not promise hits the database check took away.
            result.total -= len(result.hits) - len(shown)
            result.hits = shown
            context["result"] = result
            context["area_names"] = _area_names(result.facets.get("area", {}))
            if not result.total:
                context["did_you_mean"], context["suggestions"] = _suggestions(q, variants, search,
                                                                               index.nearby_spellings)
        except SearchUnavailable:
            current_app.logger.warning("search index unavailable; answering from the database", exc_info=True)
            context["unavailable"] = True
            context["fallback"] = _database_fallback(q)
    return render_template("search/results.html", **context)


MAX_SUGGESTIONS = 3


def _query_text(groups, excluded) -> str:
    """Query text that :func:`community.search.query.terms` reads back as these groups and exclusions."""
    words = [" OR ".join(f'"{t.text}"' if t.exact else t.text for t in group) for group in groups]
    return " ".join(words + [f'-"{t.text}"' for t in excluded])


def _suggestions(q: str, variants: bool, search, spellings) -> tuple[list[dict], list[dict]]:
    """For a search that found nothing: "did you mean" (one word replaced by a word of the index one character
    away, see ``SearchIndex.nearby_spellings``), and the same words with spelling variants switched back on, or
    with one word left out, where that finds something (best first; counts before the database re-check, so
    "about")."""
    from community.search.query import Term, terms

    groups, excluded = terms(q)
    spelled: list[tuple[str, bool]] = []
    for n, group in enumerate(groups):
        for m, term in enumerate(group):
            if term.exact or " " in term.text:
                continue
            for word in spellings(term.text):
                changed = [list(g) for g in groups]
                changed[n][m] = Term(word, exact=False)
                spelled.append((_query_text(changed, excluded), variants))
    tried: list[tuple[str, bool]] = []
    if not variants:
        tried.append((q, True))
    if len(groups) > 1:
        tried += [(_query_text(groups[:n] + groups[n + 1:], excluded), variants) for n in range(len(groups))]

    def found(candidates: list[tuple[str, bool]]) -> list[dict]:
        out = []
        for text, with_variants in dict.fromkeys(candidates):
            count = search(text, with_variants, page=1, per_page=1, snippets=False).total
            if count:
                out.append({"q": text, "variants": "1" if with_variants else "0", "count": count})
        return sorted(out, key=lambda s: -s["count"])[:MAX_SUGGESTIONS]

    return found(spelled), found(tried)


def _still_visible(hits):
    """Every hit of every kind is checked against the database policy before it is shown (one query per kind on
    the page): the index may lag behind a change — a notice's publishing window passing, a community turning
    closed, a member leaving — that another request or another host made."""
    from community.items import FINDABLE_KINDS

    wanted: dict[str, list[int]] = {}
    for hit in hits:
        wanted.setdefault(hit.kind, []).append(hit.id)
    checked = {}
    for kind, ids in wanted.items():
        if kind not in FINDABLE_KINDS:
            checked[kind] = set()
            continue
        model = FINDABLE_KINDS[kind].model
        checked[kind] = set(db.session.scalars(select(model.id).where(model.id.in_(ids),
                                                                      policy.visible(current_user, kind))))
    return [hit for hit in hits if hit.id in checked[hit.kind]]


def _area_names(counts: dict) -> dict:
    from community.areas.models import Area

    ids = [int(i) for i in counts if str(i).isdigit()]
    if not ids:
        return {}
    return {str(a.id): a.label for a in db.session.scalars(select(Area).where(Area.id.in_(ids)))}


def _database_fallback(q: str, limit: int = 30) -> list[tuple[str, object]]:
    """While the index is down: a slower substring search over public events, shops and notices."""
    from community.content.listing import public_items_query
    from community.events.models import Event
    from community.notices.models import Notice
    from community.shops.models import Shop

    escaped = q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    pattern = f"%{escaped}%"
    found = []
    for kind, model, title in (("event", Event, Event.title), ("shop", Shop, Shop.name), ("notice", Notice,
                                                                                           Notice.title)):
        matches = or_(title.like(pattern, escape="\\"), model.body.like(pattern, escape="\\"))
        query = public_items_query(model).where(matches).limit(limit)
        found += [(kind, item) for item in db.session.scalars(query)]
    return found


