"""Every string a person reads must have a Welsh translation, and the catalogue must be current."""

from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
CATALOGUE = ROOT / "translations" / "cy" / "LC_MESSAGES" / "messages.po"
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "lazy_gettext": None, "_l": None}


def source_messages() -> set[str]:
    found = set()
    method_map = [
        ("app/**.py", "python"),
        ("app/**/templates/**.html", "jinja2"),
        ("app/templates/messages/**.txt", "jinja2"),
    ]
    options = {"**.html": {"trim_blocks": "True"}, "**.txt": {"trim_blocks": "True"}}
    keywords = {"_": None, "gettext": None, "ngettext": (1, 2), "lazy_gettext": None, "_l": None}
    for _filename, _lineno, message, _comments, _context in extract_from_dir(
        str(ROOT), method_map, options_map=options, keywords=keywords
    ):
        found.add(message[0] if isinstance(message, tuple) else message)
    return found


def catalogue():
    with CATALOGUE.open("rb") as handle:
        return read_po(handle, locale="cy")


def test_every_message_in_the_code_is_in_the_welsh_catalogue():
    known = {message.id[0] if isinstance(message.id, tuple) else message.id for message in catalogue() if message.id}
    missing = sorted(source_messages() - known)
    assert not missing, f"run `make translations` and translate: {missing[:10]}"


def test_every_welsh_message_is_translated_and_not_fuzzy():
    problems = []
    for message in catalogue():
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if message.fuzzy or not all(strings):
            problems.append(message.id)
    assert not problems, f"untranslated or fuzzy Welsh messages: {problems[:10]}"


def test_placeholders_survive_translation():
    import re

    for message in catalogue():
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        expected = set(re.findall(r"%\((\w+)\)s", ids[0]))
        for string in strings:
            assert set(re.findall(r"%\((\w+)\)s", string)) <= expected | {"num"}, message.id
            if len(ids) == 1:
                assert set(re.findall(r"%\((\w+)\)s", string)) == expected, message.id
