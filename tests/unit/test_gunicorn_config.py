"""gunicorn.conf.py, production's web server settings, read from the environment."""

import json
import logging
import os
import runpy
from datetime import timedelta
from types import SimpleNamespace

import pytest

from tests.local_process import ROOT

CONFIG = ROOT / "gunicorn.conf.py"


def settings(monkeypatch, **environ) -> dict:
    for name in list(os.environ):
        if name.startswith("WEB_"):
            monkeypatch.delenv(name)
    for name, value in environ.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(CONFIG))


def test_defaults_suit_one_machine_behind_a_load_balancer(monkeypatch):
    config = settings(monkeypatch)
    assert config["bind"] == ["127.0.0.1:8000"]
    assert config["workers"] == (os.cpu_count() or 2)
    assert (config["worker_class"], config["threads"]) == ("gthread", 4)
    assert (config["timeout"], config["graceful_timeout"]) == (30, 30)
    assert config["keepalive"] > 60  # the load balancer closes idle connections first
    assert (config["max_requests"], config["max_requests_jitter"]) == (10000, 1000)
    assert config["preload_app"] is True
    assert config["control_socket_disable"] is True  # two gunicorns on one machine would share it
    assert config["accesslog"] == "-"


def test_everything_that_differs_between_machines_comes_from_the_environment(monkeypatch):
    config = settings(
        monkeypatch,
        WEB_BIND="0.0.0.0:8080, unix:/run/doorstep.sock",
        WEB_WORKERS="8",
        WEB_THREADS="16",
        WEB_TIMEOUT="60",
        WEB_GRACEFUL_TIMEOUT="10",
        WEB_KEEPALIVE="120",
        WEB_MAX_REQUESTS="0",
        WEB_ACCESS_LOG="false",
        WEB_PRELOAD="no",
        WEB_CONTROL_SOCKET="/run/doorstep/gunicorn.ctl",
    )
    assert config["bind"] == ["0.0.0.0:8080", "unix:/run/doorstep.sock"]
    assert (config["workers"], config["threads"], config["timeout"]) == (8, 16, 60)
    assert (config["graceful_timeout"], config["keepalive"]) == (10, 120)
    assert (config["max_requests"], config["max_requests_jitter"]) == (0, 0)
    assert config["accesslog"] is None and config["preload_app"] is False
    assert config["control_socket"] == "/run/doorstep/gunicorn.ctl" and not config["control_socket_disable"]


@pytest.mark.parametrize(("name", "value"), [("WEB_WORKERS", "four"), ("WEB_TIMEOUT", "-1"), ("WEB_PRELOAD", "maybe")])
def test_a_mistaken_setting_stops_gunicorn_saying_which(monkeypatch, name, value):
    with pytest.raises(SystemExit, match=name):
        settings(monkeypatch, **{name: value})


def test_access_lines_are_json_without_paths_or_addresses(monkeypatch, capsys):
    config = settings(monkeypatch)
    logger = config["JsonLogger"](
        SimpleNamespace(
            **{
                name: config.get(name)
                for name in ("accesslog", "errorlog", "loglevel", "logconfig", "logconfig_dict", "logconfig_json")
            },
            capture_output=False,
            syslog=False,
            disable_redirect_access_to_syslog=False,
            access_log_format="",
            user=None,
        )
    )

    def request(path):
        response = SimpleNamespace(status="200 OK", sent=512, headers=[("X-Request-Id", "abc123")])
        environ = {"PATH_INFO": path, "REQUEST_METHOD": "GET", "REMOTE_ADDR": "203.0.113.9", "QUERY_STRING": "t=1"}
        logger.access(response, None, environ, timedelta(milliseconds=3.25))

    capsys.readouterr()
    request("/reset-password/a-secret-token")
    request("/static/app.css")
    lines = [json.loads(line) for line in capsys.readouterr().err.splitlines()]
    assert lines[0] | {"asctime": None} == {
        "asctime": None,
        "levelname": "INFO",
        "name": "gunicorn.access",
        "message": "access",
        "method": "GET",
        "status": 200,
        "bytes": 512,
        "duration_ms": 3.25,
        "request_id": "abc123",
        "worker": os.getpid(),
    }
    assert lines[1]["path"] == "/static/app.css"
    logging.getLogger("gunicorn.access").handlers.clear()
    logging.getLogger("gunicorn.error").handlers.clear()
