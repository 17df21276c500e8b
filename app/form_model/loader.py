"""Loads every form definition in a folder, checks it, and says exactly what is wrong where."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from pathlib import Path

import yaml
from pydantic import ValidationError

from app.form_model import question_types
from app.form_model.schema import Condition, Definition

RESERVED_PAGE_IDS = {"check-answers", "declaration", "confirmation", "feedback", "save", "start"}


@dataclass(frozen=True)
class Problem:
    file: str
    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}: {self.path or '(whole file)'}: {self.message}"


class DefinitionError(Exception):
    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(problem) for problem in problems))


def _location(parts) -> str:
    path = ""
    for part in parts:
        path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else str(part))
    return path


def parse(file: Path) -> tuple[Definition | None, list[Problem]]:
    name = file.name
    try:
        data = yaml.safe_load(file.read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        message = f"this is not valid YAML ({getattr(error, 'problem', error)})"
        if "expected ',' or '}'" in message:
            message += '. Text inside { } that has a ?, : or , must be in double quotes, like {en: "Why?", cy: "Pam?"}'
        return None, [Problem(name, where, message)]
    except UnicodeDecodeError:
        return None, [Problem(name, "", "save the file as UTF-8")]
    if not isinstance(data, dict):
        return None, [Problem(name, "", "the file must be a set of settings starting with id:, version: and title:")]
    try:
        definition = Definition.model_validate(data)
    except ValidationError as error:
        return None, [Problem(name, _location(item["loc"]), _plain(item)) for item in error.errors()]
    problems = [Problem(name, path, message) for path, message in lint(definition)]
    if definition.id != file.stem:
        problems.append(Problem(name, "id", f"the id {definition.id!r} must match the file name {file.stem!r}"))
    return definition, problems


def _plain(item: dict) -> str:
    kind = item["type"]
    if kind == "missing":
        return "this is missing"
    if kind == "extra_forbidden":
        return "this setting is not known: check the spelling"
    if kind == "string_pattern_mismatch":
        return "use only lower-case letters, numbers, - and _, starting with a letter"
    if kind == "enum" or kind == "literal_error":
        return item["msg"].replace("Input should be", "must be")
    return item["msg"].removeprefix("Value error, ")


UNTRANSLATED = "TRANSLATE:"


def _untranslated(value, path: str):
    """Welsh texts still carrying the scaffold's marker."""
    if isinstance(value, dict):
        if set(value) == {"en", "cy"} and str(value["cy"]).startswith(UNTRANSLATED):
            yield f"{path}.cy" if path else "cy"
        for key, item in value.items():
            yield from _untranslated(item, f"{path}.{key}" if path else key)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _untranslated(item, f"{path}[{index}]")


def lint(definition: Definition) -> list[tuple[str, str]]:
    """Content and accessibility rules that the schema alone cannot express."""
    problems: list[tuple[str, str]] = [
        (path, "this needs a Welsh translation") for path in _untranslated(definition.model_dump(mode="json"), "")
    ]
    page_ids = [page.id for page in definition.pages]
    for index, page_id in enumerate(page_ids):
        if page_id in RESERVED_PAGE_IDS:
            problems.append((f"pages[{index}].id", f"{page_id!r} is used by the journey itself: choose another"))
        if page_ids.count(page_id) > 1 and page_ids.index(page_id) != index:
            problems.append((f"pages[{index}].id", f"another page already has the id {page_id!r}"))

    for language in ("en", "cy"):
        titles = [page.title.get(language).casefold() for page in definition.pages]
        for index, title in enumerate(titles):
            if titles.index(title) != index:
                problems.append((f"pages[{index}].title.{language}", "another page has the same title"))

    seen_questions: dict[str, int] = {}
    for page_index, page in enumerate(definition.pages):
        for condition_index, condition in enumerate(page.show_if):
            problems += _check_condition(
                definition, condition, seen_questions, f"pages[{page_index}].show_if[{condition_index}]"
            )
        for question_index, question in enumerate(page.questions):
            where = f"pages[{page_index}].questions[{question_index}]"
            if question.id in seen_questions or any(q.id == question.id for q in page.questions[:question_index]):
                problems.append((f"{where}.id", f"another question already has the id {question.id!r}"))
            if not question.kind.can_be_heading and len(page.questions) > 1:
                problems.append((where, f"put a {question.type} question on a page of its own"))
        if len(page.questions) > 1 and any(q.kind.own_page for q in page.questions):
            own = sorted({q.type for q in page.questions if q.kind.own_page})
            problems.append((f"pages[{page_index}]", f"{' and '.join(own)} questions need a page of their own"))
        for question in page.questions:
            seen_questions.setdefault(question.id, page_index)
        if not _can_be_shown(definition, page):
            problems.append((f"pages[{page_index}].show_if", "no set of answers can ever show this page"))

    for index, condition in enumerate(definition.submit.urgent_if):
        problems += _check_condition(definition, condition, seen_questions, f"submit.urgent_if[{index}]")

    problems += _check_format_preference(definition, seen_questions)
    if not _some_journey_reaches_the_end(definition):
        problems.append(("pages", "every set of answers leads to an exit page, so nobody can finish this form"))
    return problems


