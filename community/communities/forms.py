"""Forms for communities: the profile, join requests, topics and replies, meetups, RSVP."""

from __future__ import annotations

from datetime import datetime, timedelta

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField
from wtforms import (
    BooleanField,
    DateField,
    IntegerField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional, Regexp

from community.areas.forms import area_choices, category_choices
from community.communities.models import RsvpAnswer
from community.forms import TextRequired, at_most, optional_int

SLUG_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"


class CommunityForm(FlaskForm):
    name = StringField(_l("コミュニティ名"), validators=[
        TextRequired(_l("コミュニティ名を入力してください。")),
        at_most(100)])
    slug = StringField(
        _l("URL用の名前"),
        validators=[
            DataRequired(_l("URL用の名前を入力してください。")),
            Length(min=3, max=60, message=_l("3〜60文字にしてください。")),
            Regexp(SLUG_PATTERN, message=_l("半角英小文字・数字・ハイフンで入力してください（例: hashimoto-run）。")),
        ],
        description=_l("コミュニティのページのURLになります（例: /communities/hashimoto-run）。"),
    )
    description = TextAreaField(_l("紹介"), validators=[at_most(5000)],
                                description=_l("どんな集まりかを書いてください。Markdownで書けます。"))
    area_id = SelectField(_l("地域"), coerce=int, validators=[DataRequired(_l("地域を選んでください。"))])
    category_id = SelectField(_l("分野"), coerce=optional_int, validators=[Optional()])
    is_closed = BooleanField(_l("承認制にする（参加は管理者の承認が必要で、投稿や集まりは参加者だけに見えます）"))
    icon = FileField(_l("アイコン画像"), validators=[FileAllowed(["jpg", "jpeg", "png", "webp", "gif"],
                                                             _l("JPEG、PNG、WebP、GIF の画像を選んでください。"))],
                     description=_l("任意。5MBまで。位置情報などのメタデータは取り除かれます。"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.area_id.choices = area_choices()
        self.category_id.choices = category_choices(blank_label=_l("（選ばない）"))

    def to_data(self) -> dict:
        return {"name": self.name.data or "", "slug": self.slug.data or "", "description": self.description.data or "",
                "area_id": self.area_id.data, "category_id": self.category_id.data,
                "is_closed": bool(self.is_closed.data)}


class JoinRequestForm(FlaskForm):
    message = TextAreaField(_l("管理者へのひとこと（任意）"), validators=[
        at_most(500)])


class TopicForm(FlaskForm):
    title = StringField(_l("タイトル"), validators=[
        TextRequired(_l("タイトルを入力してください。")), at_most(200)])
    body = TextAreaField(_l("本文"), validators=[
        DataRequired(_l("本文を入力してください。")), at_most(20000)],
        description=_l("Markdownで書けます（**太字**、- 箇条書き、[リンク](https://…)）。"))


class ReplyForm(FlaskForm):
    body = TextAreaField(_l("返信"), validators=[
        DataRequired(_l("返信を入力してください。")), at_most(20000)],
        description=_l("Markdownで書けます。"))


class MeetupForm(FlaskForm):
    """A meetup: one date, entered in Japan time."""

    title = StringField(_l("集まりの名前"), validators=[
        TextRequired(_l("集まりの名前を入力してください。")),
        at_most(200)])
    start_date = DateField(_l("日付"), validators=[DataRequired(_l("日付を入力してください（例: 2026-04-01）。"))])
    start_time = TimeField(_l("開始時刻"), validators=[DataRequired(_l("開始時刻を入力してください（例: 10:00）。"))])
    end_time = TimeField(_l("終了時刻"), validators=[Optional()], description=_l("空のままなら2時間とします。"))
    venue_name = StringField(_l("場所"), validators=[
        TextRequired(_l("場所を入力してください。")), at_most(200)])
    address = StringField(_l("住所"), validators=[at_most(300)])
    area_id = SelectField(_l("地域"), coerce=int, validators=[DataRequired(_l("地域を選んでください。"))])
    capacity = IntegerField(
        _l("定員"),
        validators=[Optional(), NumberRange(min=1, max=10_000, message=_l("1〜10000の数を入力してください。"))],
        description=_l("空のままなら定員なし。定員を超えた参加の申し込みはキャンセル待ちになります。"))
    body = TextAreaField(_l("内容"), validators=[at_most(20000)],
                         description=_l("Markdownで書けます。"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.area_id.choices = area_choices()

    def validate(self, extra_validators=None) -> bool:
        if not super().validate(extra_validators):
            return False
        starts, ends = self.span()
        if ends <= starts:
            self.end_time.errors.append(_l("終了時刻は開始時刻より後にしてください。"))
            return False
        return True

    def span(self) -> tuple[datetime, datetime]:
        from community.timeutil import local_to_utc

        starts = local_to_utc(self.start_date.data, self.start_time.data)
        ends = local_to_utc(self.start_date.data, self.end_time.data) if self.end_time.data else (
            starts + timedelta(hours=2))
        return starts, ends

    def to_data(self) -> dict:
        starts, ends = self.span()
        return {"title": self.title.data or "", "starts_at": starts, "ends_at": ends,
                "venue_name": (self.venue_name.data or "").strip(), "address": (self.address.data or "").strip(),
                "area_id": self.area_id.data, "capacity": self.capacity.data, "body": self.body.data or ""}

    def fill_from(self, event) -> None:
        from community.timeutil import to_local

        starts, ends = to_local(event.starts_at), to_local(event.ends_at)
        self.start_date.data, self.start_time.data = starts.date(), starts.time().replace(tzinfo=None)
        self.end_time.data = ends.time().replace(tzinfo=None) if ends.date() == starts.date() else None


RSVP_LABELS = {RsvpAnswer.GOING: _l("参加する"), RsvpAnswer.MAYBE: _l("たぶん参加"),
               RsvpAnswer.NOT_GOING: _l("参加しない")}


class RsvpForm(FlaskForm):
    answer = SelectField(_l("出欠"), choices=[SelectChoice(k.value, v) for k, v in RSVP_LABELS.items()],
                         validators=[DataRequired(_l("出欠を選んでください。"))])
