"""The pages every published item type shares: its listing, its page, and creating, editing, withdrawing and
the history of an item.

Each domain (events, shops, notices) registers them on its own blueprint with its model's loader, listing, form,
save function and templates, so the flow and its policy checks exist once.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from community import policy
from community.areas.services import area_tree, ordered_categories
from community.content import services as content
from community.content.filters import parse_filters
from community.content.models import Status
from community.extensions import db
from community.groups.models import Group
from community.images import ImageError, save_image
from community.pages import permitted


@dataclass
class ItemPages:
    kind: str          # "event": pages at /events, /events/<event_id>, templates under events/
    load: Callable[[int], object]
    listing: Callable  # listing(filters) -> one page of the listing
    form_class: type
    save: Callable     # save(item | None, group, data, actor, publish) -> item
    context: dict = field(default_factory=dict)  # more for every page's template (labels, …)
    detail_context: Callable[[object], dict] = lambda item: {}

    @property
    def url_prefix(self) -> str:
        return f"/{self.kind}s"

    @property
    def id_arg(self) -> str:
        return f"{self.kind}_id"

    def register(self, bp) -> None:
        prefix, item_url = self.url_prefix, f"{self.url_prefix}/<int:{self.id_arg}>"
        bp.add_url_rule(prefix, "index", self.index)
        bp.add_url_rule(item_url, "detail", self.detail)
        bp.add_url_rule(f"{prefix}/new", "new", login_required(self.new), methods=["GET", "POST"])
        bp.add_url_rule(f"{item_url}/edit", "edit", login_required(self.edit), methods=["GET", "POST"])
        bp.add_url_rule(f"{item_url}/withdraw", "withdraw", login_required(self.withdraw), methods=["POST"])
        bp.add_url_rule(f"{item_url}/history", "history", login_required(self.history))

    # -- public pages -------------------------------------------------------------------------

    def index(self):
        filters = parse_filters(request.args)
        return render_template(f"{self.kind}s/index.html", page=self.listing(filters), filters=filters,
                               areas=area_tree(), categories=ordered_categories(), **self.context)

    def detail(self, **kwargs):
        item = self.load(kwargs[self.id_arg])
        if item is None or not policy.can_view_item(current_user, item):
            abort(404)  # a hidden item is not there for those who may not see it
        return render_template(f"{self.kind}s/detail.html", **{self.kind: item}, **self.context,
                               **self.detail_context(item))

    # -- views ------------------------------------------------------------------------------

    def new(self):
        group = self._chosen_group()
        if group is None:
            return self._choose_group()
        policy.require(policy.can_publish_for(current_user, group))
        form = self.form_class()
        if request.method == "GET" and group.area_id:
            form.area_id.data = group.area_id
        return self._process(form, None, group)

    def edit(self, **kwargs):
        item = permitted(self._load_or_404(kwargs[self.id_arg]), policy.can_edit_item)
        form = self.form_class(obj=item)
        if request.method == "GET" and hasattr(form, "fill_from"):
            form.fill_from(item)
        return self._process(form, item, item.group)

    def withdraw(self, **kwargs):
        item = permitted(self._load_or_404(kwargs[self.id_arg]), policy.can_edit_item)
        content.withdraw(item, current_user)  # CSRFProtect has already checked the button's token
        db.session.commit()
        flash(_("非公開にしました。下書きとして残っています。"), "success")
        return redirect(item.link)

    def history(self, **kwargs):
        item = permitted(self._load_or_404(kwargs[self.id_arg]), policy.can_edit_item)
        return render_template("content/history.html", item=item, versions=content.versions_of(item),
                               labels=content.FIELD_LABELS)

    # -- helpers ----------------------------------------------------------------------------

    def _process(self, form, item, group):
        # 「やさしい日本語をチェック」 shows the writing hints for what was typed and saves nothing (the way they
        # reach an editor without JavaScript).
        checking = request.form.get("action") == "check"
        if not checking and form.validate_on_submit():
            data = form.to_data()
            try:
                if form.image.data:
                    data["image"] = save_image(form.image.data.stream)
            except ImageError as error:
                form.image.errors.append(str(error))
            else:
                publish = request.form.get("action") == "publish"
                item = self.save(item, group, data, current_user, publish)
                db.session.commit()
                flash(self._saved_message(item), "success")
                if hasattr(form, "easy_hints") and (hints := form.easy_hints()):
                    flash(_("やさしい日本語の版に、書き方のヒントが%(n)d件あります。編集ページで確かめられます。",
                            n=len(hints)), "info")
                return redirect(item.link)
        status = 400 if form.errors else 200
        hints = form.easy_hints() if hasattr(form, "easy_hints") else None
        return render_template(f"{self.kind}s/form.html", form=form, item=item, group=group, easy_hints=hints,
                               checked=checking), status

    @staticmethod
    def _saved_message(item) -> str:
        return {
            Status.PUBLISHED: _("公開しました。"),
            Status.PENDING: _("保存しました。地域情報サポーターの確認後に公開されます。"),
        }.get(item.status, _("下書きとして保存しました。"))

    def _load_or_404(self, item_id: int):
        item = self.load(item_id)
        if item is None or getattr(item, "community_id", None):
            abort(404)  # a community meetup is edited from its community's pages
        return item

    def _chosen_group(self) -> Group | None:
        slug = request.args.get("group")
        if not slug:
            return None
        return db.session.scalar(select(Group).where(Group.slug == slug)) or abort(404)

    def _choose_group(self):
        ids = policy.publishable_groups(current_user)
        groups = list(db.session.scalars(select(Group).where(Group.id.in_(ids)).order_by(Group.name))) if ids else []
        if len(groups) == 1:
            return redirect(url_for(request.endpoint, group=groups[0].slug))
        return render_template("content/choose_group.html", groups=groups)
