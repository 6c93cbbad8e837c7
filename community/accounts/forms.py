"""Account forms; messages are Japanese through Babel."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Email, EqualTo, Length, Optional, ValidationError

from community.forms import TextRequired, optional_int

PASSWORD_MIN = 10


class PasswordStrength:
    """At least PASSWORD_MIN characters and not all one kind of character."""

    def __call__(self, form, field):
        value = field.data or ""
        if len(value) < PASSWORD_MIN:
            raise ValidationError(_l("パスワードは%(n)d文字以上にしてください。", n=PASSWORD_MIN))
        if len(set(value)) < 4:
            raise ValidationError(_l("同じ文字の繰り返しが多すぎます。"))


def _email_field(autocomplete: str = "email"):
    return EmailField(
        _l("メールアドレス"),
        render_kw={"autocomplete": autocomplete},
        validators=[
            DataRequired(_l("メールアドレスを入力してください。")),
            Email(_l("メールアドレスの形式が正しくありません。"), check_deliverability=False),
            Length(max=254),
        ],
    )


def _display_name_field():
    return StringField(
        _l("表示名"),
        validators=[
            TextRequired(_l("表示名を入力してください。")),
            Length(max=50, message=_l("表示名は50文字以内にしてください。")),
        ],
        description=_l("ほかの人に表示される名前です（50文字以内）。"),
        render_kw={"autocomplete": "nickname"},
    )


def _new_password_fields():
    password = PasswordField(
        _l("パスワード"),
        validators=[DataRequired(_l("パスワードを入力してください。")), PasswordStrength()],
        description=_l("10文字以上。"),
        render_kw={"autocomplete": "new-password"},
    )
    confirm = PasswordField(
        _l("パスワード（確認）"),
        validators=[
            DataRequired(_l("確認のためもう一度入力してください。")),
            EqualTo("password", _l("パスワードが一致しません。")),
        ],
        render_kw={"autocomplete": "new-password"},
    )
    return password, confirm


class RegisterForm(FlaskForm):
    email = _email_field()
    display_name = _display_name_field()
    password, password_confirm = _new_password_fields()
    agree = BooleanField(_l("利用規約と個人情報の取扱いに同意します"),
                         validators=[DataRequired(_l("登録するには、利用規約と個人情報の取扱いへの同意が必要です。"))])


class LoginForm(FlaskForm):
    email = _email_field()
    password = PasswordField(_l("パスワード"), validators=[DataRequired(_l("パスワードを入力してください。"))],
                             render_kw={"autocomplete": "current-password"})
    remember = BooleanField(_l("ログインしたままにする"))


class ProfileForm(FlaskForm):
    display_name = _display_name_field()
    bio = TextAreaField(
        _l("自己紹介"), validators=[Length(max=500, message=_l("自己紹介は500文字以内にしてください。"))]
    )
    area_id = SelectField(_l("住んでいる・よく行く地域"), coerce=optional_int, validators=[Optional()])
    # What the public profile page shows, as the member chooses.
    show_area = BooleanField(_l("プロフィールに地域を表示する"))
    show_communities = BooleanField(
        _l("プロフィールに参加しているコミュニティを表示する（だれでも参加できるコミュニティのみ）"))

    def __init__(self, *args, **kwargs):
        from community.areas.forms import area_choices

        super().__init__(*args, **kwargs)
        self.area_id.choices = area_choices(blank_label=_l("（選ばない）"))


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField(
        _l("現在のパスワード"), validators=[DataRequired(_l("現在のパスワードを入力してください。"))],
        render_kw={"autocomplete": "current-password"},
    )
    password, password_confirm = _new_password_fields()


class ResetRequestForm(FlaskForm):
    email = _email_field()


class ResetPasswordForm(FlaskForm):
    password, password_confirm = _new_password_fields()


class DeleteAccountForm(FlaskForm):
    password = PasswordField(
        _l("パスワード"), validators=[DataRequired(_l("確認のため、パスワードを入力してください。"))],
        description=_l("確認のため、いまのパスワードを入力してください。"),
        render_kw={"autocomplete": "current-password"},
    )
    remove_posts = BooleanField(
        _l("書き込みも削除する"),
        description=_l("チェックすると、伝言板とコミュニティに書いたスレッド・トピック・返信も削除します。"
                       "チェックしないと、書き込みは「退会した会員」の投稿として残ります。"),
    )
