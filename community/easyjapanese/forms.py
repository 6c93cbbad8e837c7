"""The やさしい日本語 fields a notice form and the urgent-notice form share."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape
from wtforms import StringField, TextAreaField

from community.easyjapanese.hints import Hint, writing_hints
from community.forms import at_most


class WithJapaneseExample:
    """A field's description whose example is Japanese in every interface language (these fields are written in
    Japanese): in HTML the example is marked lang="ja", so a screen reader reads it with a Japanese voice."""

    def __init__(self, template, example: str) -> None:
        self.template, self.example = template, example

    def __str__(self) -> str:
        return str(self.template) % {"example": self.example}

    def __html__(self) -> Markup:
        return escape(str(self.template)) % {"example": Markup('<span lang="ja">{}</span>').format(self.example)}

    def __bool__(self) -> bool:
        return True


EASY_TITLE_DESCRIPTION = WithJapaneseExample(_l("短く、やさしい言葉で。例: %(example)s"),
                                             "大雨（おおあめ）に 気（き）をつけて ください")
EASY_BODY_DESCRIPTION = WithJapaneseExample(
    _l("一文を短く。むずかしい漢字には %(example)s のように読み方を付けてください。"), "漢字（かんじ）")


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
