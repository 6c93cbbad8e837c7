"""Form pieces every domain's forms use: an optional numeric choice, a web address field, slug rules."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import URL, DataRequired, Length, Optional, Regexp

from community.args import whole_number


def optional_int(value):
    """Coerces a select's value: the blank choice is None, a number its number; anything else is not a choice."""
    if value in (None, "", "None"):
        return None
    number = whole_number(value)
    if number is None:
        raise ValueError("not a choice")  # WTForms reports it as an invalid choice
    return number


def at_most(length: int) -> Length:
    """The usual length limit, with its message naming the number."""
    return Length(max=length, message=_l("%(n)d文字以内にしてください。", n=length))


def web_address_field(label, max_length: int = 500, require_tld: bool = False) -> StringField:
    """An optional http:// or https:// address, with the browser's autocomplete hint."""
    return StringField(label, validators=[
        Optional(), URL(require_tld=require_tld, message=_l("http:// または https:// で始まるURLを入力してください。")),
        Length(max=max_length)], render_kw={"autocomplete": "url"})


SLUG_VALIDATORS = [
    DataRequired(_l("URL用の名前を入力してください。")),
    Length(min=2, max=60, message=_l("2〜60文字にしてください。")),
    Regexp(r"^[a-z0-9]+(?:-[a-z0-9]+)*$",
           message=_l("半角英小文字・数字・ハイフンで入力してください（例: kosodate）。")),
]


class ButtonForm(FlaskForm):
    """A bare form for buttons that need nothing but the CSRF token."""
