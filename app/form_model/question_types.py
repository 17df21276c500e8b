"""The registry of question types: one class per type, registered under the name definitions use.

A question type is everything the engine needs to know about one kind of question: which settings a
definition may give it, how its WTForms field is built and rendered, how an answer is stored, shown
and given as an example in the generated tests, and what the rest of the system may read from it
(a contact email, a ward). The classes themselves live with the engine's web side
(app/forms_engine/question_types/) or with the service that brings them (a vehicle, a location),
because building a field is web work; this module only defines the contract and the registry, so the
definitions model and the services can ask about a type without importing any of that.

A new type is a subclass of QuestionKind decorated with @register, in a module listed in
KIND_MODULES or imported by its service's package.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any, ClassVar

if TYPE_CHECKING:
    from pydantic import BaseModel

    from app.form_model.schema import Question

# Modules that register the types every council has. Imported the first time a type is looked up,
# so the definitions model works on its own (the CLI checker, unit tests) as well as in the app.
KIND_MODULES = ["app.forms_engine.question_types", "app.parking.question_types", "app.council_tax.question_types"]

# Settings a definition can give a question at the top level, for the types that use them.
COMMON_SETTINGS = {"id", "type", "label", "hint", "error_name", "optional", "account_field"}

_registry: dict[str, QuestionKind] = {}
_loaded = False


class QuestionKind:
    """One type of question. Subclasses set `name` and override what differs from plain text."""

    name: ClassVar[str]
    # Settings (Question attributes) this type uses beyond COMMON_SETTINGS; giving any other is an error.
    settings: ClassVar[frozenset[str]] = frozenset()
    # For types with settings of their own, a pydantic model for the question's `settings:` mapping.
    settings_model: ClassVar[type[BaseModel] | None] = None
    takes_options: ClassVar[bool] = False  # needs `options:` (at least two)
    usable_in_conditions: ClassVar[bool] = False  # show_if and urgent_if may test its answer
    many_values: ClassVar[bool] = False  # its answer is a list: conditions use `includes`
    own_page: ClassVar[bool] = False  # must be the only question on its page
    can_be_heading: ClassVar[bool] = True  # when alone on a page, its label is the page's h1
    uploads_files: ClassVar[bool] = False  # the page form needs multipart encoding
    account_field: ClassVar[str | None] = None  # the account detail it can be filled in from
    contact: ClassVar[str | None] = None  # "email" or "phone": the case's contact details come from it
    # The Jinja template with a `render(field, question, heading, single)` macro, for types the GOV.UK
    # macros of a plain WTForms widget cannot render; None renders field(params=field_params(...)).
    template: ClassVar[str | None] = None

    # --- the definition ---------------------------------------------------------------------------

    def check(self, question: Question) -> list[str]:
        """Problems with this question's settings that the generic rules cannot see."""
        return []

    def option_values(self, question: Question) -> list[str]:
        """The values a condition on this question may test (its options, for choice questions)."""
        return [option.value for option in question.options]

    def condition_value(self, answer):
        """What show_if and urgent_if compare with option_values: the answer itself for choice
        questions; a type whose answer is richer says which of its values conditions see."""
        return answer

    # --- the web form (implemented by the engine's web side) ---------------------------------------

    def field(self, question: Question, context: FieldContext):
        """The WTForms field (unbound) that asks the question."""
        raise NotImplementedError(f"{self.name} questions have no field")

    def field_params(self, field, question: Question, heading: dict) -> dict:
        """GOV.UK macro parameters when the type has no template of its own. `heading` has "label"
        and "legend" settings, already made the page heading when the question is alone."""
        return {"label": heading["label"]}

    def to_form(self, question: Question, stored):
        """A stored answer as the field's data, to fill the form in again."""
        return stored

    def from_form(self, question: Question, field):
        """The field's validated data as the answer to store (plain JSON)."""
        value = field.data
        if isinstance(value, str):
            return value or None
        return value

    def is_interim(self, field) -> bool:
        """The person pressed a button inside the question (find address, find vehicle): show the
        page again with what was found, without saving or moving on."""
        return bool(getattr(field, "searching", False))

    def example(self, question: Question) -> dict[str, list]:
        """Form data a person could send that passes validation (for the generated tests). A value
        of [None] means "the first choice the page offers", read from the page by the walk."""
        return {question.id: ["An example answer"]}

    # --- what everything else reads ---------------------------------------------------------------

    def display(self, question: Question, value, language: str) -> str:
        """The answer as the person reads it (check your answers, case page, messages). Only
        called with an answer: empty answers are shown as "Not given" by display()."""
        return str(value)

    def ward(self, value) -> str | None:
        """The council ward the answer places the request in, if it is a place."""
        return None


class FieldContext:
    """What building a field may depend on besides the question: the page's language, the answers
    given so far (a collection day depends on the address), and the form."""

    __slots__ = ("language", "answers", "form_id")

    def __init__(self, language: str, answers: dict | None = None, form_id: str = ""):
        self.language = language
        self.answers = answers or {}
        self.form_id = form_id


def register(cls: type[QuestionKind]) -> type[QuestionKind]:
    """Class decorator: add a question type to the registry under its `name`."""
    name = cls.name
    existing = _registry.get(name)
    if existing is not None and type(existing).__qualname__ != cls.__qualname__:
        raise ValueError(f"two question types are called {name!r}")
    _registry[name] = cls()
    return cls


def _load_builtin() -> None:
    global _loaded
    if not _loaded:
        _loaded = True
        for module in KIND_MODULES:
            importlib.import_module(module)


def kind(name: str) -> QuestionKind:
    _load_builtin()
    return _registry[name]


def kind_of(question: Question) -> QuestionKind:
    return kind(question.type)


def names() -> list[str]:
    _load_builtin()
    return sorted(_registry)


def is_known(name: str) -> bool:
    _load_builtin()
    return name in _registry


def display(question: Question, value: Any, language: str) -> str:
    """An answer as the person reads it on check your answers, the case page and in messages."""
    if value in (None, "", [], {}):
        from flask_babel import gettext as _

        return _("Not given")
    return kind_of(question).display(question, value, language)
