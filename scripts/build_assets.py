"""Build the front end into app/static: compile Sass, bundle JavaScript, fingerprint and compress.

Fingerprinted names (app.<hash>.css) let browsers cache files for a year; the .gz and .br copies
are served by WhiteNoise to browsers that accept them.
"""

import gzip
import hashlib
import json
import shutil
import subprocess
import sys
from pathlib import Path

import brotli

ROOT = Path(__file__).resolve().parents[1]
SOURCE = ROOT / "app" / "assets"
STATIC = ROOT / "app" / "static"
BIN = ROOT / "node_modules" / ".bin"


def run(*command: str) -> None:
    subprocess.run(command, check=True, cwd=ROOT)


def fingerprint(path: Path) -> str:
    digest = hashlib.sha256(path.read_bytes()).hexdigest()[:12]
    return f"{path.stem}.{digest}{path.suffix}"


def main() -> int:
    build = ROOT / "build" / "assets"
    shutil.rmtree(build, ignore_errors=True)
    build.mkdir(parents=True)
    run(
        str(BIN / "sass"),
        "--load-path=node_modules",
        "--style=compressed",
        "--no-source-map",
        "--quiet-deps",
        str(SOURCE / "app.scss"),
        str(build / "app.css"),
    )
    # app.js on every page; map.js and map.css (Leaflet) only on pages with a location question's map.
    run(
        str(BIN / "esbuild"),
        str(SOURCE / "app.mjs"),
        str(SOURCE / "map.mjs"),
        "--bundle",
        "--minify",
        "--format=esm",
        "--loader:.png=empty",
        "--log-level=warning",
        f"--outdir={build}",
    )

    shutil.rmtree(STATIC, ignore_errors=True)
    STATIC.mkdir(parents=True)
    manifest = {}
    for built in sorted(build.iterdir()):
        name = fingerprint(built)
        target = STATIC / name
        shutil.copyfile(built, target)
        data = target.read_bytes()
        (STATIC / f"{name}.gz").write_bytes(gzip.compress(data, compresslevel=9, mtime=0))
        (STATIC / f"{name}.br").write_bytes(brotli.compress(data, quality=11))
        manifest[built.name] = name
    (STATIC / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n")
    shutil.rmtree(ROOT / "build", ignore_errors=True)
    print("built " + ", ".join(f"{source} -> {name}" for source, name in manifest.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
