"""The file upload question. A file already given is kept when the person comes back to the page and
sends it without choosing a new one, so the back button and change links never lose it."""

from __future__ import annotations

from io import BytesIO
from typing import ClassVar

from flask_babel import gettext as _
from werkzeug.datastructures import FileStorage
from wtforms import Field
from wtforms.utils import unset_value
from wtforms.validators import StopValidation

from app.form_model.question_types import FieldContext, QuestionKind, register
from app.form_model.schema import Question
from app.forms_common import sentence
from app.forms_engine.question_types.base import label_and_hint, names_for
from app.services import uploads

TYPE_NAMES = {"jpg": "JPG", "png": "PNG", "pdf": "PDF"}


def describe_types(kinds: list[str]) -> str:
    names = [TYPE_NAMES[kind] for kind in kinds]
    if len(names) == 1:
        return names[0]
    return _("%(first)s or %(last)s", first=", ".join(names[:-1]), last=names[-1])


class UploadField(Field):
    def __init__(self, label=None, validators=None, *, names, kinds: list[str], max_megabytes: int, **kwargs):
        super().__init__(label, validators, **kwargs)
        self.names = names
        self.kinds = kinds
        self.max_megabytes = max_megabytes
        self.checked = None

    def process(self, formdata, data=unset_value, extra_filters=None):
        self.process_errors = []
        self.stored = data if uploads.is_file_answer(data) else None
        self.data = self.stored
        self.upload = None
        if formdata is not None:
            chosen = [value for value in formdata.getlist(self.name) if isinstance(value, FileStorage)]
            self.upload = next((value for value in chosen if value.filename), None)

    def pre_validate(self, form):
        if self.upload is None:
            if self.stored is None and not self.names.optional:
                raise StopValidation(_("Select %(name)s", name=self.names.lower))
            return
        try:
            self.checked = uploads.check(
                self.upload.stream, self.upload.filename, self.kinds, self.max_megabytes * 1024 * 1024
            )
        except uploads.UploadProblem as problem:
            raise StopValidation(self._message(problem.code)) from problem

    def _message(self, code: str) -> str:
        name = self.names.lower
        if code == "empty":
            return sentence(_("%(name)s is empty", name=name))
        if code == "too-big":
            return sentence(_("%(name)s must be smaller than %(size)sMB", name=name, size=self.max_megabytes))
        if code == "wrong-type":
            return sentence(_("%(name)s must be a %(types)s", name=name, types=describe_types(self.kinds)))
        return sentence(_("%(name)s could not be opened. Try saving it again or choose another file", name=name))

    def answer(self):
        """Saves a newly chosen file; otherwise the file given before, if any."""
        if self.checked is not None:
            return uploads.store(self.checked)
        return self.stored


@register
class FileKind(QuestionKind):
    """A photo or document, checked and stored outside the web root; the answer is what
    uploads.store() gives back (name, size, where it is kept)."""

    name = "file"
    settings: ClassVar[frozenset[str]] = frozenset({"file_types", "max_megabytes"})
    own_page = True
    uploads_files = True
    template = "question_types/file.html"

    def check(self, question: Question) -> list[str]:
        return [] if question.file_types else ["a file question needs file_types, for example [jpg, png, pdf]"]

    def field(self, question: Question, context: FieldContext):
        label, hint = label_and_hint(question, context.language)
        return UploadField(
            label,
            description=hint,
            names=names_for(question, context.language),
            kinds=question.file_types,
            max_megabytes=question.max_megabytes,
        )

    def from_form(self, question: Question, field):
        return field.answer()

    def example(self, question: Question) -> dict[str, list]:
        return {question.id: [example_file(question.file_types[0])]}

    def display(self, question: Question, value, language: str) -> str:
        if uploads.is_file_answer(value):
            return f"{value['name']} ({uploads.describe_size(value['size'])})"
        return str(value)


def example_file(kind: str):
    """A small real file of the kind, as the test client sends an upload: (stream, file name)."""
    from PIL import Image

    if kind == "pdf":
        content = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
    else:
        output = BytesIO()
        Image.new("RGB", (40, 30), (200, 120, 40)).save(output, "JPEG" if kind == "jpg" else "PNG")
        content = output.getvalue()
    return (BytesIO(content), f"example.{kind}")
