"""Choosing an area or a category in any form, and the admins' forms for editing them."""

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField, SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import NumberRange, Optional

from community.areas.services import area_tree, ordered_categories
from community.forms import SLUG_VALIDATORS, TextRequired, at_most


def area_choices(blank_label: str | None = None) -> list[SelectChoice]:
    """City and wards first, districts grouped under their ward (one query)."""
    choices = [SelectChoice("", blank_label)] if blank_label is not None else []
    for city in area_tree():
        choices.append(SelectChoice(city.area.id, city.area.label))
        for ward in city.children:
            whole_ward = _("%(ward)s（全域）", ward=ward.area.label)
            choices.append(SelectChoice(ward.area.id, whole_ward, optgroup=ward.area.label))
            for district in ward.children:
                choices.append(SelectChoice(district.area.id, district.area.label, optgroup=ward.area.label))
    return choices


def category_choices(blank_label: str | None = None) -> list[SelectChoice]:
    choices = [SelectChoice("", blank_label)] if blank_label is not None else []
    return choices + [SelectChoice(c.id, c.label) for c in ordered_categories()]


class AreaForm(FlaskForm):
    name = StringField(_l("地域名"), validators=[
        TextRequired(_l("地域名を入力してください。")), at_most(60)])
    slug = StringField(_l("URL用の名前"), validators=SLUG_VALIDATORS, render_kw={"autocomplete": "off"})
    name_kana = StringField(_l("よみがな"), validators=[at_most(120)])
    name_en = StringField(_l("英語名"), validators=[at_most(120)])
    parent_id = SelectField(_l("上の地域"), validators=[Optional()])
    position = IntegerField(_l("表示順"), default=0, validators=[
        Optional(), NumberRange(min=0, max=9999, message=_l("0〜9999の数で入力してください。"))])
    description = TextAreaField(_l("説明"), validators=[at_most(5000)])


class CategoryForm(FlaskForm):
    name = StringField(_l("分野名"), validators=[
        TextRequired(_l("分野名を入力してください。")), at_most(60)])
    slug = StringField(_l("URL用の名前"), validators=SLUG_VALIDATORS, render_kw={"autocomplete": "off"})
    name_en = StringField(_l("英語名"), validators=[at_most(120)])
    description = TextAreaField(_l("説明"), validators=[at_most(5000)])
