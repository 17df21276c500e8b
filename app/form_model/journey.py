"""Which page comes next, from the definition and the answers so far. No database, no request."""

from __future__ import annotations

from dataclasses import dataclass

from app.form_model.schema import Condition, Definition, Page

CHECK_ANSWERS = "check-answers"


def condition_holds(definition: Definition, condition: Condition, answers: dict) -> bool:
    kind = definition.question(condition.question).kind
    return condition.holds(kind.condition_value(answers.get(condition.question)))


def all_hold(definition: Definition, conditions: list[Condition], answers: dict) -> bool:
    return all(condition_holds(definition, condition, answers) for condition in conditions)


def is_shown(definition: Definition, page: Page, answers: dict) -> bool:
    return all_hold(definition, page.show_if, answers)


def shown_pages(definition: Definition, answers: dict) -> list[Page]:
    """The pages this person sees, in order, up to and including an exit page if they reach one."""
    pages = []
    for page in definition.pages:
        if not is_shown(definition, page, answers):
            continue
        pages.append(page)
        if page.exit is not None:
            break
    return pages


def next_step(definition: Definition, answers: dict, answered: list[str]) -> str:
    """The first page still to answer (or the exit page reached), else check your answers."""
    for page in shown_pages(definition, answers):
        if page.exit is not None or page.id not in answered:
            return page.id
    return CHECK_ANSWERS


def may_visit(definition: Definition, page_id: str, answers: dict, answered: list[str]) -> bool:
    """A page can be seen once every page before it on this person's route has been answered, so nobody
    skips a question (or an exit page) by typing an address."""
    for page in shown_pages(definition, answers):
        if page.id == page_id:
            return True
        if page.exit is not None or page.id not in answered:
            return False
    return False


def ready_to_submit(definition: Definition, answers: dict, answered: list[str]) -> bool:
    return next_step(definition, answers, answered) == CHECK_ANSWERS


def submitted_answers(definition: Definition, answers: dict) -> dict:
    """Only the answers to pages on the route taken: an answer left behind by a changed route is dropped."""
    kept = {}
    for page in shown_pages(definition, answers):
        for question in page.questions:
            if question.id in answers:
                kept[question.id] = answers[question.id]
    return kept


@dataclass(frozen=True)
class SummaryRow:
    page_id: str
    question_id: str
    label: str
    value: object


def summary(definition: Definition, answers: dict, language: str) -> list[SummaryRow]:
    rows = []
    for page in shown_pages(definition, answers):
        for question in page.questions:
            rows.append(SummaryRow(page.id, question.id, question.label.get(language), answers.get(question.id)))
    return rows


def is_urgent(definition: Definition, answers: dict) -> bool:
    conditions = definition.submit.urgent_if
    return bool(conditions) and all_hold(definition, conditions, answers)
