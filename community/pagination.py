"""Pages of lists: the page number a query string asks for, and one page of rows that any select can fill (the
pagination.pager macro reads it, as it reads Flask-SQLAlchemy's own pagination)."""

from __future__ import annotations

from dataclasses import dataclass, field
from math import ceil

from sqlalchemy import func, select

from community.args import whole_number

MAX_PAGE = 10_000  # deeper pages are not worth an OFFSET that large; a bad or huge number is page 1


def page_number(value: str | None, last: int = MAX_PAGE) -> int:
    """The page a `page=` argument asks for: a whole number from 1 to `last`, anything else (missing, negative,
    huge, not ASCII digits) page 1."""
    return whole_number(value, 1, last) or 1


def requested_page(last: int = MAX_PAGE) -> int:
    """page_number of this request's `page=`."""
    from flask import request

    return page_number(request.args.get("page"), last)


@dataclass
class Page:
    """One page of a list; has what the pagination.pager macro reads."""

    page: int
    per_page: int
    total: int
    items: list = field(default_factory=list)
    capped: bool = False  # total is a bound: there are more rows than it says (「1,000件以上」)

    @property
    def pages(self) -> int:
        if not self.per_page:
            return 1
        return max(1, ceil(self.total / self.per_page)) + (1 if self.capped else 0)  # capped: at least one more

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def prev_num(self) -> int | None:
        return self.page - 1 if self.has_prev else None

    @property
    def next_num(self) -> int | None:
        return self.page + 1 if self.has_next else None

    def __iter__(self):
        return iter(self.items)


def page_of_rows(session, query, page: int, per_page: int) -> Page:
    """One page of a select of several columns (db.paginate returns the first column only): the rows and their
    count, two statements."""
    total = session.scalar(select(func.count()).select_from(query.order_by(None).subquery())) or 0
    rows = list(session.execute(query.limit(per_page).offset((page - 1) * per_page)).all())
    return Page(page=page, per_page=per_page, total=total, items=rows)
