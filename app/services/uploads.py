"""Files people send with a form.

A file is judged by what it contains, never by its name. Photos are decoded and saved again from their
pixels alone, so location, camera and other metadata never reach the council; the way up the photo
was taken is applied first so it still looks right. Files are kept outside the web root under random
names and are only ever served to staff, as downloads.
"""

from __future__ import annotations

import re
import secrets
import warnings
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path, PurePath

from flask import current_app
from PIL import Image, ImageOps, UnidentifiedImageError

CONTENT_TYPES = {"jpg": "image/jpeg", "png": "image/png", "pdf": "application/pdf"}
MAX_PIXELS = 40_000_000  # a 40 megapixel photo; anything bigger is refused, not decoded
KEY = re.compile(r"^[0-9a-f]{32}$")
SAFE_NAME = re.compile(r"[^A-Za-z0-9 ._()-]+")


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


def _folder() -> Path:
    return Path(current_app.config["UPLOAD_FOLDER"])


def path_for(answer: dict) -> Path | None:
    key = answer.get("file") if isinstance(answer, dict) else None
    if not isinstance(key, str) or not KEY.match(key):
        return None
    return _folder() / key[:2] / key


def store(checked: CheckedFile) -> dict:
    """Save the file; the answer stored with the form names it and describes it."""
    key = secrets.token_hex(16)
    path = _folder() / key[:2] / key
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(checked.content)
    path.chmod(0o600)
    return {"file": key, "name": checked.name, "type": checked.kind, "size": len(checked.content)}


def is_file_answer(value) -> bool:
    return isinstance(value, dict) and "file" in value


def delete(answer: dict) -> None:
    path = path_for(answer)
    if path is not None:
        path.unlink(missing_ok=True)


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
