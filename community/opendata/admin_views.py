"""/admin/opendata/genres: the admins' table of genres and words that file imported events under a category."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from sqlalchemy import func, select
from wtforms import SelectChoice, SelectField, StringField

from community import policy
from community.areas.forms import category_choices
from community.extensions import db
from community.forms import ButtonForm, TextRequired, at_most
from community.moderation.audit import record
from community.opendata import bp
from community.opendata.genres import GenreMapping, ordered_genres

MATCHES = (SelectChoice("exact", _l("ジャンル名と完全に一致")),
           SelectChoice("word", _l("ジャンル・キーワード・題名に含まれる語")))


class GenreForm(FlaskForm):
    word = StringField(_l("ジャンル名・語"), validators=[TextRequired(_l("ジャンル名か語を入力してください。")),
                                                     at_most(60)])
    match = SelectField(_l("一致のしかた"), choices=list(MATCHES), default="exact")
    category_id = SelectField(_l("分野"), validators=[TextRequired(_l("分野を選んでください。"))])


@bp.route("/admin/opendata/genres", methods=["GET", "POST"])
@login_required
def admin_genres():
    policy.require(policy.can_manage_reference_data(current_user))
    form = GenreForm()
    form.category_id.choices = category_choices(_("（選んでください）"))
    if form.validate_on_submit():
        word, exact = form.word.data.strip(), form.match.data == "exact"
        category_id = int(form.category_id.data)
        entry = db.session.scalar(select(GenreMapping).where(GenreMapping.word == word, GenreMapping.exact == exact))
        if entry is None:
            last = db.session.scalar(select(func.max(GenreMapping.position))) or 0
            entry = GenreMapping(word=word, exact=exact, position=last + 1)
            db.session.add(entry)
        entry.category_id = category_id
        db.session.flush()
        record(current_user, "opendata_genre_save", kind="opendata_genre", item_id=entry.id, word=word,
               exact=exact, category_id=category_id)
        db.session.commit()
        flash(_("「%(word)s」の分野を保存しました。", word=word), "success")
        return redirect(url_for("opendata.admin_genres"))
    page = render_template("opendata/admin_genres.html", form=form, genres=ordered_genres())
    return page, 400 if form.errors else 200


@bp.route("/admin/opendata/genres/<int:genre_id>/remove", methods=["POST"])
@login_required
def remove_genre(genre_id: int):
    policy.require(policy.can_manage_reference_data(current_user))
    entry = db.get_or_404(GenreMapping, genre_id)
    if not ButtonForm().validate_on_submit():
        abort(400)
    word = entry.word
    record(current_user, "opendata_genre_remove", kind="opendata_genre", item_id=entry.id, word=word,
           exact=entry.exact, category_id=entry.category_id)
    db.session.delete(entry)
    db.session.commit()
    flash(_("「%(word)s」を削除しました。", word=word), "success")
    return redirect(url_for("opendata.admin_genres"))
