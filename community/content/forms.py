"""Fields every published item's form shares: area, category, body, image."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField
from wtforms import SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from community.areas.forms import area_choices, category_choices
from community.forms import at_most, optional_int


class ContentForm(FlaskForm):
    area_id = SelectField(_l("地域"), coerce=int, validators=[DataRequired(_l("地域を選んでください。"))])
    category_id = SelectField(_l("分野"), coerce=optional_int, validators=[Optional()])
    body = TextAreaField(_l("本文"), validators=[at_most(20000)],
                         description=_l("Markdownで書けます（**太字**、- 箇条書き、[リンク](https://…)）。"))
    image = FileField(_l("画像"), validators=[FileAllowed(["jpg", "jpeg", "png", "webp", "gif"],
                                                        _l("JPEG、PNG、WebP、GIF の画像を選んでください。"))],
                      description=_l("5MBまで。位置情報などのメタデータは取り除かれます。"))
    image_alt = StringField(_l("画像の説明（代替テキスト）"), validators=[Length(max=200)],
                            description=_l("目の不自由な方のために、画像の内容を短く書いてください。"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.area_id.choices = area_choices()
        self.category_id.choices = category_choices(blank_label=_l("（選ばない）"))

    def common_data(self) -> dict:
        return {"area_id": self.area_id.data, "category_id": self.category_id.data,
                "body": self.body.data or "", "image_alt": (self.image_alt.data or "").strip()}
