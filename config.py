"""Settings read from the environment once, in create_app.

Development gets working defaults so `make run` needs no setup. Production refuses to start
without the settings that must never have a default (secret key, database URL).
"""

from __future__ import annotations

import os
import re
import socket
from pathlib import Path
from urllib.parse import urlsplit

BASE_DIR = Path(__file__).resolve().parent
STRIPE_LIVE_API_BASE = "https://api.stripe.com"
LOCAL_STRIPE_KEY = "sk_test_doorstep_local"
# The DVLA Vehicle Enquiry Service and its test environment (both in the DVLA's OpenAPI document).
DVLA_LIVE_API_BASE = "https://driver-vehicle-licensing.api.gov.uk"
DVLA_UAT_API_BASE = "https://uat.driver-vehicle-licensing.api.gov.uk"
# Not a secret: the key the local DVLA stand-in (devtools/local_dvla.py) accepts, outside production.
LOCAL_DVLA_KEY = "doorstep-local-dvla-key"
# Not a secret: the key the local stand-in county's Open311 server (devtools/local_county311.py)
# accepts, sent outside production when the county's key variable is not set.
LOCAL_COUNTY311_KEY = "doorstep-local-county311-key"
# OpenStreetMap's own tiles, for development only (their tile usage policy does not allow heavy use).
DEVELOPMENT_MAP_TILE_URL = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
DEVELOPMENT_MAP_TILE_ATTRIBUTION = "© OpenStreetMap contributors"


class ConfigError(RuntimeError):
    """The environment does not describe a safe configuration."""


def _bool(value: str | None, default: bool) -> bool:
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _int(environ, name: str, default: int) -> int:
    raw = environ.get(name)
    if raw in (None, ""):
        return default
    try:
        return int(raw)
    except ValueError as error:
        raise ConfigError(f"{name} must be a whole number, not {raw!r}") from error


def _seconds(environ, name: str, default: float) -> float:
    raw = environ.get(name)
    if raw in (None, ""):
        return default
    try:
        value = float(raw)
    except ValueError as error:
        raise ConfigError(f"{name} must be a number of seconds, not {raw!r}") from error
    if not 0 < value <= 60:
        raise ConfigError(f"{name} must be more than 0 and at most 60 seconds, not {raw!r}")
    return value


def relative_luminance(hex_colour: str) -> float:
    channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast_with_white(hex_colour: str) -> float:
    return 1.05 / (relative_luminance(hex_colour) + 0.05)


