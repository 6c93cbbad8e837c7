"""The latitude and longitude fields the event and shop forms share: numbers in range, both or neither."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import DecimalField
from wtforms.validators import NumberRange, Optional, ValidationError


def _typed(field) -> bool:
    return bool(field.raw_data and str(field.raw_data[0]).strip())


class CoordinatesMixin:
    """Mixed into a FlaskForm: a place on the map, entered by hand, by clicking the form's map or from the
    address (approximate)."""

    latitude = DecimalField(_l("緯度"), places=None, validators=[Optional(), NumberRange(
        min=-90, max=90, message=_l("緯度は-90〜90の数で入力してください。"))],
        description=_l("例: 35.5714（空のままでも構いません）"), render_kw={"inputmode": "decimal"})
    longitude = DecimalField(_l("経度"), places=None, validators=[Optional(), NumberRange(
        min=-180, max=180, message=_l("経度は-180〜180の数で入力してください。"))],
        description=_l("例: 139.3733"), render_kw={"inputmode": "decimal"})

    # Optional() ends the chain of an empty field, so each check runs on the field that was filled in.
    def validate_latitude(self, field) -> None:
        if not _typed(self.longitude):
            raise ValidationError(_l("経度も入力してください（緯度と経度は両方入れるか、両方空にします）。"))

    def validate_longitude(self, field) -> None:
        if not _typed(self.latitude):
            raise ValidationError(_l("緯度も入力してください（緯度と経度は両方入れるか、両方空にします）。"))

    def coordinates(self) -> dict:
        def number(field):
            return float(field.data) if field.data is not None else None

        return {"latitude": number(self.latitude), "longitude": number(self.longitude)}
