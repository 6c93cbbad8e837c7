"""Forms and labels for reports, review requests, moderation actions, curation and site administration."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    HiddenField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Email, InputRequired, Optional

from community.forms import SLUG_VALIDATORS, ButtonForm, TextRequired, at_most  # noqa: F401 - ButtonForm: the moderation pages' too
from community.moderation.models import ReportReason

REASON_LABELS = {
    ReportReason.SPAM: _l("スパム・宣伝"),
    ReportReason.WRONG: _l("誤った情報"),
    ReportReason.PERSONAL: _l("個人情報が含まれている"),
    ReportReason.HARASSMENT: _l("嫌がらせ・誹謗中傷"),
    ReportReason.OTHER: _l("その他"),
}

KIND_LABELS = {
    "event": _l("イベント"),
    "shop": _l("お店・施設"),
    "notice": _l("お知らせ"),
    "community": _l("コミュニティ"),
    "topic": _l("トピック"),
    "reply": _l("返信"),
    "board": _l("伝言板の投稿"),
    "board_reply": _l("伝言板の返信"),
    "profile": _l("プロフィール"),
    "group": _l("団体"),
    "area": _l("地域"),
    "category": _l("分野"),
    "collection": _l("特集"),
    "feature": _l("おすすめ"),
    "mail": _l("メール"),
    "sitepage": _l("案内ページ"),
    "contact": _l("お問い合わせ"),
}

ACTION_LABELS = {
    "approve": _l("承認"),
    "hide": _l("非表示"),
    "auto_hide": _l("通報による自動非表示"),
    "restore": _l("再表示"),
    "uphold": _l("非表示を維持"),
    "dismiss_reports": _l("通報を却下"),
    "lock": _l("スレッドをロック"),
    "unlock": _l("ロックを解除"),
    "verify_group": _l("団体を確認済みに"),
    "suspend": _l("アカウント停止"),
    "reinstate": _l("アカウント停止の解除"),
    "review_request": _l("再確認の依頼"),
    "feature": _l("おすすめに掲載"),
    "unfeature": _l("おすすめの掲載終了"),
    "collection_create": _l("特集を作成"),
    "collection_update": _l("特集を編集"),
    "collection_add_item": _l("特集に追加"),
    "collection_remove_item": _l("特集から削除"),
    "collection_move_item": _l("特集の並べ替え"),
    "appoint_supporter": _l("サポーターに任命"),
    "remove_supporter": _l("サポーターを解任"),
    "area_create": _l("地域を追加"),
    "area_update": _l("地域を変更"),
    "category_create": _l("分野を追加"),
    "category_update": _l("分野を変更"),
    "category_move": _l("分野の並べ替え"),
    "mail_discard": _l("送信待ちのメールを破棄"),
    "delete_account": _l("退会（アカウント削除）"),
    "sitepage_update": _l("案内ページを更新"),
    "contact_handled": _l("お問い合わせを対応済みに"),
}

STATE_LABELS = {"pending": _l("確認待ち"), "published": _l("公開中"), "hidden": _l("非表示"), "draft": _l("下書き")}



# --- reports and review requests -----------------------------------------------------------------


class ReportForm(FlaskForm):
    reason = RadioField(_l("通報の理由"), choices=[SelectChoice(k.value, v) for k, v in REASON_LABELS.items()],
                        validators=[InputRequired(_l("通報の理由を選んでください。"))])
    note = TextAreaField(_l("詳しい内容（任意）"),
                         validators=[at_most(1000)],
                         description=_l("どこが問題か、分かる範囲で書いてください。サポーターだけが読みます。"))


class ReviewRequestForm(FlaskForm):
    note = TextAreaField(_l("サポーターへの説明（任意）"),
                         validators=[at_most(1000)])


# --- moderation actions ---------------------------------------------------------------------------


class ActionForm(FlaskForm):
    """One button on one item. `expected` is the state the supporter saw: if it changed meanwhile,
    someone else acted first and this action does nothing."""

    expected = HiddenField()
    next = HiddenField()


class ReasonActionForm(ActionForm):
    reason = TextAreaField(_l("理由（投稿者に伝えます）"), validators=[
        TextRequired(_l("理由を入力してください。")), at_most(500)])


class VerifyGroupForm(FlaskForm):
    next = HiddenField()
    approve_pending = BooleanField(_l("この団体の確認待ちの投稿もまとめて承認する"), default=True)


class SuspendForm(FlaskForm):
    reason = TextAreaField(_l("停止の理由（監査記録に残ります）"), validators=[
        TextRequired(_l("理由を入力してください。")), at_most(500)])
    hide_content = BooleanField(_l("この会員の投稿（トピック・返信・伝言板）とプロフィールもまとめて非表示にする"))


class ReinstateForm(FlaskForm):
    restore_content = BooleanField(_l("停止のときに非表示にした投稿とプロフィールも再表示する"), default=True)


# --- curation ------------------------------------------------------------------------------------


class FeatureForm(FlaskForm):
    item_url = StringField(_l("載せる情報のURL"), validators=[
        DataRequired(_l("URLを入力してください。")), at_most(500)],
        description=_l("イベント・お店・お知らせ・コミュニティ・伝言板などのページのURL（例: /events/12）"))
    place = SelectField(_l("載せる場所"), validators=[Optional()])
    ends_on = DateField(_l("掲載の終了日（任意）"), validators=[Optional()],
                        description=_l("この日の終わりまで載せます。"))
    note = StringField(_l("ひとこと（任意）"), validators=[at_most(300)])


class CollectionForm(FlaskForm):
    title = StringField(_l("特集のタイトル"), validators=[
        TextRequired(_l("タイトルを入力してください。")), at_most(200)])
    slug = StringField(_l("URL用の名前"), validators=SLUG_VALIDATORS,
                       description=_l("特集のURLになります（例: /features/kosodate-spring）。"))
    intro = TextAreaField(_l("紹介文"), validators=[at_most(10000)],
                          description=_l("Markdownで書けます。"))
    is_published = BooleanField(_l("公開する"))


class CollectionItemForm(FlaskForm):
    item_url = StringField(_l("追加する情報のURL"), validators=[
        DataRequired(_l("URLを入力してください。")), at_most(500)],
        description=_l("例: /events/12、/shops/3、/board/7"))
    comment = StringField(_l("ひとこと（任意）"),
                          validators=[at_most(500)])


# --- site administration -------------------------------------------------------------------------


class AppointForm(FlaskForm):
    email = EmailField(_l("サポーターにする会員のメールアドレス"), validators=[
        DataRequired(_l("メールアドレスを入力してください。")),
        Email(_l("メールアドレスの形式が正しくありません。"), check_deliverability=False)])