def load_config(environ: dict | None = None, overrides: dict | None = None) -> dict:
    """Build the settings dictionary for one app instance."""
    environ = dict(os.environ if environ is None else environ)
    overrides = overrides or {}
    env = overrides.get("ENV_NAME") or environ.get("DOORSTEP_ENV", "development")
    if env not in {"development", "test", "production"}:
        raise ConfigError(f"DOORSTEP_ENV must be development, test or production, not {env!r}")
    production = env == "production"
    instance = Path(environ.get("DOORSTEP_INSTANCE_PATH", BASE_DIR / "instance"))

    secret_key = environ.get("SECRET_KEY")
    database_url = environ.get("DATABASE_URL")
    public_base_url = environ.get("PUBLIC_BASE_URL", "")
    if production:
        required = (("SECRET_KEY", secret_key), ("DATABASE_URL", database_url), ("PUBLIC_BASE_URL", public_base_url))
        missing = [name for name, value in required if not value]
        if missing:
            raise ConfigError("Doorstep will not start in production without " + ", ".join(missing))
        if len(secret_key) < 32:
            raise ConfigError("SECRET_KEY must be at least 32 characters in production")
        # Links in emails are built from this, never from the request's Host header.
        if not public_base_url.startswith("https://"):
            raise ConfigError("PUBLIC_BASE_URL must be the site's https:// address in production")
    elif not public_base_url:
        public_base_url = "http://127.0.0.1:5000"
    if not secret_key:
        # Development and tests only: a per-checkout key kept in instance/, never a shared fallback.
        secret_key = _instance_secret(instance)
    if not database_url:
        database_url = f"sqlite:///{instance / 'doorstep.sqlite'}"

    brand_colour = environ.get("COUNCIL_BRAND_COLOUR", "#1d5e4f")
    if not re.fullmatch(r"#[0-9a-fA-F]{6}", brand_colour):
        raise ConfigError("COUNCIL_BRAND_COLOUR must be a colour like #1d5e4f")
    if contrast_with_white(brand_colour) < 4.5:
        raise ConfigError(
            f"COUNCIL_BRAND_COLOUR {brand_colour} has a contrast of "
            f"{contrast_with_white(brand_colour):.2f}:1 with white text; it needs at least 4.5:1"
        )

    config = {
        "ENV_NAME": env,
        "DEBUG": False,
        "TESTING": env == "test",
        "SECRET_KEY": secret_key,
        "INSTANCE_PATH": str(instance),
        "SQLALCHEMY_DATABASE_URI": database_url,
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "SERVER_NAME": environ.get("SERVER_NAME") or None,
        "TRUSTED_PROXIES": _int(environ, "TRUSTED_PROXIES", 0),
        "PREFERRED_URL_SCHEME": "https" if production else "http",
        "PUBLIC_BASE_URL": public_base_url,
        # Council branding and contact details
        "COUNCIL_NAME": environ.get("COUNCIL_NAME", "Demo Borough Council"),
        "COUNCIL_NAME_CY": environ.get("COUNCIL_NAME_CY", "Cyngor Bwrdeistref Demo"),
        "COUNCIL_LOGO_TEXT": environ.get("COUNCIL_LOGO_TEXT", "Demo Borough Council"),
        "COUNCIL_LOGO_TEXT_CY": environ.get("COUNCIL_LOGO_TEXT_CY", "Cyngor Bwrdeistref Demo"),
        "COUNCIL_BRAND_COLOUR": brand_colour.lower(),
        "COUNCIL_PHONE": environ.get("COUNCIL_PHONE", "01632 960000"),
        "COUNCIL_EMAIL": environ.get("COUNCIL_EMAIL", "contact@demo-borough.example"),
        "COUNCIL_ADDRESS": environ.get("COUNCIL_ADDRESS", "Civic Centre, 1 High Street, Demoton, DM1 1AA"),
        "COUNCIL_OPENING_HOURS": environ.get("COUNCIL_OPENING_HOURS", "Monday to Friday, 9am to 5pm"),
        "SERVICE_NAME": environ.get("SERVICE_NAME", "Council services"),
        "SERVICE_NAME_CY": environ.get("SERVICE_NAME_CY", "Gwasanaethau'r cyngor"),
        # Languages and time
        "BABEL_DEFAULT_LOCALE": "en",
        "BABEL_DEFAULT_TIMEZONE": "Europe/London",
        "BABEL_TRANSLATION_DIRECTORIES": str(BASE_DIR / "translations"),
        "LANGUAGES": ("en", "cy"),
        # Sessions and cookies
        "SESSION_COOKIE_NAME": "doorstep_session",
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": _bool(environ.get("SESSION_COOKIE_SECURE"), production),
        "SESSION_IDLE_MINUTES": _int(environ, "SESSION_IDLE_MINUTES", 60),
        # On a kiosk (a shared device): everything is cleared after this long with nothing done,
        # and the page warns this many seconds before.
        "KIOSK_IDLE_MINUTES": _int(environ, "KIOSK_IDLE_MINUTES", 10),
        "KIOSK_WARNING_SECONDS": _int(environ, "KIOSK_WARNING_SECONDS", 120),
        # What one transaction or contact costs the council in each channel, in pence, for the
        # channel-shift figures (one council's published figures as the defaults).
        "UNIT_COSTS_PENCE": {
            "face_to_face": _int(environ, "UNIT_COST_FACE_TO_FACE_PENCE", 786),
            "telephone": _int(environ, "UNIT_COST_TELEPHONE_PENCE", 235),
            "web": _int(environ, "UNIT_COST_WEB_PENCE", 21),
            "letter_in": _int(environ, "UNIT_COST_LETTER_IN_PENCE", 67),
            "letter_out": _int(environ, "UNIT_COST_LETTER_OUT_PENCE", 46),
        },
        "SESSION_MAX_HOURS": _int(environ, "SESSION_MAX_HOURS", 12),
        "REMEMBER_COOKIE_DURATION": 0,
        "WTF_CSRF_ENABLED": True,
        "WTF_CSRF_TIME_LIMIT": None,  # the token lives as long as the session, which expires itself
        "WTF_CSRF_SSL_STRICT": production,
        # Larger than the biggest file a form question may allow (20MB), so a too-big file gets a
        # message next to its question rather than an error page.
        "MAX_CONTENT_LENGTH": _int(environ, "MAX_CONTENT_LENGTH", 25 * 1024 * 1024),
        # Files people send: "local" keeps them in UPLOAD_FOLDER on this machine; "s3" in a bucket of an
        # S3-compatible object store that every machine shares.
        "UPLOAD_STORAGE": environ.get("UPLOAD_STORAGE", "local"),
        "UPLOAD_FOLDER": environ.get("UPLOAD_FOLDER", str(instance / "uploads")),
        "UPLOAD_S3_BUCKET": environ.get("UPLOAD_S3_BUCKET", ""),
        "UPLOAD_S3_PREFIX": environ.get("UPLOAD_S3_PREFIX", "uploads/"),
        "UPLOAD_S3_ENDPOINT_URL": environ.get("UPLOAD_S3_ENDPOINT_URL", ""),
        "UPLOAD_S3_REGION": environ.get("UPLOAD_S3_REGION", ""),
        "UPLOAD_S3_ACCESS_KEY_ID": environ.get("UPLOAD_S3_ACCESS_KEY_ID", ""),
        "UPLOAD_S3_SECRET_ACCESS_KEY": environ.get("UPLOAD_S3_SECRET_ACCESS_KEY", ""),
        # How many machines run Doorstep (web or scheduler) against this database, and this one's name
        # (shown to admins beside each scheduled job's last run).
        "MACHINES": _int(environ, "MACHINES", 1),
        "MACHINE_NAME": environ.get("MACHINE_NAME") or socket.gethostname(),
        "MAX_FORM_MEMORY_SIZE": 500_000,
        # Tokens sent by email
        "EMAIL_VERIFY_MAX_AGE_HOURS": _int(environ, "EMAIL_VERIFY_MAX_AGE_HOURS", 72),
        "PASSWORD_RESET_MAX_AGE_MINUTES": _int(environ, "PASSWORD_RESET_MAX_AGE_MINUTES", 60),
        # Rate limits (flask-limiter). memory:// counts in each process on its own, so production needs
        # Redis: while Redis cannot be reached, each process counts in its memory instead, and says so.
        "RATELIMIT_STORAGE_URI": environ.get("RATELIMIT_STORAGE_URI", "memory://"),
        "RATELIMIT_IN_MEMORY_FALLBACK_ENABLED": True,
        # A Redis that does not answer must not hold up sign-ins: give up quickly and fall back.
        "RATELIMIT_STORAGE_OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        "RATELIMIT_ENABLED": _bool(environ.get("RATELIMIT_ENABLED"), True),
        "RATELIMIT_HEADERS_ENABLED": False,
        "AUTH_RATE_LIMIT": environ.get("AUTH_RATE_LIMIT", "10 per minute;50 per hour"),
        # Messages
        "MESSAGE_DELIVERY": environ.get("MESSAGE_DELIVERY", "smtp" if production else "file"),
        "MESSAGE_OUTBOX_DIR": environ.get("MESSAGE_OUTBOX_DIR", str(instance / "outbox")),
        "MESSAGE_MAX_ATTEMPTS": _int(environ, "MESSAGE_MAX_ATTEMPTS", 8),
        "MESSAGE_FROM": environ.get("MESSAGE_FROM", "no-reply@demo-borough.example"),
        "SMTP_HOST": environ.get("SMTP_HOST", "localhost"),
        "SMTP_PORT": _int(environ, "SMTP_PORT", 587),
        "SMTP_USERNAME": environ.get("SMTP_USERNAME", ""),
        "SMTP_PASSWORD": environ.get("SMTP_PASSWORD", ""),
        "SMTP_STARTTLS": _bool(environ.get("SMTP_STARTTLS"), True),
        "NOTIFY_API_KEY": environ.get("NOTIFY_API_KEY", ""),
        "NOTIFY_EMAIL_TEMPLATE_ID": environ.get("NOTIFY_EMAIL_TEMPLATE_ID", ""),
        "NOTIFY_SMS_TEMPLATE_ID": environ.get("NOTIFY_SMS_TEMPLATE_ID", ""),
        "NOTIFY_LETTER_TEMPLATE_ID": environ.get("NOTIFY_LETTER_TEMPLATE_ID", ""),
        "DEV_OUTBOX_PAGE": not production and _bool(environ.get("DEV_OUTBOX_PAGE"), True),
        # Parts of the layout rendered once per language and state (app/layout_fragments.py). Off only
        # to compare pages with and without them (tests/integration/test_render_caches.py).
        "RENDER_CACHES": _bool(environ.get("RENDER_CACHES"), True),
        # Forms
        "FORM_DEFINITIONS_DIR": environ.get("FORM_DEFINITIONS_DIR", ""),
        "SERVICE_SETTINGS_DIR": environ.get("SERVICE_SETTINGS_DIR", ""),
        "FORM_DRAFT_DAYS": _int(environ, "FORM_DRAFT_DAYS", 28),
        "FORM_GUEST_HOURS": _int(environ, "FORM_GUEST_HOURS", 24),
        # Payments. Outside production the app talks to the local Stripe server that `make run` and
        # the tests start (devtools/local_stripe.py); in production to Stripe itself, never the stand-in.
        "STRIPE_SECRET_KEY": environ.get("STRIPE_SECRET_KEY") or ("" if production else LOCAL_STRIPE_KEY),
        "STRIPE_WEBHOOK_SECRET": environ.get("STRIPE_WEBHOOK_SECRET")
        or ("" if production else "whsec_doorstep_local_development"),
        "STRIPE_API_BASE": environ.get("STRIPE_API_BASE")
        or ("" if production else f"http://127.0.0.1:{_int(environ, 'LOCAL_STRIPE_PORT', 8420)}"),
        # Where Stripe's hosted payment page lives (the stand-in's address outside production).
        "PAYMENT_PAGE_ORIGIN": "https://checkout.stripe.com",
        # Stripe lets a Checkout Session live between 30 minutes and 24 hours.
        "PAYMENT_SESSION_MINUTES": _int(environ, "PAYMENT_SESSION_MINUTES", 30),
        # A payment link staff send a caller (a booking by phone) lasts longer: the day is held as long.
        "PAYMENT_LINK_MINUTES": _int(environ, "PAYMENT_LINK_MINUTES", 24 * 60 - 5),
        # Vehicle details. Outside production the app asks the local DVLA stand-in that `make run`
        # and the tests start (devtools/local_dvla.py); in production the DVLA itself.
        "DVLA_API_BASE": (
            environ.get("DVLA_API_BASE")
            or ("" if production else f"http://127.0.0.1:{_int(environ, 'LOCAL_DVLA_PORT', 8421)}")
        ).rstrip("/"),
        "DVLA_API_KEY": environ.get("DVLA_API_KEY") or ("" if production else LOCAL_DVLA_KEY),
        # A person waits for the answer, and a slow DVLA is treated as an unavailable one.
        "DVLA_TIMEOUT_SECONDS": _seconds(environ, "DVLA_TIMEOUT_SECONDS", 5.0),
        # Street reports the county council deals with, sent on by Open311. Outside production they go
        # to the local stand-in county that `make run` and the tests start (devtools/local_county311.py),
        # not to the endpoint in the settings file; in production always to the settings' endpoint.
        "COUNTY_OPEN311_ENDPOINT": (
            environ.get("COUNTY_OPEN311_ENDPOINT")
            or ("" if production else f"http://127.0.0.1:{_int(environ, 'LOCAL_COUNTY311_PORT', 8422)}/open311/v2/")
        ),
        "COUNTY_OPEN311_DEVELOPMENT_KEY": "" if production else LOCAL_COUNTY311_KEY,
        "COUNTY_OPEN311_TIMEOUT_SECONDS": _seconds(environ, "COUNTY_OPEN311_TIMEOUT_SECONDS", 20.0),
        # A forward that keeps failing (the county down, slow or busy) is given up after this many tries.
        "COUNTY_FORWARD_MAX_ATTEMPTS": _int(environ, "COUNTY_FORWARD_MAX_ATTEMPTS", 6),
        # The map on the location question (street reports): a tile address with {z}, {x} and {y} (and
        # optionally {s}) and the words that credit the map's makers. Empty: no map, only the search
        # (which is complete on its own). Development shows OpenStreetMap's tiles; tests none.
        "MAP_TILE_URL": environ.get("MAP_TILE_URL", DEVELOPMENT_MAP_TILE_URL if env == "development" else ""),
        "MAP_TILE_ATTRIBUTION": environ.get(
            "MAP_TILE_ATTRIBUTION", DEVELOPMENT_MAP_TILE_ATTRIBUTION if env == "development" else ""
        ),
        # Static files
        "STATIC_MAX_AGE_SECONDS": 365 * 24 * 3600,
        "COMPRESS_MIMETYPES": ["text/html", "application/json", "text/csv"],
        "COMPRESS_ALGORITHM": ["br", "gzip"],
        "COMPRESS_MIN_SIZE": 500,
        "LOG_LEVEL": environ.get("LOG_LEVEL", "INFO"),
    }
    config.update(overrides)
    if not production and "PAYMENT_PAGE_ORIGIN" not in overrides:
        config["PAYMENT_PAGE_ORIGIN"] = config["STRIPE_API_BASE"]
    if production and config["DEV_OUTBOX_PAGE"]:
        raise ConfigError("The development outbox page cannot be turned on in production")
    if production:
        _check_production_payments(config)
        _check_production_vehicle_lookups(config)
        if config["COUNTY_OPEN311_ENDPOINT"]:
            raise ConfigError(
                "COUNTY_OPEN311_ENDPOINT cannot be set in production: reports go to the county's endpoint in "
                "app/service_settings/street-reports.yaml (the local stand-in county cannot be used)"
            )
    if production and config["MESSAGE_DELIVERY"] not in {"smtp", "notify"}:
        raise ConfigError("MESSAGE_DELIVERY must be smtp or notify in production")
    _check_shared_state(config, production)
    _check_map_tiles(config, production)
    return config