def _check_format_preference(definition: Definition, known: dict[str, int]) -> list[tuple[str, str]]:
    saving = definition.submit.save_format_preference
    if saving is None:
        return []
    where = "submit.save_format_preference"
    problems = []
    for index, condition in enumerate(saving.when):
        problems += _check_condition(definition, condition, known, f"{where}.when[{index}]")
    for setting, question_id, mapping in (
        ("format_question", saving.format_question, saving.formats),
        ("point_size_question", saving.point_size_question, saving.point_sizes),
        ("language_question", saving.language_question, None),
    ):
        if question_id is None:
            continue
        if question_id not in known:
            problems.append((f"{where}.{setting}", f"{question_id!r} is not a question in this form"))
            continue
        options = definition.question(question_id).option_values
        for value in mapping or {}:
            if value not in options:
                problems.append((f"{where}.{setting}", f"{value!r} is not an answer to {question_id!r}"))
    return problems


def _check_condition(definition, condition: Condition, earlier: dict[str, int], where: str):
    if condition.question not in earlier:
        return [(f"{where}.question", f"{condition.question!r} is not a question on an earlier page")]
    question = definition.question(condition.question)
    if not question.kind.usable_in_conditions:
        usable = [name for name in question_types.names() if question_types.kind(name).usable_in_conditions]
        return [(f"{where}.question", f"conditions can only use {', '.join(usable)} questions")]
    if condition.includes is not None and not question.kind.many_values:
        return [(f"{where}.includes", "includes is for questions with several answers: use equals or one_of")]
    if condition.includes_any is not None and not question.kind.many_values:
        return [(f"{where}.includes_any", "includes_any is for questions with several answers: use one_of")]
    unknown = [value for value in condition.values if value not in question.option_values]
    if unknown:
        return [(where, f"{', '.join(map(repr, unknown))} is not an answer to {condition.question!r}")]
    return []


def _answer_sets(definition: Definition):
    """Every combination of the answers that conditions look at (few questions, few options each)."""
    asked = sorted({c.question for page in definition.pages for c in page.show_if if _is_known(definition, c)})
    choices = []
    for question_id in asked:
        question = definition.question(question_id)
        if question.kind.many_values:
            values = question.option_values
            choices.append([[v for v, on in zip(values, mask, strict=True) if on] for mask in _masks(len(values))])
        else:
            choices.append(question.option_values + ([None] if question.optional else []))
    for combination in itertools.islice(itertools.product(*choices), 20000):
        yield dict(zip(asked, combination, strict=True))


def _masks(size: int):
    return itertools.islice(itertools.product([False, True], repeat=size), 256)


def _is_known(definition, condition) -> bool:
    return any(question.id == condition.question for question in definition.questions())


def _can_be_shown(definition: Definition, page) -> bool:
    if not page.show_if:
        return True
    return any(all(c.holds(answers.get(c.question)) for c in page.show_if) for answers in _answer_sets(definition))


def _some_journey_reaches_the_end(definition: Definition) -> bool:
    exits = [page for page in definition.pages if page.exit is not None]
    if not exits:
        return True
    return any(
        not any(all(c.holds(answers.get(c.question)) for c in page.show_if) for page in exits)
        for answers in _answer_sets(definition)
    )


DEFAULT_SETTINGS_FOLDER = Path(__file__).resolve().parents[1] / "service_settings"


def load_folder(folder: Path, settings_folder: Path | None = None) -> dict[str, Definition]:
    """Every *.yaml file in the folder, or a DefinitionError listing every problem in every file."""
    return load_services(folder, settings_folder)[0]


def load_services(folder: Path, settings_folder: Path | None = None, actions: set[str] | None = None):
    """The definitions and the services' settings files, checked together. `actions` are the submit
    actions the services registered; when given, a definition naming another is a mistake."""
    from app.form_model import service_settings

    settings, settings_problems = service_settings.load_folder(settings_folder or DEFAULT_SETTINGS_FOLDER)
    problems: list[Problem] = [Problem(*problem) for problem in settings_problems]
    definitions: dict[str, Definition] = {}
    for file in sorted(folder.glob("*.yaml")):
        definition, found = parse(file)
        problems += found
        if definition is not None and definition.id in definitions:
            problems.append(Problem(file.name, "id", f"another file already uses the id {definition.id!r}"))
        elif definition is not None:
            definitions[definition.id] = definition
            action = definition.submit.action
            if actions is not None and action is not None and action not in actions:
                known = ", ".join(sorted(actions)) or "none yet"
                problems.append(Problem(file.name, "submit.action", f"there is no submit action {action!r} ({known})"))
            shared = definition.settings_from
            if shared is not None and shared not in settings:
                problems.append(Problem(file.name, "settings_from", f"there is no settings file {shared}.yaml"))
            problems += [
                Problem(file.name, path, message)
                for path, message in service_settings.check_against(definition, settings.get(shared or definition.id))
            ]
    if problems:
        raise DefinitionError(problems)
    return definitions, settings
