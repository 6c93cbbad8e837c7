"""Account pages: thin views over accounts.services."""

import json

from flask import Blueprint, Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, logout_user

from community import policy
from community.accounts.deletion import delete_account, why_not_delete
from community.accounts.export import member_data
from community.accounts.forms import (
    ChangePasswordForm,
    DeleteAccountForm,
    LoginForm,
    ProfileForm,
    RegisterForm,
    ResetPasswordForm,
    ResetRequestForm,
)
from community.accounts.models import User
from community.accounts.services import (
    AccountError,
    authenticate,
    change_password,
    register_or_tell_owner,
    send_password_reset,
    set_new_password,
    update_profile,
    user_from_reset_token,
)
from community.accounts.sessions import end_all_sessions, sign_in, sign_out
from community.extensions import db, limiter
from community.security import safe_next_url
from community.sitepages.services import record_terms_consent

bp = Blueprint("accounts", __name__)


def _login_limit():
    return current_app.config["LOGIN_RATE_LIMIT"]


def _register_limit():
    return current_app.config["REGISTER_RATE_LIMIT"]


@bp.route("/register", methods=["GET", "POST"])
@limiter.limit(_register_limit, methods=["POST"])
def register():
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    form = RegisterForm()
    if form.validate_on_submit():
        user = register_or_tell_owner(form.email.data, form.display_name.data, form.password.data)
        if user is not None:
            record_terms_consent(user)
            sign_in(user)
        db.session.commit()
        # The same answer when the address already had an account (its owner got a mail instead).
        flash(_("登録しました。ようこそ、%(name)s さん。", name=form.display_name.data.strip()), "success")
        return redirect(safe_next_url(request.args.get("next")))
    return render_template("accounts/register.html", form=form), 400 if form.errors else 200


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
def login():
    if current_user.is_authenticated:
        return redirect(safe_next_url(request.args.get("next")))
    form = LoginForm()
    error = None
    if form.validate_on_submit():
        user = authenticate(form.email.data, form.password.data)
        if user is not None:
            sign_in(user, remember=form.remember.data)
            db.session.commit()
            flash(_("ログインしました。"), "success")
            return redirect(safe_next_url(request.args.get("next")))
        # The same words whether the address is unknown or the password wrong.
        error = _("メールアドレスまたはパスワードが正しくありません。")
    status = 400 if (error or form.errors) else 200
    return render_template("accounts/login.html", form=form, error=error), status


@bp.route("/logout", methods=["POST"])
def logout():
    if current_user.is_authenticated:
        sign_out(current_user)
        db.session.commit()
    flash(_("ログアウトしました。"), "success")
    return redirect(url_for("main.home"))


@bp.route("/settings/sign-out-everywhere", methods=["POST"])
@login_required
def sign_out_everywhere():
    """Ends every session of the account: this browser, and any other that is (or was left) signed in."""
    end_all_sessions(current_user)
    sign_out(current_user)
    db.session.commit()
    flash(_("すべての端末からログアウトしました。"), "success")
    return redirect(url_for("accounts.login"))


@bp.route("/settings", methods=["GET", "POST"])
@login_required
def settings():
    profile_form = ProfileForm(prefix="profile", obj=current_user)
    password_form = ChangePasswordForm(prefix="password")
    if request.method == "POST":
        if "profile-submit" in request.form and profile_form.validate_on_submit():
            update_profile(current_user, profile_form.display_name.data, profile_form.bio.data or "",
                           area_id=profile_form.area_id.data, show_area=profile_form.show_area.data,
                           show_communities=profile_form.show_communities.data)
            db.session.commit()
            flash(_("プロフィールを保存しました。"), "success")
            return redirect(url_for("accounts.settings"))
        if "password-submit" in request.form and password_form.validate_on_submit():
            try:
                change_password(current_user, password_form.current_password.data, password_form.password.data)
            except AccountError as error:
                password_form.current_password.errors.append(str(error))
            else:
                db.session.commit()
                flash(_("パスワードを変更しました。ほかの端末ではログアウトしました。"), "success")
                return redirect(url_for("accounts.settings"))
    status = 400 if (profile_form.errors or password_form.errors) else 200
    return (
        render_template("accounts/settings.html", profile_form=profile_form, password_form=password_form),
        status,
    )


@bp.route("/settings/data")
@login_required
def data():
    """What the download holds, and the link to it."""
    policy.require(policy.can_download_own_data(current_user))
    return render_template("accounts/data.html")


@bp.route("/settings/data.json")
@login_required
def data_download():
    """Everything stored about the member, as one JSON file."""
    policy.require(policy.can_download_own_data(current_user))
    body = json.dumps(member_data(current_user), ensure_ascii=False, indent=2)
    filename = f"member-data-{current_user.id}.json"
    return Response(body, content_type="application/json; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"', "Cache-Control": "no-store"})


@bp.route("/settings/delete", methods=["GET", "POST"])
@login_required
def delete():
    """Deleting the account: the password again, what happens to the posts, refused while something must be handed
    over. Afterwards every session has ended and this browser is signed out."""
    policy.require(policy.can_delete_account(current_user))
    form = DeleteAccountForm()
    if form.validate_on_submit():
        try:
            delete_account(current_user, form.password.data, remove_posts=form.remove_posts.data)
        except AccountError as error:
            db.session.rollback()
            form.password.errors.append(str(error))
        else:
            logout_user()
            db.session.commit()
            flash(_("退会の手続きが終わりました。アカウントと個人情報を削除しました。ご利用ありがとうございました。"),
                  "success")
            return redirect(url_for("main.home"))
    refusal = why_not_delete(current_user, marked=True)
    return render_template("accounts/delete.html", form=form, refusal=refusal), 400 if form.errors else 200


@bp.route("/password-reset", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
def request_password_reset():
    form = ResetRequestForm()
    if form.validate_on_submit():
        send_password_reset(form.email.data)
        db.session.commit()  # the mail goes out from the queue after this
        flash(_("登録されているアドレスであれば、再設定用のリンクを送りました。メールをご確認ください。"), "info")
        return redirect(url_for("accounts.login"))
    return render_template("accounts/reset_request.html", form=form), 400 if form.errors else 200


@bp.route("/password-reset/<token>", methods=["GET", "POST"])
def reset_password(token: str):
    user = user_from_reset_token(token)
    if user is None:
        flash(_("このリンクは無効か、期限が切れています。もう一度お申し込みください。"), "error")
        return redirect(url_for("accounts.request_password_reset"))
    form = ResetPasswordForm()
    if form.validate_on_submit():
        set_new_password(user, form.password.data)
        db.session.commit()
        flash(_("新しいパスワードを設定しました。ログインしてください。"), "success")
        return redirect(url_for("accounts.login"))
    return render_template("accounts/reset_password.html", form=form), 400 if form.errors else 200


@bp.route("/users/<int:user_id>")
def profile(user_id: int):
    from community.accounts.profiles import profile_communities, recent_public_posts

    user = db.get_or_404(User, user_id)
    if user.is_suspended:
        abort(404)
    posts = [] if user.profile_hidden else recent_public_posts(user)
    return render_template("accounts/profile.html", user=user, communities=profile_communities(current_user, user),
                           posts=posts)
