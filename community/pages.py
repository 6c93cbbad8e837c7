"""The two shapes most pages that change something have: a form page that saves, commits, says so and moves on,
and a button that acts, commits and goes back. Views load, ask the policy, and hand over to these."""

from __future__ import annotations

from collections.abc import Callable

from flask import flash, redirect, render_template

from community.extensions import db


def form_page(form, save: Callable, template: str, *, saved, then, refusals: dict | None = None, **context):
    """GET shows `template` with the form; a valid POST calls save(), whose refusals (exception type → the form
    field that shows it) keep the page with the message, then commits, flashes `saved` (a message, or a function
    of what save returned) and redirects to `then` (a URL, or a function of what save returned). A page with
    errors answers 400."""
    if form.validate_on_submit():
        try:
            result = save()
        except tuple(refusals or {}) as error:
            field = next(name for kind, name in (refusals or {}).items() if isinstance(error, kind))
            getattr(form, field).errors.append(str(error))
        else:
            db.session.commit()
            flash(saved(result) if callable(saved) else saved, "success")
            return redirect(then(result) if callable(then) else then)
    return render_template(template, form=form, **context), 400 if form.errors else 200


def act(do: Callable, then: str | Callable, done, refusals: tuple = ()):
    """A POST button: do(), commit and flash `done` (a message, or a function of what do returned); a refusal
    (one of `refusals`) is flashed as an error and nothing is committed. Redirects to `then` (a URL, or a function
    called after the change, so it may ask the policy afresh)."""
    try:
        result = do()
    except refusals as error:
        db.session.rollback()
        flash(str(error), "error")
    else:
        db.session.commit()
        flash(done(result) if callable(done) else done, "success")
    return redirect(then() if callable(then) else then)