def map_tile_origin(tile_url: str) -> str:
    """Where the map's tile images come from, for the Content-Security-Policy ("" for no map). A
    {s} subdomain is any subdomain."""
    parts = urlsplit(tile_url)
    return f"{parts.scheme}://{parts.netloc.replace('{s}', '*')}" if tile_url else ""


def _check_map_tiles(config: dict, production: bool) -> None:
    url = config["MAP_TILE_URL"]
    if not url:
        return
    schemes = ("https://",) if production else ("https://", "http://")
    if not url.startswith(schemes) or any(part not in url for part in ("{z}", "{x}", "{y}")):
        raise ConfigError(
            "MAP_TILE_URL must be an https:// address with {z}, {x} and {y} in it, like "
            + DEVELOPMENT_MAP_TILE_URL
            + " (or empty for no map)"
        )
    if not urlsplit(url).netloc or re.search(r"[\s;,'\"]", url):
        raise ConfigError(f"MAP_TILE_URL {url!r} is not a web address")
    if not config["MAP_TILE_ATTRIBUTION"].strip():
        raise ConfigError("MAP_TILE_ATTRIBUTION must credit the map's makers when MAP_TILE_URL is set")


def _check_shared_state(config: dict, production: bool) -> None:
    """What several processes and machines must share: files, rate-limit counts, the database."""
    if config["UPLOAD_STORAGE"] not in {"local", "s3"}:
        raise ConfigError(f"UPLOAD_STORAGE must be local or s3, not {config['UPLOAD_STORAGE']!r}")
    if config["UPLOAD_STORAGE"] == "s3" and not config["UPLOAD_S3_BUCKET"]:
        raise ConfigError("UPLOAD_STORAGE=s3 needs UPLOAD_S3_BUCKET, the bucket files are kept in")
    if config["MACHINES"] < 1:
        raise ConfigError("MACHINES must be 1 or more")
    if not production:
        return
    if config["RATELIMIT_ENABLED"] and config["RATELIMIT_STORAGE_URI"].startswith("memory://"):
        # Even one machine runs several gunicorn workers, each counting on its own, and every restart
        # would forget the counts: a limit of 10 would really be 10 for each worker, per restart.
        raise ConfigError(
            "RATELIMIT_STORAGE_URI must be Redis in production (for example redis://localhost:6379/0): "
            "memory:// counts in each process separately"
        )
    if config["MACHINES"] > 1:
        if config["UPLOAD_STORAGE"] == "local":
            raise ConfigError(
                "With MACHINES above 1, files people send must go to storage every machine shares: "
                "set UPLOAD_STORAGE=s3 and UPLOAD_S3_BUCKET"
            )
        if config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
            raise ConfigError("With MACHINES above 1 the database must be PostgreSQL, not a SQLite file")


