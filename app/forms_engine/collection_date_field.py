"""The collection date question: the free days of the round that serves the address given earlier.

The days come from the service's rounds (app/service_settings/) and the places already taken, so a
full day is never offered. The stored answer is the ISO date.
"""

from __future__ import annotations

from datetime import date

from flask_babel import format_date
from flask_babel import gettext as _
from wtforms.validators import StopValidation

from app.forms_common import GovRadioField


def available_days(form_id: str, address: dict | None) -> list[date] | None:
    """The days to offer; None when no round serves the address (or no address was given)."""
    from app import forms_engine
    from app.services import cases, collection_rounds

    settings = forms_engine.settings_for(form_id)
    round_ = settings.round_for_ward((address or {}).get("ward")) if settings else None
    if round_ is None:
        return None
    return collection_rounds.available_days(form_id, settings, round_, cases.london_today())


def day_label(day: date) -> str:
    return format_date(day, "EEEE d MMMM yyyy")


class CollectionDateField(GovRadioField):
    def __init__(self, label=None, validators=None, *, days: list[date] | None, names, **kwargs):
        choices = [(day.isoformat(), day_label(day)) for day in days or []]
        super().__init__(
            label, validators, choices=choices, choice_message=_("Select %(name)s", name=names.lower), **kwargs
        )
        self.no_round = days is None

    def pre_validate(self, form):
        if self.data and self.data not in {value for value, _label in self.choices}:
            try:
                date.fromisoformat(self.data)
            except (TypeError, ValueError):
                raise StopValidation(self.choice_message) from None
            raise StopValidation(_("That day is now fully booked. Choose another day"))
