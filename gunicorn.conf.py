"""gunicorn's settings for production: `.venv/bin/gunicorn wsgi:app` reads this file from the
checkout's root by itself. Every setting that differs between machines comes from the environment
(docs/many-machines.md, "The web processes"):

  WEB_BIND              where to listen                          127.0.0.1:8000
  WEB_WORKERS           worker processes                         the machine's CPU count
  WEB_THREADS           threads in each worker                   4
  WEB_TIMEOUT           seconds a worker may stay silent         30
  WEB_GRACEFUL_TIMEOUT  seconds running requests get on a stop   30
  WEB_KEEPALIVE         seconds an idle connection is kept       65 (above a load balancer's 60)
  WEB_MAX_REQUESTS      requests before a worker is replaced     10000 (0: never)
  WEB_ACCESS_LOG        one JSON line per request from gunicorn  true
  WEB_PRELOAD           load the app once, before forking        true
  WEB_CONTROL_SOCKET    gunicorn's control socket (gunicornc)    none
"""

import logging
import os
import sys

from gunicorn import glogging
from pythonjsonlogger.json import JsonFormatter


def _number(name: str, default: int) -> int:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    if not raw.isdigit():
        raise SystemExit(f"{name} must be a whole number, not {raw!r}")
    return int(raw)


def _switch(name: str, default: bool) -> bool:
    raw = os.environ.get(name, "").strip().lower()
    if not raw:
        return default
    if raw not in {"true", "false", "1", "0", "yes", "no", "on", "off"}:
        raise SystemExit(f"{name} must be true or false, not {raw!r}")
    return raw in {"true", "1", "yes", "on"}


bind = [address.strip() for address in os.environ.get("WEB_BIND", "127.0.0.1:8000").split(",") if address.strip()]
# One worker per core: rendering pages is Python's work, which one process does on one core at a
# time. The threads keep a core busy while a request waits for PostgreSQL, Redis or Stripe.
workers = max(_number("WEB_WORKERS", os.cpu_count() or 2), 1)
threads = max(_number("WEB_THREADS", 4), 1)
worker_class = "gthread"
proc_name = "doorstep-web"

# A worker that stops answering its heartbeat for this long is killed and replaced. On SIGTERM
# (a deploy, or a machine stopping) each worker stops accepting, finishes what it is serving for
# up to graceful_timeout and exits; SIGHUP replaces every worker in the same way, one by one.
timeout = _number("WEB_TIMEOUT", 30)
graceful_timeout = _number("WEB_GRACEFUL_TIMEOUT", 30)
# Longer than the load balancer's idle timeout (60 seconds on most), so the balancer, not gunicorn,
# closes an idle connection: otherwise a request sent as gunicorn closes it fails with a 502.
keepalive = _number("WEB_KEEPALIVE", 65)
# Workers are replaced after this many requests (give or take 10%, so not all at once), gracefully,
# which bounds any slow growth of a worker's memory.
max_requests = _number("WEB_MAX_REQUESTS", 10000)
max_requests_jitter = max_requests // 10

# The app is loaded once in the master and the workers share its memory until they write to it;
# each worker opens its own database connections (post_fork). New code needs a restart (SIGTERM and
# start, as a deploy does), not SIGHUP, which replaces the workers with the same code.
preload_app = _switch("WEB_PRELOAD", True)

# The heartbeat file in memory, not on a disk that can stall (containers' /tmp is often overlayfs).
# gunicorn makes it with mkstemp (a unique name, readable only by this user).
SHARED_MEMORY = "/dev/shm"  # noqa: S108
if os.path.isdir(SHARED_MEMORY):
    worker_tmp_dir = SHARED_MEMORY

# gunicorn's control socket defaults to one path per user, which two gunicorns on one machine
# would fight over; it is off unless asked for.
control_socket = os.environ.get("WEB_CONTROL_SOCKET", "")
control_socket_disable = not control_socket

errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info").lower()
accesslog = "-" if _switch("WEB_ACCESS_LOG", True) else None


class JsonLogger(glogging.Logger):
    """gunicorn's own lines as JSON on standard error, like the app's. The access line has no path,
    query string or address (paths can hold sign-in and reset tokens): the app's own line for the same
    request, with the same request_id, names the route. Files under /static/ are served before the app
    sees them, so their path is given."""

    def setup(self, cfg):
        super().setup(cfg)
        formatter = JsonFormatter("%(asctime)s %(levelname)s %(name)s %(message)s")
        for log in (self.error_log, self.access_log):
            for handler in log.handlers:
                if isinstance(handler, logging.StreamHandler) and handler.stream in (sys.stdout, sys.stderr):
                    handler.setStream(sys.stderr)
                handler.setFormatter(formatter)

    def access(self, resp, req, environ, request_time):
        if not self.access_log_enabled:
            return
        status = resp.status
        path = environ.get("PATH_INFO", "")
        fields = {
            "method": environ.get("REQUEST_METHOD"),
            "status": int(str(status).split(None, 1)[0]) if status else None,
            "bytes": getattr(resp, "sent", None) or _header(resp.headers, "content-length"),
            "duration_ms": round(request_time.total_seconds() * 1000, 2),
            "request_id": _header(resp.headers, "x-request-id"),
            "worker": os.getpid(),
        }
        if path.startswith("/static/"):
            fields["path"] = path
        try:
            self.access_log.info("access", extra=fields)
        except Exception:
            self.exception("could not write the access log line")


def _header(headers, wanted: str):
    pairs = headers.items() if hasattr(headers, "items") else headers
    return next((value for name, value in pairs if name.lower() == wanted), None)


logger_class = JsonLogger


def post_fork(server, worker):
    """A preloaded app may have opened database connections in the master: the worker drops its
    inherited copies (without closing them under the master) and opens its own."""
    if not server.cfg.preload_app:
        return
    import wsgi
    from app.extensions import db

    with wsgi.app.app_context():
        db.engine.dispose(close=False)
