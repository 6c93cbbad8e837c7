"""The admins' form for a local name and its reading."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField

from community.forms import TextRequired, at_most


class LocalReadingForm(FlaskForm):
    surface = StringField(_l("語（漢字で）"), validators=[TextRequired(_l("語を入力してください。")), at_most(60)],
                          render_kw={"autocomplete": "off"})
    reading = StringField(_l("読み（ひらがな）"),
                          validators=[TextRequired(_l("読みを入力してください。")), at_most(120)],
                          render_kw={"autocomplete": "off"})
