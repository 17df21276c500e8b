"""The application factory."""

from __future__ import annotations

from pathlib import Path

from flask import Flask
from jinja2 import ChoiceLoader, FileSystemLoader, PackageLoader, PrefixLoader
from whitenoise import WhiteNoise

from config import load_config

APP_DIR = Path(__file__).resolve().parent


def create_app(overrides: dict | None = None, environ: dict | None = None) -> Flask:
    config = load_config(environ, overrides)
    app = Flask(__name__, static_folder=None, instance_path=config["INSTANCE_PATH"])
    app.config.update(config)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)

    app.jinja_loader = ChoiceLoader(
        [
            FileSystemLoader(str(APP_DIR / "templates")),
            PrefixLoader(
                {
                    "govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja"),
                    "govuk_frontend_wtf": PackageLoader("govuk_frontend_wtf"),
                }
            ),
        ]
    )
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True

    from app import (
        assets,
        errors,
        i18n,
        layout_fragments,
        request_logging,
        security,
        template_helpers,
        unit_of_work,
    )
    from app.database import configure_engine
    from app.extensions import babel, compress, csrf, db, limiter, login_manager, migrate

    db.init_app(app)
    with app.app_context():
        configure_engine(db.engine)
    migrate.init_app(app, db, directory=str(APP_DIR.parent / "migrations"), render_as_batch=True)
    csrf.init_app(app)
    compress.init_app(app)
    limiter.init_app(app)
    i18n.init_app(app, babel)
    from app.services import channel_figures_counts

    channel_figures_counts.init_app(app)
    security.init_app(app, login_manager)
    assets.init_app(app)
    errors.init_app(app)
    template_helpers.init_app(app)
    layout_fragments.init_app(app)
    request_logging.init_app(app)
    unit_of_work.init_app(app, db)

    from app.services import health

    # /healthz compares the database with these; the release's migrations are read once, here.
    app.extensions["migration_heads"] = health.migration_heads()

    from app import forms_engine
    from app.services import (  # noqa: F401  (they register what happens once paid, and submit actions)
        bookings,
        county_forwards,
        paid_forms,
        parking,
        street_reports,
    )
    from app.services.council_tax import (  # noqa: F401  (what happens once council tax is paid; applications)
        discounts,
        paying,
    )

    forms_engine.init_app(app)

    from app import scheduler

    scheduler.load_jobs()  # every service's scheduled jobs, for the scheduler and the admin page

    from app import assisted, kiosk
    from app.account.routes import bp as account_bp
    from app.admin.routes import bp as admin_bp
    from app.assisted.routes import bp as assisted_bp
    from app.auth.routes import bp as auth_bp
    from app.bookings.routes import bp as bookings_bp
    from app.council_tax.routes import bp as council_tax_bp
    from app.councillors.routes import bp as councillors_bp
    from app.forms_engine.routes import bp as forms_bp
    from app.kiosk.routes import bp as kiosk_bp
    from app.pages.routes import bp as pages_bp
    from app.parking.routes import bp as parking_bp
    from app.payments.routes import bp as payments_bp
    from app.staff.routes import bp as staff_bp
    from app.street_reports.routes import bp as street_reports_bp

    for blueprint in (
        pages_bp,
        auth_bp,
        account_bp,
        staff_bp,
        admin_bp,
        forms_bp,
        payments_bp,
        bookings_bp,
        parking_bp,
        street_reports_bp,
        assisted_bp,
        council_tax_bp,
        kiosk_bp,
        councillors_bp,
    ):
        app.register_blueprint(blueprint)
    kiosk.init_app(app)  # on a shared device: nothing kept for the next person
    assisted.init_app(app)  # while a volunteer helps someone: only what the consent covers
    from app.api import register_api_blueprint
    from app.open311.routes import bp as open311_bp
    from app.open311.routes import open311_error
    from app.parking.api import bp as enforcement_api_bp

    register_api_blueprint(app, enforcement_api_bp)
    register_api_blueprint(app, open311_bp, error_response=open311_error)
    if app.config["DEV_OUTBOX_PAGE"]:
        from app.dev.routes import bp as dev_bp

        app.register_blueprint(dev_bp)

    from app import cli, rate_limits

    cli.init_app(app)
    rate_limits.check_before_every_request_only_when_needed(app, limiter)

    static_root = APP_DIR / "static"
    app.wsgi_app = WhiteNoise(
        app.wsgi_app,
        root=str(static_root),
        prefix="/static/",
        max_age=app.config["STATIC_MAX_AGE_SECONDS"],
        immutable_file_test=assets.is_fingerprinted,
    )
    if app.config["TRUSTED_PROXIES"]:
        # Behind the council's load balancer: take the person's address and the scheme from the
        # X-Forwarded-* headers the trusted proxies add, so rate limits apply per person.
        from werkzeug.middleware.proxy_fix import ProxyFix

        hops = app.config["TRUSTED_PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=0, x_port=0, x_prefix=0)
    return app
