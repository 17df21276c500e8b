"""Forms for a payment arrangement: the income and expenditure pages (one per section of the
Standard Financial Statement, an amount and how often for each heading), the payments the person
offers, and the revenues team's counter-offer."""

from functools import cache

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from govuk_frontend_wtf.wtforms_widgets import GovTextArea
from wtforms import TextAreaField
from wtforms.validators import Length, StopValidation, ValidationError

from app.forms_common import (
    BaseForm,
    GovRadioField,
    GovSelectField,
    NoControlCharacters,
    Required,
    sentence,
    strip,
    text_field,
)
from app.forms_engine.question_types.base import Names
from app.forms_engine.question_types.dates import PartsDateField
from app.money import parse_pounds
from app.services.council_tax import arrangement_sums as sums

SECTION_TITLES = {
    sums.Section.INCOME: _l("Your income"),
    sums.Section.FIXED_COSTS: _l("Your fixed costs"),
    sums.Section.FLEXIBLE_COSTS: _l("Your flexible costs and savings"),
    sums.Section.DEBTS: _l("Payments to other debts"),
}
SECTION_HINTS = {
    sums.Section.INCOME: _l("Money coming in for you and your partner, after tax and National Insurance."),
    sums.Section.FIXED_COSTS: _l("Bills that are the same most months. Do not include council tax."),
    sums.Section.FLEXIBLE_COSTS: _l("Spending that changes from month to month, and anything you save."),
    sums.Section.DEBTS: _l("What you pay now towards other debts."),
}
# (what people read, what it includes, the heading's name inside an error message)
HEADING_WORDS = {
    "earnings": (_l("Earnings"), _l("Wages, salary or self-employed income"), _l("earnings")),
    "benefits": (
        _l("Benefits"),
        _l("For example, Universal Credit, Child Benefit, Personal Independence Payment"),
        _l("benefits"),
    ),
    "pensions": (_l("Pensions"), _l("State, workplace and private pensions"), _l("pensions")),
    "other_income": (
        _l("Other income"),
        _l("For example, maintenance, money from lodgers or family"),
        _l("other income"),
    ),
    "home_and_contents": (
        _l("Home and contents"),
        _l("Rent or mortgage, service charges, ground rent, contents insurance"),
        _l("home and contents"),
    ),
    "utilities": (_l("Utilities"), _l("Gas, electricity, other fuel and water"), _l("utilities")),
    "care_and_health": (
        _l("Care and health"),
        _l("Childcare, adult care, prescriptions, dentist and opticians"),
        _l("care and health"),
    ),
    "transport_and_travel": (
        _l("Transport and travel"),
        _l("Public transport, car fuel, car insurance, tax and repairs"),
        _l("transport and travel"),
    ),
    "school_costs": (_l("School costs"), _l("Uniform, meals, trips and activities"), _l("school costs")),
    "pensions_and_insurances": (
        _l("Pensions and insurances"),
        _l("Pension payments, life and health insurance"),
        _l("pensions and insurances"),
    ),
    "professional_costs": (
        _l("Professional costs"),
        _l("Professional or union fees, work clothing and tools"),
        _l("professional costs"),
    ),
    "other_essential_costs": (
        _l("Other essential costs"),
        _l("For example, a court fine, a child maintenance payment or pet costs"),
        _l("other essential costs"),
    ),
    "communications_and_leisure": (
        _l("Communications and leisure"),
        _l("Phone, internet, TV licence, hobbies and gifts"),
        _l("communications and leisure"),
    ),
    "food_and_housekeeping": (
        _l("Food and housekeeping"),
        _l("Groceries, toiletries, cleaning products, meals at work"),
        _l("food and housekeeping"),
    ),
    "personal_costs": (
        _l("Personal costs"),
        _l("Clothing and shoes, hairdressing, pocket money"),
        _l("personal costs"),
    ),
    "savings_contributions": (
        _l("Savings contributions"),
        _l("What you put aside each month, even a small amount"),
        _l("savings contributions"),
    ),
    "priority_debts": (
        _l("Priority debts"),
        _l("Rent or mortgage arrears, gas or electricity arrears, court fines, child maintenance arrears"),
        _l("priority debts"),
    ),
    "other_debts": (
        _l("Other debts"),
        _l("Credit cards, loans, catalogues, overdrafts, buy now pay later"),
        _l("other debts"),
    ),
}
FREQUENCY_CHOICES = [
    (sums.Frequency.WEEKLY.value, _l("a week")),
    (sums.Frequency.FORTNIGHTLY.value, _l("every 2 weeks")),
    (sums.Frequency.MONTHLY.value, _l("a month")),
]
OFFER_FREQUENCY_CHOICES = [
    (sums.Frequency.WEEKLY.value, _l("Every week")),
    (sums.Frequency.FORTNIGHTLY.value, _l("Every 2 weeks")),
    (sums.Frequency.MONTHLY.value, _l("Every month")),
]


