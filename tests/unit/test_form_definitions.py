"""The definition checker: every mistake is reported with the file, the place in it and what is wrong."""

import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

from app.form_model.loader import DefinitionError, load_folder, parse
from app.form_model.schema import Condition
from app.forms_engine import DEFAULT_FOLDER

VALID = textwrap.dedent(
    """\
    id: tiny
    version: 1
    title: {en: Tiny form, cy: Ffurflen fach}
    summary: {en: A tiny form., cy: Ffurflen fach.}
    start: {en: Start here., cy: Dechreuwch yma.}
    who_can_use: [guests]
    service_standard_days: 5
    pages:
      - id: kind
        title: {en: Which kind, cy: Pa fath}
        questions:
          - id: kind
            type: radios
            label: {en: Which kind, cy: Pa fath}
            error_name: {en: which kind, cy: pa fath}
            options:
              - {value: big, label: {en: Big, cy: Mawr}}
              - {value: small, label: {en: Small, cy: Bach}}
      - id: big
        title: {en: Big things, cy: Pethau mawr}
        show_if:
          - {question: kind, equals: big}
        questions:
          - id: size
            type: number
            label: {en: Size, cy: Maint}
            error_name: {en: the size, cy: y maint}
    submit:
      team: tiny-team
      confirmation: {en: Thanks., cy: Diolch.}
    """
)


def problems_for(tmp_path: Path, text: str, name: str = "tiny.yaml") -> list[str]:
    file = tmp_path / name
    file.write_text(text)
    definition, problems = parse(file)
    return [str(problem) for problem in problems]


def test_the_valid_example_has_no_problems(tmp_path):
    assert problems_for(tmp_path, VALID) == []


def test_every_definition_shipped_with_doorstep_is_valid():
    definitions = load_folder(DEFAULT_FOLDER)
    assert len(definitions) >= 2


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            ("title: {en: Tiny form, cy: Ffurflen fach}", "title: {en: Tiny form}"),
            "tiny.yaml: title.cy: this is missing",
        ),
        (("version: 1", "version: 1\ncolour: red"), "tiny.yaml: colour: this setting is not known"),
        (("id: tiny", "id: Tiny Form"), "tiny.yaml: id: "),
        (("type: number", "type: slider"), "tiny.yaml: pages[1].questions[0].type: there is no question type 'slider'"),
        (("equals: big", "equals: huge"), "tiny.yaml: pages[1].show_if[0]: 'huge' is not an answer to 'kind'"),
        (
            ("question: kind, equals", "question: size, equals"),
            "pages[1].show_if[0].question: 'size' is not a question on an earlier page",
        ),
        (("id: big\n", "id: kind\n"), "tiny.yaml: pages[1].id: another page already has the id 'kind'"),
        (
            ("title: {en: Big things, cy: Pethau mawr}", "title: {en: Which kind, cy: Pethau mawr}"),
            "pages[1].title.en: another page has the same title",
        ),
        (
            ("      - id: size", "      - id: kind"),
            "pages[1].questions[0].id: another question already has the id 'kind'",
        ),
        (
            ("          - {value: small, label: {en: Small, cy: Bach}}\n", ""),
            "pages[0].questions[0]: a radios question needs at least 2 options",
        ),
        (
            ("        error_name: {en: the size, cy: y maint}\n", ""),
            "pages[1].questions[0].error_name: this is missing",
        ),
        (("id: tiny", "id: other"), "tiny.yaml: id: the id 'other' must match the file name 'tiny'"),
        (("pages:", "pages: [\n"), "tiny.yaml: line"),
        (
            ("{question: kind, equals: big}", "{question: kind, includes_any: [big]}"),
            "pages[1].show_if[0].includes_any: includes_any is for questions with several answers: use one_of",
        ),
        (
            ("{question: kind, equals: big}", "{question: kind, equals: big, includes_any: [big]}"),
            "a condition needs exactly one of equals, one_of, includes or includes_any",
        ),
    ],
)
def test_mistakes_are_reported_with_file_place_and_reason(tmp_path, change, expected):
    old, new = change
    assert old in VALID
    problems = problems_for(tmp_path, VALID.replace(old, new, 1))
    assert any(expected in problem for problem in problems), problems


