"""Services plug into the form engine without changing it: a question type, a submit action, a
check-your-answers panel, a price rule and a settings section, each registered in one place.

On its own SQLite database, because it starts an app with its own definitions and settings folders."""

from pathlib import Path
from typing import Literal

import pytest
import sqlalchemy as sa
from pydantic import BaseModel, ConfigDict, Field

from app import create_app, form_model
from app.extensions import db
from app.form_model import question_types, service_settings
from app.form_model.loader import DefinitionError
from app.forms_common import GovRadioField
from app.forms_engine import panels
from app.models import Case
from app.services import pricing, submit_actions
from app.services.payments import LineItem
from tests.database import reset_schema
from tests.form_walk import send, walk
from tests.pages import PageClient
from tests.settings import app_overrides, isolated_environ

DATA = Path(__file__).parent / "data" / "plugin"
made_cases: list[str] = []


class Palette(BaseModel):
    model_config = ConfigDict(extra="forbid")
    palette: list[str] = Field(min_length=2)


class ColourKind(question_types.QuestionKind):
    name = "test_colour"
    settings_model = Palette
    usable_in_conditions = True

    def field(self, question, context):
        colours = question.typed_settings().palette
        return GovRadioField(
            question.label.get(context.language),
            choices=[(colour, colour.title()) for colour in colours],
            choice_message="Select a colour",
        )

    def field_params(self, field, question, heading):
        return {"fieldset": heading["legend"]}

    def option_values(self, question):
        return question.typed_settings().palette

    def example(self, question):
        return {question.id: [question.typed_settings().palette[0]]}

    def display(self, question, value, language):
        return f"{value.title()} paint"


class PerColour(BaseModel):
    model_config = ConfigDict(extra="forbid")
    price_rule: Literal["test_per_colour"]
    pence_per_colour: dict[str, int]


class Benches(BaseModel):
    model_config = ConfigDict(extra="forbid")
    parks: list[str]


def _price(definition, prices, answers, language, *, user_id=None):
    return pricing.Price([LineItem(f"Paint: {answers['colour']}", prices.pence_per_colour[answers["colour"]])])


def _paint(definition, case, journey):
    made_cases.append(case.reference)
    case.urgent = True  # something a person would notice: the action changed the case


def _panel(definition, found, language):
    return f'<p class="govuk-body" id="test-panel">We will paint it {found.answers["colour"]}</p>'


@pytest.fixture
def plugged_in():
    """Register the test's plug-ins, and take them out again afterwards."""
    question_types.register(ColourKind)
    pricing.rule("test_per_colour", PerColour)(_price)
    service_settings.register_section("benches", Benches)
    submit_actions.register("test-paint")(_paint)
    panels.register("test-paint")(_panel)
    yield
    question_types._registry.pop("test_colour")
    pricing._rules.pop("test_per_colour")
    service_settings._price_models.pop("test_per_colour")
    service_settings._sections.pop("benches")
    service_settings._file_model = None
    submit_actions._actions.pop("test-paint")
    panels._panels.pop("test-paint")


def _app(tmp_path, local_stripe, definitions=DATA, settings=DATA / "settings"):
    return create_app(
        app_overrides(
            tmp_path,
            f"sqlite:///{tmp_path / 'plugins.sqlite'}",
            FORM_DEFINITIONS_DIR=str(definitions),
            SERVICE_SETTINGS_DIR=str(settings),
            STRIPE_API_BASE=local_stripe.url,
        ),
        environ=isolated_environ(tmp_path),
    )


def test_a_service_plugs_a_question_type_price_action_and_panel_into_the_engine(tmp_path, local_stripe, plugged_in):
    app = _app(tmp_path, local_stripe)
    reset_schema(app)
    client = PageClient(app.test_client())
    with app.app_context():
        definition = form_model.get("paint-a-bench")
        assert form_model.settings_for("paint-a-bench").section("benches").parks == ["Central Park", "Mill Green"]
    colour_page = walk(client, definition)[0]
    assert [radio["value"] for radio in colour_page.soup.select("input[type=radio]")] == ["red", "green", "blue"]
    check, _sent = send(client, definition, local_stripe)
    assert "Red paint" in check.text  # the type's display
    assert check.soup.find(id="test-panel").get_text() == "We will paint it red"  # the action's panel
    assert "£15.00" in check.text  # the price rule
    with app.app_context():
        case = db.session.scalar(sa.select(Case).where(Case.service_id == "paint-a-bench"))
        assert case.urgent is True and made_cases == [case.reference]
        db.engine.dispose()


def test_a_definition_naming_an_unregistered_action_or_type_stops_the_app_starting(tmp_path, local_stripe):
    with pytest.raises(DefinitionError) as raised:
        _app(tmp_path, local_stripe)
    problems = [str(problem) for problem in raised.value.problems]
    assert any("there is no question type 'test_colour'" in problem for problem in problems), problems
    assert any("prices" in problem for problem in problems), problems
    assert any("benches: this setting is not known" in problem for problem in problems), problems


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        (("        type: email\n", "        type: email\n        past_days: 3\n"), "past_days is not a setting"),
        (("action: test-paint", "action: test-repaint"), "there is no submit action 'test-repaint'"),
        (("settings: {palette: [red, green, blue]}", "settings: {palette: [red]}"), "settings.palette"),
    ],
)
def test_a_mistake_in_a_plugged_in_part_is_reported(tmp_path, local_stripe, plugged_in, change, problem):
    folder = tmp_path / "definitions"
    folder.mkdir()
    text = (DATA / "paint-a-bench.yaml").read_text()
    assert change[0] in text
    (folder / "paint-a-bench.yaml").write_text(text.replace(*change))
    with pytest.raises(DefinitionError) as raised:
        _app(tmp_path, local_stripe, definitions=folder)
    problems = [str(found) for found in raised.value.problems]
    assert any(problem in found for found in problems), problems


def test_two_question_types_cannot_share_a_name():
    class Imposter(question_types.QuestionKind):
        name = "date"

    with pytest.raises(ValueError, match="two question types are called 'date'"):
        question_types.register(Imposter)
