"""`make bench` is not run by the suite (it takes minutes and measures), so a benchmark script whose
imports moved away under it would only fail when someone next measured. Importing each one here
catches that: every script runs its work only under `if __name__ == "__main__"`."""

import importlib.util
from pathlib import Path

import pytest

SCRIPTS = sorted((Path(__file__).resolve().parents[2] / "scripts").glob("bench*.py"))


def test_the_benchmarks_are_found():
    assert len(SCRIPTS) >= 9


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda path: path.stem)
def test_benchmark_script_imports(script):
    spec = importlib.util.spec_from_file_location(f"bench_script_{script.stem}", script)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert callable(module.main)
