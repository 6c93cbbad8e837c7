"""The shapes most pages that change something have: loading what the policy permits, a form page that saves,
commits, says so and moves on, and a button that acts, commits and goes back."""

from __future__ import annotations

from collections.abc import Callable

from flask import flash, redirect, render_template
from flask_login import current_user

from community import policy
from community.extensions import db


def permitted(obj, rule: Callable, *args):
    """obj, when rule(current_user, obj, *args) allows it; otherwise 403. Views load and ask in one line:
    `thread = permitted(load(thread_id), policy.can_edit_post)`."""
    policy.require(rule(current_user, obj, *args))
    return obj


def form_page(form, save: Callable, template: str, *, saved, then, refusals: dict | None = None, **context):
    """GET shows `template` with the form; a valid POST calls save(). A refusal (exception type → the form field
    that shows it) keeps the page with the message and commits nothing; otherwise it commits, flashes `saved` (a
    message, or a function of what save returned) and redirects to `then` (a URL, or a function of what save
    returned). A page with errors answers 400."""
    if form.validate_on_submit():
        try:
            result = save()
        except tuple(refusals or {}) as error:
            if not db.session.is_active:  # the database refused a write (a unique name taken a moment ago)
                db.session.rollback()
            field = next(name for kind, name in (refusals or {}).items() if isinstance(error, kind))
            getattr(form, field).errors.append(str(error))
        else:
            db.session.commit()
            flash(saved(result) if callable(saved) else saved, "success")
            return redirect(then(result) if callable(then) else then)
    return render_template(template, form=form, **context), 400 if form.errors else 200


def act(do: Callable, then: str | Callable, done, refusals: tuple = (), already: tuple = ()):
    """A POST button: do(), commit and flash `done` (a message, or a function of what do returned). A refusal (one
    of `refusals`) is flashed as an error, and what someone else has already done (one of `already`) as information;
    either way nothing is committed. Redirects to `then` (a URL, or a function called after the change, so it may
    ask the policy afresh)."""
    try:
        result = do()
    except refusals + already as error:
        db.session.rollback()
        flash(str(error), "info" if isinstance(error, already) else "error")
    else:
        db.session.commit()
        flash(done(result) if callable(done) else done, "success")
    return redirect(then() if callable(then) else then)
