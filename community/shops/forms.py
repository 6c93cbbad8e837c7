"""The shop / facility listing form."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import DateField, SelectChoice, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import Length, Optional, Regexp
from wtforms.widgets import CheckboxInput, ListWidget

from community.content.forms import ContentForm
from community.forms import TextRequired, web_address_field
from community.maps.forms import CoordinatesMixin
from community.shops.models import ShopKind
from community.shops.services import TAG_CHOICES, TAG_LABELS

KIND_LABELS = {ShopKind.SHOP: _l("お店"), ShopKind.RESTAURANT: _l("飲食店"), ShopKind.CLINIC: _l("医療・福祉"),
               ShopKind.FACILITY: _l("公共施設（公民館・図書館など）"),
               ShopKind.SHELTER: _l("指定緊急避難場所"), ShopKind.AED: _l("AED設置場所"), ShopKind.OTHER: _l("その他")}

# The disaster types of 指定緊急避難場所一覧 (layouts.HAZARDS, the values stored and filtered by) as shown.
HAZARD_LABELS = {"洪水": _l("洪水"), "崖崩れ、土石流及び地滑り": _l("崖崩れ、土石流及び地滑り"), "高潮": _l("高潮"),
                 "地震": _l("地震"), "津波": _l("津波"), "大規模な火事": _l("大規模な火事"), "内水氾濫": _l("内水氾濫"),
                 "火山現象": _l("火山現象")}


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class ShopForm(CoordinatesMixin, ContentForm):
    name = StringField(_l("名称"), validators=[TextRequired(_l("名称を入力してください。")), Length(max=200)],
                       render_kw={"autocomplete": "organization"})
    name_kana = StringField(_l("名称（よみがな）"), validators=[Length(max=200)])
    kind = SelectField(_l("種類"), choices=[SelectChoice(k.value, v) for k, v in KIND_LABELS.items()])
    address = StringField(_l("住所"), validators=[TextRequired(_l("住所を入力してください。")), Length(max=300)])
    opening_hours = StringField(_l("営業時間・開館時間"), validators=[Length(max=300)])
    holidays = StringField(_l("定休日・休館日"), validators=[Length(max=300)])
    phone = StringField(_l("電話番号"), validators=[Optional(), Length(max=40), Regexp(
        r"^[0-9０-９()（）+\- ]+$", message=_l("電話番号は数字とハイフンで入力してください。"))],
        render_kw={"autocomplete": "tel"})
    website = web_address_field(_l("ウェブサイト"))
    barrier_free = TextAreaField(_l("バリアフリー情報"), validators=[Length(max=2000)])
    tags = MultiCheckboxField(_l("特徴"), choices=[SelectChoice(t, TAG_LABELS[t]) for t in TAG_CHOICES])
    last_confirmed = DateField(_l("情報の最終確認日"), validators=[Optional()])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A shelter's tags are the disaster types it is designated for: offered (and so kept) as choices too.
        if self.kind.data == ShopKind.SHELTER:
            hazards = [SelectChoice(h, _l("対象とする災害: %(hazard)s", hazard=label))
                       for h, label in HAZARD_LABELS.items()]
            self.tags.choices = [*self.tags.choices, *hazards]

    def to_data(self) -> dict:
        def text(field):
            return (field.data or "").strip()

        return {
            **self.common_data(), "name": self.name.data, "name_kana": text(self.name_kana), "kind": self.kind.data,
            "address": text(self.address),
            **self.coordinates(),
            "opening_hours": text(self.opening_hours), "holidays": text(self.holidays), "phone": text(self.phone),
            "website": text(self.website), "barrier_free": text(self.barrier_free), "tags": list(self.tags.data or []),
            "last_confirmed": self.last_confirmed.data,
        }
