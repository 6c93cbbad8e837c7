"""The event form: dates and times are entered in Japan time."""

from __future__ import annotations

from datetime import timedelta

from flask_babel import lazy_gettext as _l
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
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from community.content.forms import ContentForm
from community.forms import TextRequired, at_most, web_address_field
from community.maps.forms import CoordinatesMixin
from community.timeutil import local_to_utc

REPEAT_CHOICES = [SelectChoice("", _l("繰り返さない")), SelectChoice("WEEKLY", _l("毎週")),
                  SelectChoice("MONTHLY", _l("毎月"))]


class EventForm(CoordinatesMixin, ContentForm):
    title = StringField(_l("イベント名"), validators=[TextRequired(_l("イベント名を入力してください。")),
                                                  at_most(200)])
    start_date = DateField(_l("開始日"), validators=[DataRequired(_l("開始日を入力してください。"))])
    start_time = TimeField(_l("開始時刻"), validators=[Optional()])
    end_date = DateField(_l("終了日"), validators=[Optional()],
                         description=_l("1日だけのイベントは空のままで構いません。"))
    end_time = TimeField(_l("終了時刻"), validators=[Optional()])
    all_day = BooleanField(_l("終日"))
    repeat = SelectField(_l("繰り返し"), choices=REPEAT_CHOICES, validators=[Optional()])
    repeat_until = DateField(_l("繰り返しの最終日"), validators=[Optional()])
    venue_name = StringField(_l("会場"), validators=[Length(max=200)])
    address = StringField(_l("住所"), validators=[Length(max=300)])
    fee = StringField(_l("参加費"), validators=[Length(max=300)], description=_l("例: 無料、500円（資料代）"))
    capacity = IntegerField(_l("定員"), validators=[Optional(), NumberRange(min=1, max=1_000_000,
                                                                       message=_l("1以上の数を入力してください。"))])
    how_to_apply = TextAreaField(_l("申込方法"), validators=[Length(max=2000)])
    contact = StringField(_l("問い合わせ先"), validators=[Length(max=300)])
    url = web_address_field(_l("関連URL"))

    def validate(self, extra_validators=None) -> bool:
        if not super().validate(extra_validators):
            return False
        starts, ends = self.span()
        if ends < starts:
            self.end_date.errors.append(_l("終了が開始より前になっています。"))
            return False
        if self.repeat.data:
            if not self.repeat_until.data:
                self.repeat_until.errors.append(_l("繰り返す場合は最終日を入力してください。"))
                return False
            if not self.start_date.data <= self.repeat_until.data <= self.start_date.data + timedelta(days=731):
                self.repeat_until.errors.append(_l("最終日は開始日から2年以内にしてください。"))
                return False
        if self.url.data and not self.url.data.lower().startswith(("http://", "https://")):
            self.url.errors.append(_l("http:// または https:// で始まるURLを入力してください。"))
            return False
        return True

    def span(self):
        """Start and end in UTC; an all-day event covers whole local days."""
        start_day = self.start_date.data
        end_day = self.end_date.data or start_day
        if self.all_day.data or not self.start_time.data:
            return local_to_utc(start_day), local_to_utc(end_day + timedelta(days=1))
        starts = local_to_utc(start_day, self.start_time.data)
        ends = local_to_utc(end_day, self.end_time.data) if self.end_time.data else starts + timedelta(hours=2)
        return starts, ends

    def to_data(self) -> dict:
        starts, ends = self.span()
        rrule = ""
        if self.repeat.data:
            until = local_to_utc(self.repeat_until.data + timedelta(days=1)) - timedelta(seconds=1)
            rrule = f"FREQ={self.repeat.data};UNTIL={until.strftime('%Y%m%dT%H%M%SZ')}"
        return {
            **self.common_data(),
            "title": self.title.data, "starts_at": starts, "ends_at": ends,
            "all_day": bool(self.all_day.data or not self.start_time.data), "rrule": rrule,
            "venue_name": (self.venue_name.data or "").strip(), "address": (self.address.data or "").strip(),
            **self.coordinates(),
            "fee": (self.fee.data or "").strip(), "capacity": self.capacity.data,
            "how_to_apply": (self.how_to_apply.data or "").strip(), "contact": (self.contact.data or "").strip(),
            "url": (self.url.data or "").strip(),
        }

    def fill_from(self, event) -> None:
        """Shows a stored event in local time for editing."""
        from community.timeutil import to_local

        starts, ends = to_local(event.starts_at), to_local(event.ends_at)
        self.start_date.data = starts.date()
        if event.all_day:
            self.end_date.data = (ends - timedelta(seconds=1)).date()
            self.all_day.data = True
        else:
            self.start_time.data, self.end_date.data, self.end_time.data = starts.time(), ends.date(), ends.time()
        if event.rrule:
            parts = dict(p.split("=", 1) for p in event.rrule.split(";") if "=" in p)
            self.repeat.data = parts.get("FREQ", "")
            if "UNTIL" in parts:
                from datetime import datetime

                self.repeat_until.data = to_local(datetime.strptime(parts["UNTIL"], "%Y%m%dT%H%M%SZ").replace(
                    tzinfo=event.starts_at.tzinfo)).date()
