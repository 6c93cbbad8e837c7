"""Forms of the site pages: editing a page, the contact form and agreeing to new terms."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, StringField, TextAreaField
from wtforms.validators import DataRequired, Email, Length

from community.forms import TextRequired, at_most

BODY_MAX = 50_000
MESSAGE_MAX = 4000


class SitePageForm(FlaskForm):
    title = StringField(_l("ページの題名"), validators=[TextRequired(_l("題名を入力してください。")), at_most(100)])
    body = TextAreaField(_l("本文（Markdown）"),
                         validators=[TextRequired(_l("本文を入力してください。")), at_most(BODY_MAX)],
                         description=_l("見出しは ## で始めます。リンクは [文字](https://…) と書きます。"
                                        "HTMLのタグのうち、安全なものだけが残ります。"),
                         render_kw={"rows": 24})
    note = StringField(_l("変更の内容（履歴に残ります・任意）"), validators=[at_most(500)])
    material = BooleanField(_l("重要な変更として公開する（ログイン中の会員に、あらためて同意をお願いします）"))


class ContactForm(FlaskForm):
    name = StringField(_l("お名前"), validators=[TextRequired(_l("お名前を入力してください。")), at_most(100)],
                       render_kw={"autocomplete": "name"})
    email = EmailField(_l("メールアドレス"), render_kw={"autocomplete": "email"},
                       description=_l("返信はこのアドレスにお送りします。"),
                       validators=[DataRequired(_l("メールアドレスを入力してください。")),
                                   Email(_l("メールアドレスの形式が正しくありません。"), check_deliverability=False),
                                   Length(max=254)])
    subject = StringField(_l("件名"), validators=[TextRequired(_l("件名を入力してください。")), at_most(100)])
    body = TextAreaField(_l("お問い合わせの内容"), render_kw={"rows": 8},
                         description=_l("%(n)d文字以内。", n=MESSAGE_MAX),
                         validators=[TextRequired(_l("お問い合わせの内容を入力してください。")), at_most(MESSAGE_MAX)])


class ConsentForm(FlaskForm):
    agree = BooleanField(_l("新しい利用規約に同意します"),
                         validators=[DataRequired(_l("続けるには、新しい利用規約への同意が必要です。"))])
