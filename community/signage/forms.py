"""The form an admin raises an urgent notice with (the end is entered in Japan time), and the builder of a signage
screen's address."""

from __future__ import annotations

from datetime import timedelta

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, IntegerField, SelectField, SelectMultipleField, StringField, TextAreaField, TimeField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, NumberRange
from wtforms.widgets import CheckboxInput, ListWidget

from community.areas.services import ordered_categories
from community.easyjapanese.forms import EasyJapaneseFields
from community.forms import TextRequired, at_most, optional_int
from community.locale import language_name, language_tag  # each language named in itself, as the menu does
from community.signage.services import DEFAULT_POLL, DEFAULT_SECONDS, POLL_RANGE, SECONDS_RANGE
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


def _area_slug_choices() -> list[SelectChoice]:
    from community.areas.services import area_tree

    choices = [SelectChoice("", _l("市内全域"))]
    for city in area_tree():
        for ward in city.children:
            choices.append(SelectChoice(ward.area.slug, _("%(ward)s（全域）", ward=ward.area.label),
                                        optgroup=ward.area.label))
            choices += [SelectChoice(district.area.slug, district.area.label, optgroup=ward.area.label)
                        for district in ward.children]
    return choices


class ScreenAddressForm(FlaskForm):
    """The settings of one signage screen, turned into its address (a GET form: nothing is stored, no CSRF)."""

    class Meta:
        csrf = False

    area = SelectField(_l("地域（area）"), default="",
                       description=_l("その地域と中の地区のイベント・お知らせと、その地域の緊急情報を表示します。"))
    category = SelectMultipleField(_l("分野（category）"), default=[], widget=ListWidget(prefix_label=False),
                                   option_widget=CheckboxInput(),
                                   description=_l("選ばなければすべての分野を表示します。"))
    kinds = SelectField(_l("表示する種類（kinds）"), default="events,notices", choices=[
        SelectChoice("events,notices", _l("イベントとお知らせ")), SelectChoice("events", _l("イベントだけ")),
        SelectChoice("notices", _l("お知らせだけ"))])
    order = SelectField(_l("並び順（order）"), default="mixed", choices=[
        SelectChoice("mixed", _l("イベントとお知らせを交互に")),
        SelectChoice("events-first", _l("イベントを先に、続けてお知らせ")),
        SelectChoice("notices-first", _l("お知らせを先に、続けてイベント"))])
    seconds = IntegerField(_l("1枚あたりの秒数（seconds）"), default=DEFAULT_SECONDS, validators=[
        InputRequired(_l("秒数を入力してください。")),
        NumberRange(*SECONDS_RANGE, message=_l("%(low)d〜%(high)dの数で指定してください。", low=SECONDS_RANGE[0],
                                               high=SECONDS_RANGE[1]))],
        description=_l("1つのイベント・お知らせを表示する秒数です。"))
    poll = IntegerField(_l("更新の間隔（poll）"), default=DEFAULT_POLL, validators=[
        InputRequired(_l("秒数を入力してください。")),
        NumberRange(*POLL_RANGE, message=_l("%(low)d〜%(high)dの数で指定してください。", low=POLL_RANGE[0],
                                            high=POLL_RANGE[1]))],
        description=_l("新しい情報と緊急情報を確かめる間隔（秒）です。"))
    lang = SelectField(_l("表示の言語（lang）"), default="",
                       description=_l("画面の言語はこの指定だけで決まり、表示する端末のブラウザの設定には左右されません。"))

    def __init__(self, *args, **kwargs):
        from flask import current_app

        super().__init__(*args, prefix="screen", **kwargs)
        self.area.choices = _area_slug_choices()
        self.category.choices = [SelectChoice(c.slug, c.label) for c in ordered_categories()]
        languages = current_app.config["LANGUAGES"]
        self.lang.choices = [SelectChoice("" if code == languages[0] else code, language_name(code),
                                         render_kw={"lang": language_tag(code)})
                             for code in languages]

    def submitted(self) -> bool:
        from flask import request

        return any(name.startswith(f"{self._prefix}") for name in request.args)

    def screen_args(self) -> dict:
        """The settings as the screen reads them from its address."""
        return {"area": self.area.data, "category": ",".join(self.category.data or []), "kinds": self.kinds.data,
                "order": self.order.data, "seconds": str(self.seconds.data), "poll": str(self.poll.data),
                "lang": self.lang.data}
