"""The council tax application forms: each asks for a linked account, its estimate rules name a
date question and answers the form can give, and a rule without a day is refused by the checker."""

import textwrap

import pytest

from app.form_model.loader import load_folder, parse
from app.forms_engine import DEFAULT_FOLDER
from app.services.council_tax import discounts

FORMS = sorted(path.stem for path in DEFAULT_FOLDER.glob("council-tax-*.yaml"))


def test_there_is_a_form_for_each_discount_exemption_and_reduction():
    assert FORMS == [
        "council-tax-carer",
        "council-tax-empty-property",
        "council-tax-reduction",
        "council-tax-severe-mental-impairment",
        "council-tax-single-person-discount",
        "council-tax-someone-moved-in",
        "council-tax-student",
    ]


@pytest.mark.parametrize("form_id", FORMS)
def test_each_form_asks_for_an_account_and_its_estimates_use_real_questions(form_id):
    definition = load_folder(DEFAULT_FOLDER)[form_id]
    assert definition.submit.action == discounts.ACTION and definition.submit.team == "revenues"
    question = discounts.account_question(definition)
    assert question is not None and definition.pages[0].questions == [question]  # asked first
    rules = question.typed_settings()
    if rules.from_question is not None:
        assert definition.question(rules.from_question).type == "date"
    for rule in rules.estimates:
        for condition in rule.when:
            assert set(condition.values) <= set(definition.question(condition.question).option_values)


def test_council_tax_reduction_has_no_estimate_and_the_single_person_discount_has_one():
    definitions = load_folder(DEFAULT_FOLDER)
    reduction = discounts.account_question(definitions["council-tax-reduction"]).typed_settings()
    single = discounts.account_question(definitions["council-tax-single-person-discount"]).typed_settings()
    assert reduction.estimates == []
    assert [rule.change for rule in single.estimates] == ["single_person"]


def test_an_estimate_without_the_day_it_starts_is_refused(tmp_path):
    text = (DEFAULT_FOLDER / "council-tax-single-person-discount.yaml").read_text()
    broken = text.replace("          from_question: discount_from\n", "")
    file = tmp_path / "council-tax-single-person-discount.yaml"
    file.write_text(textwrap.dedent(broken))
    _definition, problems = parse(file)
    assert any("estimates need from_question" in str(problem) for problem in problems)
