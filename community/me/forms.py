"""Forms of my page: the digest choice, and a bare CSRF form for the follow, bookmark and token buttons."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, SelectChoice
from wtforms.validators import ValidationError

DIGEST_LABELS = (
    ("none", _l("受け取らない")),
    ("daily", _l("毎日（新着があった日だけ）")),
    ("weekly", _l("毎週（新着があった週だけ）")),
)


class ChoiceField(RadioField):
    """A radio group whose refusal of an unknown value is in the site's words."""

    def pre_validate(self, form):
        if self.data not in {value for value, _ in DIGEST_LABELS}:
            raise ValidationError(_l("配信の頻度を選んでください。"))


class DigestForm(FlaskForm):
    digest_frequency = ChoiceField(_l("新着情報のメール"),
                                   choices=[SelectChoice(value, label) for value, label in DIGEST_LABELS])


class ActionForm(FlaskForm):
    """Follow, unfollow, bookmark, remove, regenerate: CSRF only."""
