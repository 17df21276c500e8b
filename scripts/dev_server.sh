#!/usr/bin/env bash
# Development: the local Stripe server, the local DVLA stand-in, the stand-in county's Open311
# server and the scheduler (which sends messages, settles payments, forwards reports to the county
# and runs the daily jobs) in the background, the web server in the foreground. Stopping the web
# server stops the others.
set -euo pipefail
cd "$(dirname "$0")/.."
port="${PORT:-5000}"
stripe_port="${LOCAL_STRIPE_PORT:-8420}"
dvla_port="${LOCAL_DVLA_PORT:-8421}"
county_port="${LOCAL_COUNTY311_PORT:-8422}"
export LOCAL_STRIPE_PORT="$stripe_port" LOCAL_DVLA_PORT="$dvla_port" LOCAL_COUNTY311_PORT="$county_port"
.venv/bin/python -m devtools.local_stripe --port "$stripe_port" \
    --webhook-url "http://127.0.0.1:${port}/payments/stripe-webhook" &
stripe_server=$!
.venv/bin/python -m devtools.local_dvla --port "$dvla_port" &
dvla_server=$!
.venv/bin/python -m devtools.local_county311 --port "$county_port" &
county_server=$!
.venv/bin/flask scheduler run &
scheduler=$!
trap 'kill "$scheduler" "$stripe_server" "$dvla_server" "$county_server" 2>/dev/null || true' EXIT INT TERM
echo "Doorstep is running at http://127.0.0.1:${port} (messages are written to instance/outbox/ and listed at /dev/outbox)"
echo "Payments go to a local Stripe at http://127.0.0.1:${stripe_port}: pay with the test card 4242 4242 4242 4242"
echo "Vehicle details come from a local DVLA stand-in at http://127.0.0.1:${dvla_port}: try AA19AAA, DM19LOW or DM09ABN (README lists them all)"
echo "Road reports go on to a local stand-in county Open311 server at http://127.0.0.1:${county_port}/open311/v2/"
.venv/bin/flask run --host 127.0.0.1 --port "$port"
