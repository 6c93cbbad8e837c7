"""The notice form: the publishing window is entered in Japan time."""

from __future__ import annotations

from datetime import timedelta

from flask_babel import lazy_gettext as _l
from wtforms import DateField, StringField
from wtforms.validators import Length, Optional

from community.content.forms import ContentForm
from community.easyjapanese.forms import EasyJapaneseFields
from community.forms import TextRequired
from community.timeutil import local_to_utc, to_local


class NoticeForm(EasyJapaneseFields, ContentForm):
    title = StringField(_l("タイトル"), validators=[TextRequired(_l("タイトルを入力してください。")), Length(max=200)])
    publish_from = DateField(_l("掲載開始日"), validators=[Optional()],
                             description=_l("空なら公開してすぐ掲載します。"))
    publish_until = DateField(_l("掲載終了日"), validators=[Optional()],
                              description=_l("この日まで掲載します。空なら期限なし。"))

    def validate(self, extra_validators=None) -> bool:
        if not super().validate(extra_validators):
            return False
        if self.publish_from.data and self.publish_until.data and self.publish_until.data < self.publish_from.data:
            self.publish_until.errors.append(_l("掲載終了日が掲載開始日より前になっています。"))
            return False
        return self.easy_version_is_complete()

    def to_data(self) -> dict:
        return {
            **self.common_data(), **self.easy_data(), "title": self.title.data,
            "publish_from": local_to_utc(self.publish_from.data) if self.publish_from.data else None,
            "publish_until": (local_to_utc(self.publish_until.data + timedelta(days=1))
                              if self.publish_until.data else None),
        }

    def fill_from(self, notice) -> None:
        self.publish_from.data = to_local(notice.publish_from).date() if notice.publish_from else None
        until = notice.publish_until
        self.publish_until.data = (to_local(until) - timedelta(days=1)).date() if until else None