def _check_production_payments(config: dict) -> None:
    if config["STRIPE_API_BASE"] not in ("", STRIPE_LIVE_API_BASE):
        raise ConfigError("In production payments go to Stripe itself: the local Stripe server cannot be used")
    key = config["STRIPE_SECRET_KEY"]
    if not key.startswith(("sk_live_", "rk_live_", "sk_test_", "rk_test_")) or key == LOCAL_STRIPE_KEY:
        raise ConfigError("STRIPE_SECRET_KEY must be the council's Stripe secret key in production")
    if not config["STRIPE_WEBHOOK_SECRET"].startswith("whsec_"):
        raise ConfigError("STRIPE_WEBHOOK_SECRET must be the webhook signing secret (whsec_...) in production")


def _check_production_vehicle_lookups(config: dict) -> None:
    if config["DVLA_API_BASE"].rstrip("/") not in (DVLA_LIVE_API_BASE, DVLA_UAT_API_BASE):
        raise ConfigError(
            f"DVLA_API_BASE must be the DVLA's own address in production ({DVLA_LIVE_API_BASE}, or its test "
            f"environment {DVLA_UAT_API_BASE}): the local DVLA stand-in cannot be used"
        )
    if not config["DVLA_API_KEY"] or config["DVLA_API_KEY"] == LOCAL_DVLA_KEY:
        raise ConfigError("DVLA_API_KEY must be the council's Vehicle Enquiry Service API key in production")


def _instance_secret(instance: Path) -> str:
    import secrets

    instance.mkdir(parents=True, exist_ok=True)
    key_file = instance / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_hex(32))
        key_file.chmod(0o600)
    return key_file.read_text().strip()
