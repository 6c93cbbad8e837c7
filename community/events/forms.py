"""The event form: dates and times are entered in Japan time."""

from __future__ import annotations

import re
import unicodedata
from datetime import date, timedelta

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
from community.events.recurrence import (
    DAILY,
    END_COUNT,
    END_NEVER,
    END_UNTIL,
    MAX_COUNT,
    MONTHLY_BY_DATE,
    MONTHLY_BY_WEEKDAY,
    NONE,
    WEEKLY,
    Recurrence,
    local_starts,
)
from community.forms import TextRequired, at_most, web_address_field
from community.maps.forms import CoordinatesMixin
from community.timeutil import local_to_utc, to_local

REPEAT_CHOICES = [SelectChoice(NONE, _l("繰り返さない")), SelectChoice(DAILY, _l("毎日")),
                  SelectChoice(WEEKLY, _l("毎週（開始日の曜日）")),
                  SelectChoice(MONTHLY_BY_DATE, _l("毎月（開始日と同じ日付）")),
                  SelectChoice(MONTHLY_BY_WEEKDAY, _l("毎月（開始日と同じ第n曜日。例: 第2木曜）"))]
END_CHOICES = [SelectChoice(END_UNTIL, _l("最終日まで")), SelectChoice(END_COUNT, _l("回数を決める")),
               SelectChoice(END_NEVER, _l("終わりを決めない（2年先までの日程を表示）"))]
SKIP_SEPARATORS = re.compile(r"[\s,、，]+")
WRITTEN_DAY = re.compile(r"(\d{4})[-/年.](\d{1,2})[-/月.](\d{1,2})日?")


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
    repeat_interval = IntegerField(
        _l("間隔"), default=1, validators=[Optional(), NumberRange(min=1, max=99, message=_l(
            "間隔は1から99までの数を入力してください。"))],
        description=_l("1は毎回、2は隔週・隔月（1日おき）です。"))
    repeat_end = SelectField(_l("繰り返しの終わり"), choices=END_CHOICES, default=END_UNTIL, validators=[Optional()])
    repeat_until = DateField(_l("繰り返しの最終日"), validators=[Optional()])
    repeat_count = IntegerField(_l("回数"), validators=[Optional(), NumberRange(min=1, max=MAX_COUNT, message=_l(
        "回数は1から%(max)dまでの数を入力してください。", max=MAX_COUNT))])
    repeat_skip = TextAreaField(
        _l("休みの日"), validators=[Length(max=4000)],
        description=_l("繰り返しの中で休む日（祝日など）を1行に1日ずつ。例: 2026-05-14 または 2026年5月14日"))
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
        if self.repeat.data and not self._valid_recurrence():
            return False
        if not self.repeat.data and (self.repeat_skip.data or "").strip():
            self.repeat_skip.errors.append(_l("休みの日は、繰り返すイベントにだけ入力できます。"))
            return False
        if self.url.data and not self.url.data.lower().startswith(("http://", "https://")):
            self.url.errors.append(_l("http:// または https:// で始まるURLを入力してください。"))
            return False
        return True

    def _valid_recurrence(self) -> bool:
        """The end the editor chose is given and after the start; every skipped day is one of the series' days."""
        if self.repeat_end.data == END_UNTIL:
            if not self.repeat_until.data:
                self.repeat_until.errors.append(_l("繰り返す場合は最終日を入力してください。"))
                return False
            if self.repeat_until.data < self.start_date.data:
                self.repeat_until.errors.append(_l("繰り返しの最終日が開始日より前になっています。"))
                return False
        if self.repeat_end.data == END_COUNT and not self.repeat_count.data:
            self.repeat_count.errors.append(_l("回数を入力してください。"))
            return False
        skipped = self.skipped_days()
        if skipped is None:
            return False
        if skipped:
            rrule = self.recurrence().to_rrule(to_local(self.span()[0]))
            days = {start.date() for start in local_starts(rrule, (), to_local(self.span()[0]), skip=False)}
            outside = [day for day in skipped if day not in days]
            if outside:
                self.repeat_skip.errors.append(_l("%(day)s は繰り返しの日程に含まれていません。",
                                                  day=outside[0].isoformat()))
                return False
        return True

    def recurrence(self) -> Recurrence:
        return Recurrence(repeat=self.repeat.data, interval=self.repeat_interval.data or 1,
                          end=self.repeat_end.data or END_UNTIL, until=self.repeat_until.data,
                          count=self.repeat_count.data)

    def skipped_days(self) -> list[date] | None:
        """The days written in 休みの日, sorted; None (with the field's error) when one cannot be read."""
        days = set()
        for word in SKIP_SEPARATORS.split(unicodedata.normalize("NFKC", self.repeat_skip.data or "").strip()):
            if not word:
                continue
            match = WRITTEN_DAY.fullmatch(word)
            try:
                days.add(date(*(int(part) for part in match.groups())) if match else date.fromisoformat(word))
            except ValueError:
                self.repeat_skip.errors.append(_l("「%(word)s」は日付として読めません。例: 2026-05-14", word=word))
                return None
        return sorted(days)

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
        rrule, exdates = "", []
        if self.repeat.data:
            rrule = self.recurrence().to_rrule(to_local(starts))
            exdates = [day.isoformat() for day in self.skipped_days() or ()]
        return {
            **self.common_data(),
            "title": self.title.data, "starts_at": starts, "ends_at": ends,
            "all_day": bool(self.all_day.data or not self.start_time.data), "rrule": rrule, "exdates": exdates,
            "venue_name": (self.venue_name.data or "").strip(), "address": (self.address.data or "").strip(),
            **self.coordinates(),
            "fee": (self.fee.data or "").strip(), "capacity": self.capacity.data,
            "how_to_apply": (self.how_to_apply.data or "").strip(), "contact": (self.contact.data or "").strip(),
            "url": (self.url.data or "").strip(),
        }

    def fill_from(self, event) -> None:
        """Shows a stored event in local time for editing."""
        starts, ends = to_local(event.starts_at), to_local(event.ends_at)
        self.start_date.data = starts.date()
        if event.all_day:
            self.end_date.data = (ends - timedelta(seconds=1)).date()
            self.all_day.data = True
        else:
            self.start_time.data, self.end_date.data, self.end_time.data = starts.time(), ends.date(), ends.time()
        recurrence = Recurrence.from_rrule(event.rrule) if event.rrule else None
        if recurrence is not None:
            self.repeat.data, self.repeat_interval.data = recurrence.repeat, recurrence.interval
            self.repeat_end.data, self.repeat_until.data = recurrence.end, recurrence.until
            self.repeat_count.data = recurrence.count
            self.repeat_skip.data = "\n".join(sorted(event.exdates or ()))
