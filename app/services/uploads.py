"""Files people send with a form.

A file is judged by what it contains, never by its name. Photos are decoded and saved again from their
pixels alone, so location, camera and other metadata never reach the council; the way up the photo
was taken is applied first so it still looks right. Files are kept outside the web root under random
names (app/services/file_storage.py: a folder, or an object store shared by every machine) and are only
ever served to staff, as downloads.

Saving and deleting follow the database transaction that records the answer: a file saved in a change
that is rolled back is deleted again, and a file is only deleted once the change that stops needing it
is committed. A machine that stops between the two can leave a file no answer names; never the
other way round.
"""

from __future__ import annotations

import logging
import re
import secrets
import warnings
from dataclasses import dataclass
from io import BytesIO
from pathlib import PurePath
from typing import BinaryIO

import sqlalchemy as sa
from flask import current_app
from PIL import Image, ImageOps, UnidentifiedImageError

from app.extensions import db
from app.services import file_storage

CONTENT_TYPES = {"jpg": "image/jpeg", "png": "image/png", "pdf": "application/pdf"}
MAX_PIXELS = 40_000_000  # a 40 megapixel photo; anything bigger is refused, not decoded
KEY = re.compile(r"^[0-9a-f]{32}$")
SAFE_NAME = re.compile(r"[^A-Za-z0-9 ._()-]+")
log = logging.getLogger("doorstep.files")


class UploadProblem(Exception):
    """Why a file was refused: empty, too-big, wrong-type or unreadable."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


@dataclass(frozen=True)
class CheckedFile:
    kind: str
    content: bytes
    name: str


def sniff(content: bytes) -> str | None:
    if content.startswith(b"\xff\xd8\xff"):
        return "jpg"
    if content.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if content.startswith(b"%PDF-"):
        return "pdf"
    return None


def check(stream, filename: str, allowed: list[str], max_bytes: int) -> CheckedFile:
    content = stream.read(max_bytes + 1)
    if not content:
        raise UploadProblem("empty")
    if len(content) > max_bytes:
        raise UploadProblem("too-big")
    kind = sniff(content)
    if kind is None or kind not in allowed:
        raise UploadProblem("wrong-type")
    if kind in ("jpg", "png"):
        content = reencode_image(content, kind)
    return CheckedFile(kind=kind, content=content, name=safe_name(filename, kind))


def reencode_image(content: bytes, kind: str) -> bytes:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(BytesIO(content)) as image:
                if image.width * image.height > MAX_PIXELS:
                    raise UploadProblem("unreadable")
                upright = ImageOps.exif_transpose(image)
                mode = "RGB" if kind == "jpg" else ("RGBA" if _has_transparency(upright) else "RGB")
                pixels = upright.convert(mode)
                # A new image from the pixels alone carries no EXIF, XMP, ICC or text chunks.
                clean = Image.frombytes(mode, pixels.size, pixels.tobytes())
    except (
        UnidentifiedImageError,
        OSError,
        ValueError,
        SyntaxError,
        Image.DecompressionBombError,
        Image.DecompressionBombWarning,
    ) as error:
        raise UploadProblem("unreadable") from error
    output = BytesIO()
    if kind == "jpg":
        clean.save(output, "JPEG", quality=90)
    else:
        clean.save(output, "PNG", optimize=True)
    return output.getvalue()


def _has_transparency(image: Image.Image) -> bool:
    return image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info


def safe_name(filename: str, kind: str) -> str:
    """The name shown to staff: the person's own name for the file, without paths or odd characters."""
    stem = PurePath((filename or "").replace("\\", "/")).stem
    stem = SAFE_NAME.sub("", stem).strip(" .")[:80] or "file"
    return f"{stem}.{kind}"


def _files() -> file_storage.FileStore:
    extensions = current_app.extensions
    if "doorstep_file_store" not in extensions:
        extensions["doorstep_file_store"] = file_storage.from_config(current_app.config)
    return extensions["doorstep_file_store"]


def _key_of(answer) -> str | None:
    key = answer.get("file") if isinstance(answer, dict) else None
    return key if isinstance(key, str) and KEY.match(key) else None


def store(checked: CheckedFile) -> dict:
    """Save the file; the answer stored with the form names it and describes it. If the change that
    records the answer is rolled back, the file is deleted again."""
    key = secrets.token_hex(16)
    files = _files()
    files.put(key, checked.content, CONTENT_TYPES[checked.kind])
    _pending(db.session())["stored"].append((files, key))
    return {"file": key, "name": checked.name, "type": checked.kind, "size": len(checked.content)}


def open_file(answer: dict) -> BinaryIO | None:
    """The file an answer names, to read once and close; None if it names none or it is gone."""
    key = _key_of(answer)
    return _files().open(key) if key else None


def exists(answer: dict) -> bool:
    key = _key_of(answer)
    return bool(key) and _files().exists(key)


def is_file_answer(value) -> bool:
    return isinstance(value, dict) and "file" in value


def delete(answer: dict) -> None:
    """Delete the file once the change that stops needing it is committed (never if it is rolled back)."""
    key = _key_of(answer)
    if key is not None:
        _pending(db.session())["deleted"].append((_files(), key))


def delete_replaced(old_answers: dict, new_answers: dict) -> None:
    """A person chose a different file: the one they replaced is deleted straight away."""
    for question_id, new in new_answers.items():
        old = old_answers.get(question_id)
        if is_file_answer(old) and (not is_file_answer(new) or new["file"] != old["file"]):
            delete(old)


def delete_all_in(answers: dict) -> None:
    for value in answers.values():
        if is_file_answer(value):
            delete(value)


def describe_size(size: int) -> str:
    if size < 1024 * 1024:
        return f"{max(1, round(size / 1024))}KB"
    return f"{size / (1024 * 1024):.1f}MB"


PENDING = "doorstep_uploads"  # in Session.info: files saved and files to delete in this transaction


def _pending(session) -> dict:
    if not session.in_transaction():
        session.begin()
    return session.info.setdefault(PENDING, {"stored": [], "deleted": []})


def _remove_quietly(files, key: str) -> None:
    try:
        files.delete(key)
    except Exception:  # noqa: BLE001  (the change is already committed; an unreachable store must not undo it)
        log.exception("could not delete uploaded file %s; it is left in the store", key)


@sa.event.listens_for(sa.orm.Session, "after_commit")
def _delete_files_no_longer_needed(session) -> None:
    pending = session.info.pop(PENDING, None)
    for files, key in pending["deleted"] if pending else ():
        _remove_quietly(files, key)


@sa.event.listens_for(sa.orm.Session, "after_transaction_end")
def _delete_files_of_a_rolled_back_change(session, transaction) -> None:
    if transaction.parent is not None:
        return  # a savepoint: the outer transaction decides
    # After a commit the list is gone already; anything left belongs to a change that was rolled back.
    pending = session.info.pop(PENDING, None)
    for files, key in pending["stored"] if pending else ():
        _remove_quietly(files, key)
