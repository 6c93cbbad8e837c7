"""Home, /healthz, language, text-size and furigana choices, error pages."""

import re

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    g,
    jsonify,
    redirect,
    render_template,
    request,
    send_from_directory,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.exc import OperationalError
from sqlalchemy.exc import TimeoutError as SQLAlchemyTimeoutError

from community.areas.services import area_by_slug, area_tree, ordered_categories
from community.db import is_database_unavailable
from community.extensions import db
from community.logs import remember_exception, request_id
from community.security import safe_next_url
from community.templating import TEXT_SIZES, remember_member_language

bp = Blueprint("main", __name__)

ONE_YEAR = 60 * 60 * 24 * 365
DATABASE_RETRY_SECONDS = 10
MEDIA_NAME = re.compile(r"(thumb-)?[A-Za-z0-9_-]{22}\.(jpg|png|webp)")


@bp.route("/")
def home():
    from community.main import home as sections

    area = chosen_area()
    if area is not None:
        g.page_area_slug = area.slug  # the urgent banner adds this area's notices
    on = sections.whats_on()
    shown = [o.event_id for o in on["today_events"] + on["weekend_events"]]
    page = render_template("main/home.html", area=area, areas=area_tree(), categories=ordered_categories(),
                           **on, **sections.curated(), **sections.new_in_area(area, leave_out=shown),
                           **sections.conversations(current_user))
    return page, {"Vary": "Cookie"}  # the chosen area changes the page: a shared cache must not mix them


def chosen_area():
    """The area the visitor chose on the home page (a cookie), or None; a removed area counts as none."""
    from community.main.home import AREA_COOKIE

    slug = request.cookies.get(AREA_COOKIE, "").strip()
    return area_by_slug(slug) if slug else None


@bp.route("/preferences/area", methods=["POST"])
def set_area():
    """Remembers (or, with forget, forgets) the home page's area; works as a plain form without JavaScript."""
    from community.main.home import AREA_COOKIE

    response = redirect(url_for("main.home", _anchor="my-area"))
    slug = request.form.get("area", "").strip()
    if "forget" in request.form or not slug:
        response.delete_cookie(AREA_COOKIE, httponly=True, samesite="Lax")
        flash(_("地域の選択を解除しました。"), "success")
        return response
    area = area_by_slug(slug)
    if area is None:
        flash(_("指定された地域が見つかりません。もう一度選んでください。"), "error")
        return response
    response.set_cookie(AREA_COOKIE, area.slug, max_age=ONE_YEAR, httponly=True, samesite="Lax")
    flash(_("「%(area)s」の新着情報を表示します。", area=area.label), "success")
    return response


@bp.route("/healthz")
def healthz():
    from community.main.health import health

    report, status = health()
    return jsonify(report), status


@bp.route("/media/<name>")
def media(name: str):
    """Uploaded images, by the random name they were stored under."""
    if not MEDIA_NAME.fullmatch(name):
        abort(404)
    response = send_from_directory(current_app.config["UPLOAD_DIR"], name, max_age=ONE_YEAR)
    response.headers["Content-Security-Policy"] = "default-src 'none'"
    return response


@bp.route("/preferences/language", methods=["POST"])
def set_language():
    lang = request.form.get("lang", "ja")
    response = redirect(safe_next_url(request.form.get("next")))
    if lang in current_app.config["LANGUAGES"]:
        response.set_cookie("lang", lang, max_age=ONE_YEAR, httponly=True, samesite="Lax")
        remember_member_language(lang)
    return response


@bp.route("/preferences/text-size", methods=["POST"])
def set_text_size():
    size = request.form.get("size", "normal")
    response = redirect(safe_next_url(request.form.get("next")))
    if size in TEXT_SIZES:
        response.set_cookie("text_size", size, max_age=ONE_YEAR, httponly=True, samesite="Lax")
    return response


@bp.route("/preferences/furigana", methods=["POST"])
def set_furigana():
    """The ふりがな switch: a plain form (no JavaScript needed), remembered in a cookie."""
    from community.furigana.switch import remember

    return remember(redirect(safe_next_url(request.form.get("next"))), request.form.get("ruby") == "1")


def _error_page(status: int, title: str, message: str):
    if request.path.startswith("/api/") or request.accept_mimetypes.best == "application/json":
        return jsonify(error=title, message=message), status
    return render_template("errors/error.html", status=status, title=title, message=message), status


@bp.app_errorhandler(400)
def bad_request(error):
    description = getattr(error, "description", "") or ""
    if "CSRF" in description:
        return _error_page(400, _("送信を受け付けられませんでした"),
                           _("ページの有効期限が切れたか、不正な送信です。ページを読み込み直してから、もう一度お試しください。"))
    return _error_page(400, _("リクエストが正しくありません"), _("入力内容をご確認ください。"))


@bp.app_errorhandler(403)
def forbidden(error):
    return _error_page(403, _("このページを見る権限がありません"), _("必要な権限をお持ちでないため、表示できません。"))


@bp.app_errorhandler(404)
def not_found(error):
    return _error_page(404, _("ページが見つかりません"), _("URLが正しいかご確認ください。削除された可能性もあります。"))


@bp.app_errorhandler(413)
def too_large(error):
    return _error_page(413, _("ファイルが大きすぎます"),
                       _("送信できる大きさを超えています。小さくしてからお試しください。"))


@bp.app_errorhandler(429)
def too_many(error):
    return _error_page(429, _("しばらくお待ちください"),
                       _("短い時間に何度も送信されました。少し時間をおいてから、もう一度お試しください。"))


@bp.app_errorhandler(OperationalError)
@bp.app_errorhandler(SQLAlchemyTimeoutError)
def database_unavailable(error):
    """The database is locked, busy or cannot be reached: nothing was written (the transaction is rolled back),
    and the visitor is asked, in their language, to try again shortly; any other database error is a bug (500)."""
    db.session.rollback()
    if not is_database_unavailable(error):
        raise error
    remember_exception(error)  # the request's log line carries it, at WARNING
    retry = DATABASE_RETRY_SECONDS
    headers = {"Retry-After": str(retry)}
    title = _("ただいま混み合っています")
    message = _("ただいま処理が集中しているか、保守中のため表示できません。"
                "%(n)d秒ほど待ってから、もう一度お試しください。入力した内容は保存されていません。", n=retry)
    if request.path.startswith("/api/") or request.accept_mimetypes.best == "application/json":
        return jsonify(error=title, message=message), 503, headers
    g._unread_notifications = 0  # the header's counter would ask the database again
    return render_template("errors/unavailable.html", title=title, message=message), 503, headers


@bp.app_errorhandler(500)
def server_error(error):
    """The request id on the page lets staff find the traceback in the log when a visitor reports the error."""
    db.session.rollback()
    title, message = _("エラーが発生しました"), _("申し訳ありません。時間をおいてもう一度お試しください。")
    if request.path.startswith("/api/") or request.accept_mimetypes.best == "application/json":
        return jsonify(error=title, message=message, request_id=request_id()), 500
    return render_template("errors/error.html", status=500, title=title, message=message,
                           request_id=request_id()), 500
