#!/usr/bin/env bash
# Development: the message worker in the background and the web server in the foreground.
set -euo pipefail
cd "$(dirname "$0")/.."
.venv/bin/flask messages send --loop --interval 2 &
worker=$!
trap 'kill "$worker" 2>/dev/null || true' EXIT INT TERM
echo "Doorstep is running at http://127.0.0.1:${PORT:-5000} (messages are written to instance/outbox/ and listed at /dev/outbox)"
.venv/bin/flask run --host 127.0.0.1 --port "${PORT:-5000}"
