"""Forms for posting on the message board: a thread, its edit, a reply."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField, SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional, ValidationError

from community.areas.forms import area_choices
from community.board.models import EXPIRING_KINDS, BoardKind
from community.forms import TextRequired

KIND_LABELS = {
    BoardKind.NOTICE: _l("お知らせ"),
    BoardKind.LOOKING: _l("探しています"),
    BoardKind.GIVING: _l("ゆずります"),
    BoardKind.QUESTION: _l("質問"),
    BoardKind.CHAT: _l("雑談"),
}

EXPIRY_DAYS_DEFAULT = 14
EXPIRY_DAYS_MIN = 1
EXPIRY_DAYS_MAX = 60
TITLE_MAX = 100
BODY_MAX = 5000


def _title_field():
    return StringField(_l("件名"), validators=[
        TextRequired(_l("件名を入力してください。")),
        Length(max=TITLE_MAX, message=_l("件名は%(max)d文字以内にしてください。", max=TITLE_MAX))])


def _body_field(label):
    return TextAreaField(label, validators=[
        DataRequired(_l("本文を入力してください。")),
        Length(max=BODY_MAX, message=_l("本文は%(max)d文字以内にしてください。", max=BODY_MAX))],
        description=_l("Markdownで書けます（**太字**、- 箇条書き、[リンク](https://…)）。"))


class ThreadEditForm(FlaskForm):
    """What an author may change within the edit window: the title, the area and the text."""

    title = _title_field()
    area_id = SelectField(_l("地域"), coerce=int, validators=[DataRequired(_l("地域を選んでください。"))])
    body = _body_field(_l("本文"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.area_id.choices = area_choices()

    def to_data(self) -> dict:
        return {"title": self.title.data or "", "area_id": self.area_id.data, "body": self.body.data or ""}


class ThreadForm(ThreadEditForm):
    kind = SelectField(_l("種類"), choices=[SelectChoice(kind.value, label) for kind, label in KIND_LABELS.items()],
                       validate_choice=False)
    expires_in_days = IntegerField(
        _l("掲載日数"), default=EXPIRY_DAYS_DEFAULT, validators=[Optional()],
        render_kw={"min": EXPIRY_DAYS_MIN, "max": EXPIRY_DAYS_MAX},
        description=_l("「ゆずります」「探しています」は、この日数が過ぎると終了します（%(min)d〜%(max)d日）。",
                       min=EXPIRY_DAYS_MIN, max=EXPIRY_DAYS_MAX))

    def validate_kind(self, field) -> None:
        if field.data not in {kind.value for kind in BoardKind}:
            raise ValidationError(_l("種類を選んでください。"))

    def validate_expires_in_days(self, field) -> None:
        if self.kind.data not in EXPIRING_KINDS or field.data is None:
            return
        NumberRange(min=EXPIRY_DAYS_MIN, max=EXPIRY_DAYS_MAX, message=_l(
            "掲載日数は%(min)d〜%(max)d日の間で指定してください。", min=EXPIRY_DAYS_MIN, max=EXPIRY_DAYS_MAX,
        ))(self, field)

    def to_data(self) -> dict:
        days = self.expires_in_days.data if self.expires_in_days.data is not None else EXPIRY_DAYS_DEFAULT
        return {**super().to_data(), "kind": self.kind.data, "expires_in_days": days}


class ReplyForm(FlaskForm):
    body = _body_field(_l("返信"))
