"""Form pieces every domain's forms use: an optional numeric choice, a web address field, slug rules, required text."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import URL, DataRequired, Length, Optional, Regexp, StopValidation

from community.args import whole_number
from community.text import plain_text


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


class TextRequired(DataRequired):
    """A required plain-text field (a title, a name): empty is refused with the field's own message, and so is
    text that is empty once its tags are stripped (``<img src=x>``), which the services would store as ""."""

    markup_only = _l("HTMLのタグを除くと何も残りません。文字を入力してください。")

    def __call__(self, form, field):
        super().__call__(form, field)
        if not plain_text(field.data).strip():
            field.errors[:] = []
            raise StopValidation(self.markup_only)


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
