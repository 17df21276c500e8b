"""Forms a volunteer fills in to start helping someone."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms.validators import StopValidation

from app.forms_common import BaseForm, EmailAddress, GovRadioField, NoAngleBrackets, Required, text_field
from app.forms_engine.question_types.choices import MultiCheckboxField
from app.models import ConsentGiven, ConsentLasts
from app.services import assisted, gazetteer

GIVEN_LABELS = {
    ConsentGiven.IN_PERSON.value: _l("In person, here with me"),
    ConsentGiven.TELEPHONE.value: _l("On the phone"),
}
BY_MESSAGE, BY_POST = "messages", "post"
CONFIRMATIONS_LABELS = {
    BY_MESSAGE: _l("By email or text message"),
    BY_POST: _l("By post"),
}
LASTS_LABELS = {
    ConsentLasts.VISIT.value: _l("This visit only"),
    ConsentLasts.TODAY.value: _l("Until the end of today"),
}


class FindPersonForm(BaseForm):
    name = text_field(
        _l("Their name"),
        required_message=None,
        max_length=100,
        too_long_message=_l("Name must be 100 characters or fewer"),
        hint=_l("All or part of it, as on their account."),
        autocomplete="off",
        spellcheck=False,
    )
    postcode = text_field(
        _l("Their postcode"),
        required_message=None,
        max_length=10,
        too_long_message=_l("Enter a real postcode, like DM1 1AA"),
        autocomplete="off",
        spellcheck=False,
    )
    email = text_field(
        _l("Or their email address"),
        required_message=None,
        max_length=254,
        too_long_message=_l("Email address must be 254 characters or fewer"),
        autocomplete="off",
        spellcheck=False,
    )

    def validate_email(self, field):
        if field.data:
            EmailAddress(_l("Enter an email address in the correct format, like name@example.com"))(self, field)

    def validate_postcode(self, field):
        if field.data and not gazetteer.is_valid_postcode(field.data):
            raise StopValidation(_l("Enter a real postcode, like DM1 1AA"))
        if self.name.data and not field.data and not self.email.data:
            raise StopValidation(_l("Enter their postcode"))

    def validate_name(self, field):
        if field.data and ("<" in field.data or ">" in field.data):
            raise StopValidation(_l("Name must not include < or >"))
        if not field.data and not self.email.data:
            raise StopValidation(_l("Enter their name and postcode, or their email address"))


FindPersonForm.email.kwargs["render_kw"]["type"] = "email"


class ChoosePersonForm(BaseForm):
    person = GovRadioField(
        _l("Which is their account?"),
        choices=[],
        choice_message=_l("Select their account, or search again"),
        validators=[Required(message=_l("Select their account, or search again"))],
        description=_l("Ask them to confirm their initials and where they live."),
    )


class ConsentForm(BaseForm):
    person_name = text_field(
        _l("Their name"),
        required_message=_l("Enter their name"),
        max_length=assisted.NAME_MAX_LENGTH,
        too_long_message=_l("Name must be 200 characters or fewer"),
        hint=_l("So the council's records say whom you helped."),
        autocomplete="off",
        spellcheck=False,
    )
    place = GovRadioField(
        _l("Where are you helping them?"),
        choices=[],
        choice_message=_l("Select where you are helping them"),
        validators=[Required(message=_l("Select where you are helping them"))],
    )
    given = GovRadioField(
        _l("How did they give their consent?"),
        choices=list(GIVEN_LABELS.items()),
        choice_message=_l("Select how they gave their consent"),
        validators=[Required(message=_l("Select how they gave their consent"))],
    )
    services = MultiCheckboxField(
        _l("What may you do for them?"),
        choices=[],
        choice_message=_l("Select the services they agreed you can use for them"),
        description=_l("Only the services they agreed to. You cannot see their other requests or their account."),
    )
    lasts = GovRadioField(
        _l("For how long?"),
        choices=list(LASTS_LABELS.items()),
        default=ConsentLasts.VISIT.value,
        choice_message=_l("Select how long their consent lasts"),
        validators=[Required(message=_l("Select how long their consent lasts"))],
    )

    confirmations = GovRadioField(
        _l("How do they want their confirmations?"),
        choices=list(CONFIRMATIONS_LABELS.items()),
        default=BY_MESSAGE,
        choice_message=_l("Select how they want their confirmations"),
    )
    address_line_1 = text_field(
        _l("Address line 1"),
        required_message=None,
        max_length=100,
        too_long_message=_l("Address line 1 must be 100 characters or fewer"),
        autocomplete="off",
    )
    address_line_2 = text_field(
        _l("Address line 2 (optional)"),
        required_message=None,
        max_length=100,
        too_long_message=_l("Address line 2 must be 100 characters or fewer"),
        autocomplete="off",
    )
    address_town = text_field(
        _l("Town or city"),
        required_message=None,
        max_length=100,
        too_long_message=_l("Town or city must be 100 characters or fewer"),
        autocomplete="off",
    )
    address_postcode = text_field(
        _l("Postcode"),
        required_message=None,
        max_length=10,
        too_long_message=_l("Enter a real postcode, like DM1 1AA"),
        autocomplete="off",
        spellcheck=False,
    )

    def validate_services(self, field):
        if not field.data:
            raise StopValidation(_l("Select the services they agreed you can use for them"))

    def _letter_address_wanted(self) -> bool:
        return self.confirmations.data == BY_POST and self.address_line_1 is not None

    def validate_address_line_1(self, field):
        if self._letter_address_wanted() and not field.data:
            raise StopValidation(_l("Enter the first line of their address, for their letters"))

    def validate_address_town(self, field):
        if self._letter_address_wanted() and not field.data:
            raise StopValidation(_l("Enter their town or city, for their letters"))

    def validate_address_postcode(self, field):
        if field.data and not gazetteer.is_valid_postcode(field.data):
            raise StopValidation(_l("Enter a real postcode, like DM1 1AA"))
        if self._letter_address_wanted() and not field.data:
            raise StopValidation(_l("Enter their postcode, for their letters"))

    def address_lines(self) -> list[str]:
        if self.address_line_1 is None:
            return []
        return [self.address_line_1.data, self.address_line_2.data, self.address_town.data, self.address_postcode.data]


ConsentForm.person_name.kwargs["validators"].append(NoAngleBrackets(_l("Name must not include < or >")))
for _line in ("address_line_1", "address_line_2", "address_town"):
    getattr(ConsentForm, _line).kwargs["validators"].append(
        NoAngleBrackets(_l("Their address must not include < or >"))
    )


class StopForm(BaseForm):
    pass
