"""The create / edit / withdraw / history pages every published item type shares.

Each domain (events, shops, notices) registers these on its own blueprint with its model, form,
save function and templates, so the flow and its policy checks exist once.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from community import policy
from community.content import services as content
from community.content.models import Status
from community.extensions import db
from community.groups.models import Group
from community.images import ImageError, save_image


@dataclass
class ItemEditing:
    form_class: type
    save: Callable  # save(item | None, group, data, actor, publish) -> item
    load: Callable[[int], object]
    url_prefix: str  # "/events"
    id_arg: str      # "event_id"
    template: str    # "events/form.html"

    def register(self, bp) -> None:
        bp.add_url_rule(f"{self.url_prefix}/new", "new", login_required(self.new), methods=["GET", "POST"])
        bp.add_url_rule(f"{self.url_prefix}/<int:{self.id_arg}>/edit", "edit", login_required(self.edit),
                        methods=["GET", "POST"])
        bp.add_url_rule(f"{self.url_prefix}/<int:{self.id_arg}>/withdraw", "withdraw",
                        login_required(self.withdraw), methods=["POST"])
        bp.add_url_rule(f"{self.url_prefix}/<int:{self.id_arg}>/history", "history",
                        login_required(self.history))

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
        item = self._load_or_404(kwargs[self.id_arg])
        policy.require(policy.can_edit_item(current_user, item))
        form = self.form_class(obj=item)
        if request.method == "GET" and hasattr(form, "fill_from"):
            form.fill_from(item)
        return self._process(form, item, item.group)

    def withdraw(self, **kwargs):
        item = self._load_or_404(kwargs[self.id_arg])
        policy.require(policy.can_edit_item(current_user, item))
        content.withdraw(item, current_user)  # CSRFProtect has already checked the button's token
        db.session.commit()
        flash(_("非公開にしました。下書きとして残っています。"), "success")
        return redirect(item.link)

    def history(self, **kwargs):
        item = self._load_or_404(kwargs[self.id_arg])
        policy.require(policy.can_edit_item(current_user, item))
        return render_template("content/history.html", item=item, versions=content.versions_of(item),
                               labels=content.FIELD_LABELS)

    # -- helpers ----------------------------------------------------------------------------

    def _process(self, form, item, group):
        if form.validate_on_submit():
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
                return redirect(item.link)
        status = 400 if form.errors else 200
        return render_template(self.template, form=form, item=item, group=group), status

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