def test_a_page_no_answers_can_reach_is_reported(tmp_path):
    assert "      - {question: kind, equals: big}" in VALID
    text = VALID.replace(
        "      - {question: kind, equals: big}",
        "      - {question: kind, equals: big}\n      - {question: kind, equals: small}",
    )
    assert "tiny.yaml: pages[1].show_if: no set of answers can ever show this page" in problems_for(tmp_path, text)


def test_a_form_that_always_ends_at_an_exit_page_is_reported(tmp_path):
    exit_page = textwrap.indent(
        textwrap.dedent(
            """\
            - id: stop
              title: {en: You cannot use this, cy: Ni allwch ddefnyddio hwn}
              show_if:
                - {question: kind, one_of: [big, small]}
              exit: {en: Call us., cy: Ffoniwch ni.}
            """
        ),
        "  ",
    )
    text = VALID.replace("submit:", exit_page + "submit:")
    assert any("nobody can finish this form" in problem for problem in problems_for(tmp_path, text))


def test_the_yaml_question_mark_trap_gets_advice(tmp_path):
    text = VALID.replace("title: {en: Which kind, cy: Pa fath}", "title: {en: Which kind?, cy: Pa fath?}")
    assert any("must be in double quotes" in problem for problem in problems_for(tmp_path, text))


def test_a_broken_definition_stops_the_app_starting(tmp_path):
    (tmp_path / "tiny.yaml").write_text(VALID.replace("version: 1", "version: 0"))
    with pytest.raises(DefinitionError, match=r"tiny.yaml: version: Input should be greater than or equal to 1"):
        load_folder(tmp_path)


def test_flask_forms_check_and_new(app, tmp_path):
    runner = CliRunner()
    from app.cli import forms_cli

    (tmp_path / "tiny.yaml").write_text(VALID)
    with app.app_context():
        result = runner.invoke(forms_cli, ["check", str(tmp_path)])
        assert result.exit_code == 0, result.output
        assert "1 form definition is valid" in result.output

        (tmp_path / "broken.yaml").write_text(
            VALID.replace("id: tiny", "id: broken").replace("type: number", "type: slider")
        )
        result = runner.invoke(forms_cli, ["check", str(tmp_path)])
        assert result.exit_code == 1
        assert "broken.yaml: pages[1].questions[0].type" in result.output

        (tmp_path / "broken.yaml").unlink()
        result = runner.invoke(forms_cli, ["new", "report-a-pothole", "--folder", str(tmp_path)])
        assert result.exit_code == 0, result.output
        assert (tmp_path / "report-a-pothole.yaml").exists()
        result = runner.invoke(forms_cli, ["check", str(tmp_path)])
        # The scaffold is valid apart from its Welsh, which someone must write.
        assert result.exit_code == 1
        assert "report-a-pothole.yaml: title.cy: this needs a Welsh translation" in result.output
        text = (tmp_path / "report-a-pothole.yaml").read_text().replace("TRANSLATE: ", "")
        (tmp_path / "report-a-pothole.yaml").write_text(text)
        result = runner.invoke(forms_cli, ["check", str(tmp_path)])
        assert result.exit_code == 0, result.output
        assert "2 form definitions are valid" in result.output
        result = runner.invoke(forms_cli, ["new", "report-a-pothole", "--folder", str(tmp_path)])
        assert result.exit_code == 1 and "already exists" in result.output


def test_a_format_preference_must_point_at_real_questions_and_answers(tmp_path):
    saving = textwrap.indent(
        textwrap.dedent(
            """\
            save_format_preference:
              format_question: kind
              formats: {big: large_print, huge: braille}
              point_size_question: nowhere
            """
        ),
        "  ",
    )
    problems = problems_for(tmp_path, VALID + saving)
    assert "tiny.yaml: submit.save_format_preference.format_question: 'huge' is not an answer to 'kind'" in problems
    assert (
        "tiny.yaml: submit.save_format_preference.point_size_question: 'nowhere' is not a question in this form"
        in problems
    )


