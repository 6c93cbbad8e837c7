"""The やさしい日本語 fields a notice form and the urgent-notice form share."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import StringField, TextAreaField

from community.easyjapanese.hints import Hint, writing_hints
from community.forms import at_most

EASY_TITLE_DESCRIPTION = _l("短く、やさしい言葉で。例: 大雨（おおあめ）に 気（き）をつけて ください")
EASY_BODY_DESCRIPTION = _l("一文を短く。むずかしい漢字には 漢字（かんじ） のように読み方を付けてください。")


class EasyJapaneseFields:
    """Mixed into a FlaskForm: the やさしい日本語 title and body, their check, and the writing hints."""

    easy_title = StringField(_l("やさしい日本語のタイトル"), validators=[at_most(200)],
                             description=EASY_TITLE_DESCRIPTION)
    easy_body = TextAreaField(_l("やさしい日本語の本文"), validators=[at_most(20000)],
                              description=EASY_BODY_DESCRIPTION)

    def easy_data(self) -> dict:
        return {"easy_title": (self.easy_title.data or "").strip(), "easy_body": (self.easy_body.data or "").strip()}

    def easy_version_is_complete(self) -> bool:
        """A body without a title is not a version visitors could switch to: the title is asked for."""
        data = self.easy_data()
        if data["easy_body"] and not data["easy_title"]:
            self.easy_title.errors = [*self.easy_title.errors,
                                      _l("やさしい日本語の本文があるときは、タイトルも入力してください。")]
            return False
        return True

    def easy_hints(self) -> list[Hint]:
        data = self.easy_data()
        return writing_hints(data["easy_title"], data["easy_body"])
