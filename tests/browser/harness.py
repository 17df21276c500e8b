"""Real Chromium (Debian's), axe-core 4 from npm, and a live server for the browser tests."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import threading
from dataclasses import dataclass, field
from pathlib import Path

from axe_selenium_python import Axe
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from werkzeug.serving import make_server

ROOT = Path(__file__).resolve().parents[2]
AXE_SCRIPT = ROOT / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
AXE_OPTIONS = json.dumps({"runOnly": {"type": "tag", "values": AXE_TAGS}, "resultTypes": ["violations"]})
CHROME_FLAGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-extensions",
    "--lang=en-GB",
]
WIDTHS = {"mobile": (320, 640), "desktop": (1280, 800)}


class LiveServer:
    def __init__(self, app):
        self.server = make_server("127.0.0.1", 0, app, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


def find_browser() -> tuple[str, str]:
    chromium = shutil.which("chromium")
    driver = shutil.which("chromedriver")
    if not chromium or not driver:
        raise RuntimeError(
            "Chromium and ChromeDriver are needed: run `make browser-deps` (apt-get install chromium chromium-driver)"
        )
    return chromium, driver


def start_chrome(width_name: str, *, javascript: bool = True) -> webdriver.Chrome:
    chromium, driver_path = find_browser()
    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for flag in CHROME_FLAGS:
        options.add_argument(flag)
    width, height = WIDTHS[width_name]
    if width_name == "mobile":
        options.add_experimental_option(
            "mobileEmulation", {"deviceMetrics": {"width": width, "height": height, "pixelRatio": 2.0}}
        )
    else:
        options.add_argument(f"--window-size={width},{height}")
    if not javascript:
        options.add_experimental_option("prefs", {"profile.managed_default_content_settings.javascript": 2})
    driver = webdriver.Chrome(service=Service(driver_path), options=options)
    driver.set_page_load_timeout(30)
    return driver


def _digest(html: str) -> str:
    return hashlib.sha256(html.encode()).hexdigest()


def page_parts(html: str) -> tuple[str, str]:
    """Fingerprints of the page's main content and of everything around it (header, navigation,
    footer), ignoring values that change on every load: CSRF tokens, nonces, and the address to go
    back to (`next=`) that the language link and the sign-in form carry: the sign-in page reached from
    each of a hundred pages is one page to check, not a hundred."""
    html = re.sub(r'(<input[^>]*name="csrf_token"[^>]*>)', "<csrf>", html)
    html = re.sub(r'nonce="[^"]*"', "", html)
    html = re.sub(r'([?&](?:amp;)?next=)[^"&]*', r"\1", html)
    match = re.search(r"<main\b.*</main>", html, flags=re.S)
    main = match.group(0) if match else ""
    chrome = html.replace(main, "<main/>") if main else html
    return _digest(main), _digest(chrome)


@dataclass
class AxeRecorder:
    """Runs axe once per distinct page state and width, and keeps every result for the report.

    With the tests spread over processes (pytest -n), `shared_dir` is one folder for all of them: a
    part checked by one process is not checked again by another. A violation fails the test that
    first found it, whichever process ran it."""

    checked: dict[tuple[str, str, str], dict] = field(default_factory=dict)
    visits: list[dict] = field(default_factory=list)
    parts_seen: set[tuple[str, str, str]] = field(default_factory=set)
    shared_dir: Path | None = None

    def _seen(self, part: tuple[str, str, str]) -> bool:
        if part in self.parts_seen:
            return True
        return self.shared_dir is not None and (self.shared_dir / "-".join(part)).exists()

    def _mark_seen(self, part: tuple[str, str, str]) -> None:
        self.parts_seen.add(part)
        if self.shared_dir is not None:
            (self.shared_dir / "-".join(part)).touch()

    def check(self, driver, *, width: str, label: str) -> list[dict]:
        """Run axe unless this page's main content and the page around it (header, navigation,
        footer) have both already been checked at this width; violations fail wherever first found."""
        main, chrome = page_parts(driver.page_source)
        key = (width, main, chrome)
        parts = [(width, "main", main), (width, "chrome", chrome)]
        if not all(self._seen(part) for part in parts):
            for part in parts:
                self._mark_seen(part)
            axe = Axe(driver, script_url=str(AXE_SCRIPT))
            axe.inject()
            results = axe.run(options=AXE_OPTIONS)
            self.checked[key] = {
                "violations": [
                    {
                        "id": v["id"],
                        "impact": v["impact"],
                        "help": v["help"],
                        "nodes": [node["target"] for node in v["nodes"]][:5],
                    }
                    for v in results["violations"]
                ],
                "first_seen": label,
            }
        ran = key in self.checked and self.checked[key]["first_seen"] == label
        self.visits.append({"page": label, "width": width, "url": driver.current_url, "axe_run": ran})
        return self.checked[key]["violations"] if ran else []

    def last_was_new(self) -> bool:
        return bool(self.visits) and self.visits[-1]["axe_run"]

    def write_report(self, directory: Path, part: str = "") -> None:
        directory.mkdir(parents=True, exist_ok=True)
        suffix = f"-{part}" if part else ""
        failing = {f"{k[0]} {v['first_seen']}": v["violations"] for k, v in self.checked.items() if v["violations"]}
        (directory / f"axe-report{suffix}.json").write_text(
            json.dumps(
                {
                    "tags": AXE_TAGS,
                    "axe_checks_run": len(self.checked),
                    "page_visits": len(self.visits),
                    "violations": failing,
                    "visits": self.visits,
                },
                indent=2,
            )
        )
        lines = [
            "# Accessibility report (axe-core)",
            "",
            f"Tags: {', '.join(AXE_TAGS)}",
            f"Page visits (page x state x width x language x role): {len(self.visits)}",
            f"axe runs (a visit whose main content and surrounding page were both already checked at that width"
            f" is not run again): {len(self.checked)}",
            f"States with violations: {len(failing)}",
            "",
        ]
        for label, violations in sorted(failing.items()):
            lines.append(f"## {label}")
            lines.extend(f"- {v['id']} ({v['impact']}): {v['help']} at {v['nodes']}" for v in violations)
        (directory / f"summary{suffix}.md").write_text("\n".join(lines) + "\n")
