"""Forms with UK bank details: setting up a Direct Debit and a refund of a credit balance.

The sort code and account number are checked together with Vocalink's modulus checks
(app/services/bank_details.py); the examples in the messages pass those checks themselves.
"""

from flask_babel import lazy_gettext as _l
from wtforms.validators import ValidationError

from app.forms_common import BaseForm, GovRadioField, NoAngleBrackets, text_field
from app.money import parse_pounds
from app.services import bank_details

EXAMPLE_SORT_CODE = "20-00-00"
EXAMPLE_ACCOUNT_NUMBER = "55779911"


_REFUND_WHAT = GovRadioField(
    _l("How much do you want back?"),
    choice_message=_l("Select how much you want back"),
    choices=[("all", _l("All of the credit")), ("other", _l("Another amount"))],
)
_REFUND_OTHER_AMOUNT = text_field(
    _l("Amount, in pounds"),
    required_message=None,
    max_length=20,
    too_long_message=_l("Enter an amount in pounds, like 5 or 12.50"),
    hint=_l("Only if you chose another amount. For example, 5 or 12.50"),
    spellcheck=False,
)


def _account_holder():
    found = text_field(
        _l("Name on the account"),
        required_message=_l("Enter the name on the account"),
        max_length=100,
        too_long_message=_l("Name on the account must be 100 characters or fewer"),
        autocomplete="name",
        spellcheck=False,
    )
    found.kwargs["validators"].append(NoAngleBrackets(_l("Name on the account must not include < or >")))
    return found


class BankDetailsForm(BaseForm):
    account_holder = _account_holder()
    sort_code = text_field(
        _l("Sort code"),
        required_message=_l("Enter a sort code, like %(example)s", example=EXAMPLE_SORT_CODE),
        max_length=20,
        too_long_message=_l("Enter a valid sort code, like %(example)s", example=EXAMPLE_SORT_CODE),
        hint=_l("Must be 6 digits long"),
        spellcheck=False,
    )
    account_number = text_field(
        _l("Account number"),
        required_message=_l("Enter an account number, like %(example)s", example=EXAMPLE_ACCOUNT_NUMBER),
        max_length=20,
        too_long_message=_l("Account number must be between 6 and 8 digits"),
        hint=_l("Must be between 6 and 8 digits long"),
        spellcheck=False,
    )

    def validate_sort_code(self, field):
        if field.data and bank_details.clean_sort_code(field.data) is None:
            raise ValidationError(_l("Enter a valid sort code, like %(example)s", example=EXAMPLE_SORT_CODE))

    def validate_account_number(self, field):
        if not field.data:
            return
        if bank_details.clean_account_number(field.data) is None:
            raise ValidationError(_l("Account number must be between 6 and 8 digits"))
        sort_code = bank_details.clean_sort_code(self.sort_code.data)
        if sort_code and not bank_details.modulus_check(sort_code, bank_details.clean_account_number(field.data)):
            raise ValidationError(_l("Check the sort code and account number: together they are not a UK bank account"))

    def cleaned(self) -> tuple[str, str, str]:
        """(holder, 6-digit sort code, 8-digit account number), once the form is valid."""
        return (
            self.account_holder.data,
            bank_details.clean_sort_code(self.sort_code.data),
            bank_details.clean_account_number(self.account_number.data),
        )


class DirectDebitForm(BankDetailsForm):
    """The bank account, that the person can authorise it alone, the payment day (choices from the
    council's settings, set by the route) and 10 or 12 instalments."""

    sole_authority = GovRadioField(
        _l("Are you the account holder, and can you authorise debits from this account on your own?"),
        choice_message=_l("Select yes if you can authorise debits from this account on your own"),
        choices=[("yes", _l("Yes")), ("no", _l("No"))],
    )
    payment_day = GovRadioField(
        _l("Which day of the month do you want to pay on?"),
        choice_message=_l("Select the day of the month you want to pay on"),
        choices=[],
    )
    instalments = GovRadioField(
        _l("How many instalments a year?"),
        choice_message=_l("Select 10 or 12 instalments"),
        choices=[("10", _l("10 instalments")), ("12", _l("12 instalments"))],
        description=_l("Instalments are monthly. With 12, each one is smaller."),
    )


class RefundForm(BankDetailsForm):
    # Made before the bank fields, so the error summary lists them in the page's order.
    what = _REFUND_WHAT
    other_amount = _REFUND_OTHER_AMOUNT

    def validate_other_amount(self, field):
        if self.what.data != "other":
            return
        if not (field.data or "").strip():
            raise ValidationError(_l("Enter the amount you want back"))
        if parse_pounds(field.data) is None:
            raise ValidationError(_l("Enter an amount in pounds, like 5 or 12.50"))
