"""The form an admin raises an urgent notice with; the end is entered in Japan time."""

from __future__ import annotations

from datetime import timedelta

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, SelectField, StringField, TextAreaField, TimeField
from wtforms.validators import DataRequired

from community.easyjapanese.forms import EasyJapaneseFields
from community.forms import TextRequired, at_most, optional_int
from community.timeutil import local_to_utc, now_utc

MAX_DAYS = 31


class UrgentNoticeForm(EasyJapaneseFields, FlaskForm):
    title = StringField(_l("見出し"), validators=[
        TextRequired(_l("見出しを入力してください。")), at_most(200)],
        description=_l("例: 大雨による避難指示（○○地区）"))
    body = TextAreaField(_l("本文"), validators=[at_most(2000)],
                         description=_l("どこで何が起きているか、どうしてほしいかを短く書いてください。"))
    area_id = SelectField(_l("対象の地域"), coerce=optional_int,
                          description=_l("地域を選ぶと、その地域とその中の地区のページ・サイネージに表示されます。"))
    until_date = DateField(_l("表示を終える日"), validators=[DataRequired(_l("表示を終える日を入力してください。"))])
    until_time = TimeField(_l("表示を終える時刻"),
                           validators=[DataRequired(_l("表示を終える時刻を入力してください。"))])

    def ends_at(self):
        return local_to_utc(self.until_date.data, self.until_time.data)

    def validate(self, extra_validators=None) -> bool:
        if not super().validate(extra_validators):
            return False
        ends, now = self.ends_at(), now_utc()
        if ends <= now:
            self.until_date.errors.append(_l("終わりは今より後の日時にしてください。"))
            return False
        if ends > now + timedelta(days=MAX_DAYS):
            self.until_date.errors.append(_l("表示できるのは%(n)d日先までです。", n=MAX_DAYS))
            return False
        return self.easy_version_is_complete()


class WithdrawForm(FlaskForm):
    """The withdraw button: CSRF only."""
