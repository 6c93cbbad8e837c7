"""Forms for asking to create a group, editing it and managing its editors."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Email, Length, Regexp

from community.forms import TextRequired, at_most, web_address_field
from community.groups.models import GroupKind

KIND_LABELS = {
    GroupKind.NEIGHBOURHOOD: _l("自治会・町内会"),
    GroupKind.NPO: _l("NPO・市民団体"),
    GroupKind.SHOP: _l("店舗・事業者"),
    GroupKind.SCHOOL: _l("学校・教育機関"),
    GroupKind.CITY: _l("市の部署・公共施設"),
    GroupKind.CIRCLE: _l("サークル"),
    GroupKind.OTHER: _l("その他"),
}


class GroupForm(FlaskForm):
    name = StringField(_l("団体名"), validators=[
        TextRequired(_l("団体名を入力してください。")), at_most(100)],
        render_kw={"autocomplete": "organization"})
    slug = StringField(
        _l("URL用の名前"),
        validators=[
            DataRequired(_l("URL用の名前を入力してください。")),
            Length(min=3, max=60, message=_l("3〜60文字にしてください。")),
            Regexp(r"^[a-z0-9]+(?:-[a-z0-9]+)*$",
                   message=_l("半角英小文字・数字・ハイフンで入力してください（例: hashimoto-jichikai）。")),
        ],
        description=_l("団体ページのURLになります（例: /groups/hashimoto-jichikai）。"),
        render_kw={"autocomplete": "off"},
    )
    kind = SelectField(_l("種類"), choices=[SelectChoice(k.value, v) for k, v in KIND_LABELS.items()])
    area_id = SelectField(_l("地域"), coerce=int, validators=[DataRequired(_l("地域を選んでください。"))])
    description = TextAreaField(_l("紹介"), validators=[at_most(5000)],
                                description=_l("Markdownで書けます。"))
    contact = StringField(_l("連絡先"), validators=[at_most(200)])
    website = web_address_field(_l("ウェブサイト"), max_length=300, require_tld=True)


class EditorForm(FlaskForm):
    email = EmailField(_l("追加する編集者のメールアドレス"), validators=[
        DataRequired(_l("メールアドレスを入力してください。")),
        Email(_l("メールアドレスの形式が正しくありません。"), check_deliverability=False)])
