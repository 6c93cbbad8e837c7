"""The upload form of the browser import and the form that subscribes a feed."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import SelectChoice, SelectField, URLField
from wtforms.validators import DataRequired, Length

from community.forms import optional_int


class ImportForm(FlaskForm):
    group_id = SelectField(_l("取り込む団体"), coerce=optional_int,
                           validators=[DataRequired(_l("団体を選んでください。"))])
    kind = SelectField(_l("ファイルの種類"), default="events",
                      choices=[SelectChoice("events", _l("イベント一覧")),
                               SelectChoice("facilities", _l("公共施設一覧"))])
    file = FileField(_l("CSVファイル"), validators=[FileRequired(_l("CSVファイルを選んでください。"))],
                     description=_l("自治体標準オープンデータセットの形式（UTF-8 または Shift_JIS）。"))


class FeedForm(FlaskForm):
    url = URLField(_l("URL"), validators=[DataRequired(_l("URLを入力してください。")),
                                          Length(max=500, message=_l("500文字以内にしてください。"))],
                   description=_l("イベント一覧のCSV、または Google カレンダーや Nextcloud の"
                                  "公開 iCalendar（.ics）のURL。"))
    kind = SelectField(_l("形式"), default="ical",
                      choices=[SelectChoice("ical", _l("iCalendar（.ics）")),
                                SelectChoice("csv", _l("イベント一覧のCSV"))])