class PoundsAmount:
    """An amount in pounds, blank meaning nothing; refuses what is not an amount and absurd sums.
    Messages name the heading in lower case and take a capital at the start (forms_common.sentence),
    because the name comes first in Welsh and not in English."""

    def __init__(self, name):
        self.name = name

    def __call__(self, form, field):
        text = (field.data or "").strip()
        if not text:
            return
        if text.startswith("-"):
            raise StopValidation(sentence(_("%(name)s must be £0 or more", name=self.name)))
        pence = parse_pounds(text)
        if pence is None:
            raise StopValidation(
                sentence(_("Enter %(name)s in pounds and pence, like 250 or 1,200.50", name=self.name))
            )
        if pence > sums.MAX_LINE_PENCE:
            raise StopValidation(sentence(_("%(name)s must be £100,000 or less", name=self.name)))


@cache
def money_form_class(section: sums.Section) -> type[BaseForm]:
    """One form per section: for each heading, `<heading>` (pounds) and `<heading>_frequency`."""
    fields = {}
    for heading in sums.HEADINGS[section]:
        label, hint, name = HEADING_WORDS[heading]
        amount = text_field(
            label,
            required_message=None,
            max_length=20,
            too_long_message=_l("Enter an amount under £100,000"),
            hint=hint,
            spellcheck=False,
        )
        amount.kwargs["validators"].append(PoundsAmount(name))
        fields[heading] = amount
        fields[f"{heading}_frequency"] = GovSelectField(
            _l("How often"),
            choices=FREQUENCY_CHOICES,
            default=sums.Frequency.MONTHLY.value,
            choice_message=_l("Select how often"),
        )
    return type(f"{section.value.title().replace('_', '')}Form", (BaseForm,), fields)


def entries(form, section: sums.Section) -> dict[str, tuple[int, sums.Frequency]]:
    """The amounts given on a valid money page, {heading: (pence, frequency)}; blank ones left out."""
    found = {}
    for heading in sums.HEADINGS[section]:
        pence = parse_pounds(form[heading].data or "")
        if pence:
            found[heading] = (pence, sums.Frequency(form[f"{heading}_frequency"].data))
    return found


class _OfferFields(BaseForm):
    amount = text_field(
        _l("How much can you pay each time?"),
        required_message=None,
        max_length=20,
        too_long_message=_l("Enter an amount in pounds, like 50 or 25.50"),
        hint=_l("In pounds, for example 50 or 25.50"),
        spellcheck=False,
    )
    frequency = GovRadioField(
        _l("How often will you pay?"),
        choices=OFFER_FREQUENCY_CHOICES,
        choice_message=_l("Select how often you will pay"),
        validators=[Required(message=_l("Select how often you will pay"))],
    )
    first_on = PartsDateField(
        _l("When will you make the first payment?"),
        names=Names(_l("the date of the first payment"), optional=False),
    )

    def validate_amount(self, field):
        text = (field.data or "").strip()
        if not text:
            raise ValidationError(_l("Enter how much you can pay each time"))
        if text.startswith("-"):
            raise ValidationError(_l("Each payment must be £1.00 or more"))
        if parse_pounds(text) is None:
            raise ValidationError(_l("Enter an amount in pounds, like 50 or 25.50"))


class OfferForm(_OfferFields):
    """The payments the person offers."""


class CounterForm(_OfferFields):
    """The revenues team's different terms, with the reason the person will read."""

    reason = TextAreaField(
        _l("Why you cannot accept their offer"),
        description=_l("We send this to the person and show it on their requests page."),
        validators=[
            Required(message=_l("Enter why you cannot accept their offer")),
            NoControlCharacters(_l("Remove any special characters")),
            Length(max=1000, message=_l("Reason must be 1000 characters or fewer")),
        ],
        filters=[strip],
        widget=GovTextArea(),
    )

    def validate_reason(self, field):
        if "<" in (field.data or "") or ">" in (field.data or ""):
            raise ValidationError(_l("Reason must not include < or >"))