def test_includes_any_holds_when_any_of_its_boxes_was_ticked():
    condition = Condition(question="state", includes_any=["burnt_out", "leaking"])
    assert condition.holds(["damaged", "leaking"]) is True
    assert condition.holds(["burnt_out"]) is True
    assert condition.holds(["damaged"]) is False
    assert condition.holds([]) is False
    assert condition.holds("leaking") is False  # not a checkboxes answer
    assert condition.values == ["burnt_out", "leaking"]


def test_a_form_sharing_settings_needs_the_file_and_a_business_collection_needs_business_prices(tmp_path):
    """settings_from names another service's settings file, which must exist; a form asking for an
    organisation's premises to collect from is priced at the business rate, which the file must give."""
    import shutil

    from app.form_model.loader import load_services

    definitions, settings_folder = tmp_path / "definitions", tmp_path / "settings"
    definitions.mkdir()
    settings_folder.mkdir()
    shipped = DEFAULT_FOLDER.parent / "service_settings" / "bulky-waste.yaml"
    shutil.copy(DEFAULT_FOLDER / "bulky-waste-business.yaml", definitions / "bulky-waste-business.yaml")
    shutil.copy(DEFAULT_FOLDER / "bulky-waste.yaml", definitions / "bulky-waste.yaml")
    shutil.copy(shipped, settings_folder / "bulky-waste.yaml")
    found, _settings = load_services(definitions, settings_folder)
    assert found["bulky-waste-business"].settings_from == "bulky-waste"

    text = shipped.read_text()
    start = text.index("  business:")
    end = text.index("\n\n", start)
    (settings_folder / "bulky-waste.yaml").write_text(text[:start] + text[end:])
    with pytest.raises(DefinitionError) as without_business:
        load_services(definitions, settings_folder)
    assert "bulky-waste-business.yaml: payment: a form for business premises needs prices.business in" in str(
        without_business.value
    )

    (settings_folder / "bulky-waste.yaml").unlink()
    (definitions / "bulky-waste.yaml").unlink()
    with pytest.raises(DefinitionError) as missing:
        load_services(definitions, settings_folder)
    assert "bulky-waste-business.yaml: settings_from: there is no settings file bulky-waste.yaml" in str(missing.value)


VEHICLE_FORM = VALID.replace(
    """        type: radios
        label: {en: Which kind, cy: Pa fath}
        error_name: {en: which kind, cy: pa fath}
        options:
          - {value: big, label: {en: Big, cy: Mawr}}
          - {value: small, label: {en: Small, cy: Bach}}
""",
    """        type: vehicle
        label: {en: Which vehicle, cy: Pa gerbyd}
        error_name: {en: the vehicle, cy: y cerbyd}
""",
).replace("{question: kind, equals: big}", "{question: kind, equals: entered}")


def test_a_condition_can_ask_where_a_vehicles_details_came_from(tmp_path):
    """A form asks for proof only when the vehicle was typed in by hand: the vehicle type tells
    conditions its source (dvla, entered or unchecked), and the checker knows those values."""
    from app.form_model import journey

    assert "type: vehicle" in VEHICLE_FORM
    assert problems_for(tmp_path, VEHICLE_FORM) == []
    assert "tiny.yaml: pages[1].show_if[0]: 'typed' is not an answer to 'kind'" in problems_for(
        tmp_path, VEHICLE_FORM.replace("equals: entered", "equals: typed")
    )
    (tmp_path / "tiny.yaml").write_text(VEHICLE_FORM)
    definition, _problems = parse(tmp_path / "tiny.yaml")
    for answer, shown in (
        ({"vrm": "ER19NFD", "source": "entered", "entered": {}}, True),
        ({"vrm": "DM19LOW", "source": "dvla", "details": {}}, False),
        ({"vrm": "DM19LOW", "source": "unchecked", "problem": "unavailable"}, False),
        ("ER19NFD", False),  # never a bare string, but nothing breaks if it were
        (None, False),
    ):
        pages = [page.id for page in journey.shown_pages(definition, {"kind": answer})]
        assert pages == (["kind", "big"] if shown else ["kind"]), answer
