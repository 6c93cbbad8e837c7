"""The site pages, the contact form, the terms consent page, and their admin pages (/admin/pages, /admin/contact)."""

from __future__ import annotations

from flask import abort, current_app, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from community import policy
from community.extensions import db, limiter
from community.forms import ButtonForm
from community.pages import act, form_page
from community.pagination import requested_page
from community.security import safe_next_url
from community.sitepages import bp, contact, services
from community.sitepages.accessibility import load_results
from community.sitepages.forms import ConsentForm, ContactForm, SitePageForm
from community.sitepages.models import ContactMessage

SLUG_RULE = "any(" + ", ".join(services.SLUGS) + ")"
# What a member who must agree to new terms may still open: the pages themselves, signing out, files.
CONSENT_FREE = frozenset({"static", "main.media", "main.healthz", "main.set_language", "main.set_text_size",
                          "accounts.logout", "seo.robots", "seo.sitemap", "seo.sitemap_file", "seo.favicon"})


@bp.before_app_request
def ask_for_terms_consent():
    """After a material change of the terms, a signed-in member agrees to them before going on."""
    endpoint = request.endpoint or ""
    if endpoint in CONSENT_FREE or endpoint.startswith(("sitepages.", "api.", "feeds.")):
        return None
    if services.needs_terms_consent(current_user):
        return redirect(url_for("sitepages.consent", next=request.full_path if request.method == "GET" else None))
    return None


@bp.route(f"/<{SLUG_RULE}:slug>")
def show(slug: str):
    page = services.current_page(slug)
    results = load_results() if slug == "accessibility" else None
    return render_template("sitepages/page.html", page=page, results=results)


def _contact_limit():
    return current_app.config["CONTACT_RATE_LIMIT"]


@bp.route("/contact", methods=["GET", "POST"])
@limiter.limit(_contact_limit, methods=["POST"])
def contact_form():
    form = ContactForm()
    if request.method == "GET" and current_user.is_authenticated:
        form.name.data, form.email.data = current_user.display_name, current_user.email
    return form_page(form, lambda: contact.submit_message(form.name.data, form.email.data, form.subject.data,
                                                          form.body.data, current_user),
                     "sitepages/contact.html", then=url_for("sitepages.contact_form"),
                     saved=_("お問い合わせを受け付けました。内容を確認して、担当者からご連絡します。"))


@bp.route("/terms/accept", methods=["GET", "POST"])
@login_required
def consent():
    form = ConsentForm()
    next_url = request.args.get("next")
    if not services.needs_terms_consent(current_user):
        return redirect(safe_next_url(next_url))
    return form_page(form, lambda: services.record_terms_consent(current_user), "sitepages/consent.html",
                     saved=_("新しい利用規約に同意いただきました。ありがとうございます。"),
                     then=safe_next_url(next_url), page=services.current_page("terms"))


# --- admins ----------------------------------------------------------------------------------------


@bp.route("/admin/pages")
@login_required
def admin_pages():
    policy.require(policy.can_edit_site_pages(current_user))
    return render_template("sitepages/admin/pages.html", titles=services.TITLES, latest=services.latest_versions())


@bp.route(f"/admin/pages/<{SLUG_RULE}:slug>", methods=["GET", "POST"])
@login_required
def edit(slug: str):
    policy.require(policy.can_edit_site_pages(current_user))
    page = services.current_page(slug)
    form = SitePageForm(data={"title": page.title, "body": page.body} if request.method == "GET" else None)
    return form_page(form, lambda: services.save_version(current_user, slug, form.title.data, form.body.data,
                                                         form.note.data, form.material.data),
                     "sitepages/admin/edit.html", refusals={services.SitePageError: "body"},
                     saved=lambda version: _("「%(title)s」の第%(n)d版を公開しました。", title=version.title,
                                             n=version.version),
                     then=url_for("sitepages.edit", slug=slug), page=page,
                     history=services.history_page(slug, requested_page()))


@bp.route(f"/admin/pages/<{SLUG_RULE}:slug>/versions/<int:number>")
@login_required
def version(slug: str, number: int):
    policy.require(policy.can_edit_site_pages(current_user))
    saved = services.saved_version(slug, number)
    if saved is None:
        abort(404)
    return render_template("sitepages/admin/version.html", version=saved)


@bp.route("/admin/contact")
@login_required
def contact_messages():
    policy.require(policy.can_read_contact_messages(current_user))
    state = request.args.get("state", "open")
    if state not in contact.STATES:
        state = "open"
    return render_template("sitepages/admin/contact.html", state=state, button=ButtonForm(),
                           page=contact.messages_page(state, requested_page()))


@bp.route("/admin/contact/<int:message_id>/handled", methods=["POST"])
@login_required
def mark_handled(message_id: int):
    policy.require(policy.can_read_contact_messages(current_user))
    message = db.get_or_404(ContactMessage, message_id)
    if not ButtonForm().validate_on_submit():
        abort(400)
    return act(lambda: contact.mark_handled(current_user, message),
               url_for("sitepages.contact_messages", state=request.args.get("state", "open")),
               _("対応済みにしました。"), already=(contact.AlreadyHandled,))
