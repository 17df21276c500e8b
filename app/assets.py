"""Fingerprinted static files: the build writes static/manifest.json mapping names to hashed names."""

import json
import re
from pathlib import Path

from flask import current_app

STATIC_DIR = Path(__file__).resolve().parent / "static"
FINGERPRINT = re.compile(r"\.[0-9a-f]{12}\.")


class AssetsNotBuilt(RuntimeError):
    pass


def is_fingerprinted(path: str, url: str) -> bool:
    return bool(FINGERPRINT.search(url))


def load_manifest() -> dict[str, str]:
    manifest = STATIC_DIR / "manifest.json"
    if not manifest.exists():
        raise AssetsNotBuilt("Static files are not built: run `make assets`")
    return json.loads(manifest.read_text())


def init_app(app):
    app.extensions["asset_manifest"] = load_manifest()

    @app.template_global()
    def asset_url(name: str) -> str:
        return "/static/" + current_app.extensions["asset_manifest"][name]
