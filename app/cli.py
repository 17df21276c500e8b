"""Command-line tasks: gazetteer import, demo data, the message worker, sessions and form definitions.

The commands that do one scheduled job by hand take the same lock as `flask scheduler run` and are
recorded as its runs are (app/scheduler).
"""

import time
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from app.councillors.cli import councillors_cli
from app.extensions import db
from app.parking.cli import parking_cli
from app.scheduler.cli import run_by_hand, scheduler_cli


def init_app(app):
    app.cli.add_command(gazetteer_cli)
    app.cli.add_command(demo_cli)
    app.cli.add_command(messages_cli)
    app.cli.add_command(sessions_cli)
    app.cli.add_command(forms_cli)
    app.cli.add_command(payments_cli)
    app.cli.add_command(bookings_cli)
    app.cli.add_command(scheduler_cli)
    app.cli.add_command(council_tax_cli)
    app.cli.add_command(parking_cli)
    app.cli.add_command(councillors_cli)
    app.cli.add_command(figures_cli)


@click.group("figures", help="The council's channel-shift figures.")
def figures_cli():
    pass


@figures_cli.command("rebuild")
def figures_rebuild():
    """Count the channel-shift figures again from every case, contact and satisfaction answer (after
    rows were loaded in bulk, bypassing the counting as things happen)."""
    from app.services import channel_figures_counts

    rows = channel_figures_counts.rebuild()
    db.session.commit()
    click.echo(f"Counted the channel-shift figures again: {rows} rows")


@click.group("gazetteer", help="The council's address gazetteer.")
def gazetteer_cli():
    pass


@gazetteer_cli.command("import")
@click.argument("csv_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def gazetteer_import(csv_file: Path):
    """Add or update addresses from a CSV with uprn,line_1,line_2,town,postcode,ward columns (and
    latitude,longitude where the extract has them)."""
    from app.services import gazetteer

    result = gazetteer.import_csv(csv_file)
    db.session.commit()
    for error in result.errors:
        click.echo(f"skipped: {error}", err=True)
    click.echo(f"{result.added} added, {result.updated} updated, {len(result.errors)} skipped")


@gazetteer_cli.command("import-streets")
@click.argument("csv_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def gazetteer_import_streets(csv_file: Path):
    """Add or update streets from a CSV with usrn,name,town,latitude,longitude columns."""
    from app.services import gazetteer

    result = gazetteer.import_streets_csv(csv_file)
    db.session.commit()
    for error in result.errors:
        click.echo(f"skipped: {error}", err=True)
    click.echo(f"{result.added} added, {result.updated} updated, {len(result.errors)} skipped")


@click.group("demo", help="Demonstration data for development.")
def demo_cli():
    pass


@demo_cli.command("load")
def demo_load():
    """Load the demo gazetteer, accounts and API keys. Safe to run again; refused in production."""
    from app.services import demo

    if current_app.config["ENV_NAME"] == "production":
        raise click.ClickException("Demo data is never loaded in production")
    accounts = demo.load()
    db.session.commit()
    click.echo("Demo accounts (these passwords work only in the demo data):")
    for account in accounts:
        click.echo(f"  {account.label:<22} {account.email:<34} {account.password}")
    click.echo("Demo API keys (these work only in the demo data):")
    for key in demo.DEMO_API_KEYS:
        click.echo(f"  {key.scope:<22} {key.secret}")


@click.group("messages", help="The outbox of emails and text messages.")
def messages_cli():
    pass


@messages_cli.command("send")
@click.option("--loop", is_flag=True, help="Keep running, checking for due messages.")
@click.option("--interval", default=5.0, show_default=True, help="Seconds between checks with --loop.")
def messages_send(loop: bool, interval: float):
    """Send due messages, retrying failed ones with backoff."""
    from app.services import messages

    backend = messages.backend_from_config(current_app.config)
    max_attempts = current_app.config["MESSAGE_MAX_ATTEMPTS"]
    while True:
        counts = messages.deliver_due(backend, max_attempts=max_attempts)
        if not loop or any(counts.values()):
            click.echo(f"{counts['sent']} sent, {counts['retrying']} to retry, {counts['failed']} failed")
        if not loop:
            return
        time.sleep(interval)


@click.group("sessions", help="Sign-in sessions.")
def sessions_cli():
    pass


@sessions_cli.command("purge")
@with_appcontext
def sessions_purge():
    """Delete expired sign-ins, and unfinished forms past their expiry (the answers in them too)."""
    counts = run_by_hand("purge-expired")
    click.echo(f"{counts['sign_ins']} expired sign-ins removed, {counts['forms']} unfinished forms removed")


@click.group("forms", help="Form definitions written by the web team.")
def forms_cli():
    pass


@forms_cli.command("check")
@click.argument("folder", required=False, type=click.Path(exists=True, file_okay=False, path_type=Path))
def forms_check(folder: Path | None):
    """Check every definition in FOLDER (by default the app's definitions folder)."""
    from app.form_model.loader import DefinitionError, load_folder
    from app.forms_engine import DEFAULT_FOLDER

    folder = folder or Path(current_app.config.get("FORM_DEFINITIONS_DIR") or DEFAULT_FOLDER)
    try:
        settings = current_app.config.get("SERVICE_SETTINGS_DIR")
        definitions = load_folder(folder, Path(settings) if settings else None)
    except DefinitionError as error:
        for problem in error.problems:
            click.echo(str(problem), err=False)
        raise SystemExit(1) from error
    count = len(definitions)
    click.echo(f"{count} form definition is valid" if count == 1 else f"{count} form definitions are valid")


@forms_cli.command("new")
@click.argument("name")
@click.option("--folder", type=click.Path(file_okay=False, path_type=Path), default=None)
def forms_new(name: str, folder: Path | None):
    """Start a new definition called NAME (lower case and hyphens, like report-a-pothole)."""
    from app.form_model.schema import SLUG
    from app.forms_engine import DEFAULT_FOLDER

    if not SLUG.fullmatch(name):
        raise click.ClickException("Use lower-case letters, numbers and hyphens, starting with a letter")
    folder = folder or Path(current_app.config.get("FORM_DEFINITIONS_DIR") or DEFAULT_FOLDER)
    target = folder / f"{name}.yaml"
    if target.exists():
        raise click.ClickException(f"{target} already exists")
    scaffold = (Path(__file__).parent / "forms_engine" / "scaffold.yaml").read_text(encoding="utf-8")
    target.write_text(scaffold.replace("id: NAME", f"id: {name}"), encoding="utf-8")
    click.echo(f"Created {target}. Edit it, then run `flask forms check`.")


@click.group("payments", help="Card payments through Stripe.")
def payments_cli():
    pass


@payments_cli.command("reconcile")
@click.option("--after-minutes", default=2, show_default=True, help="Only payments started at least this long ago.")
@with_appcontext
def payments_reconcile(after_minutes: int):
    """Ask Stripe about payments still pending (a webhook that never came) and settle them."""
    from app.services import payments

    counts = run_by_hand(
        "reconcile-payments", lambda: payments.reconcile_pending_payments(settle_after_minutes=after_minutes)
    )
    click.echo(f"{counts['checked']} pending payments checked with Stripe, {counts['settled']} settled")


@click.group("bookings", help="Booked collections.")
def bookings_cli():
    pass


@bookings_cli.command("remind")
@with_appcontext
def bookings_remind():
    """Remind everyone whose collection is tomorrow (run once a day)."""
    counts = run_by_hand("bulky-waste-reminders")
    click.echo(f"{counts['queued']} reminders queued")


@click.group("council-tax", help="Council tax accounts, copied from the revenues system's extract.")
def council_tax_cli():
    pass


@council_tax_cli.command("import")
@click.argument("folder", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--batch-size", default=500, show_default=True, help="Accounts stored (and committed) at a time.")
@with_appcontext
def council_tax_import(folder: Path, batch_size: int):
    """Import the extract in FOLDER (docs/council-tax.md). Running it again changes nothing.

    Refused lines are listed with their file, line and reason; an account with a refused line keeps
    the copy it had. Exits with status 3 when any line was refused, 1 when the extract cannot be read."""
    from app.services.council_tax import extract

    try:
        report = extract.import_folder(
            folder,
            batch_size=max(1, batch_size),
            on_batch=db.session.commit,
            on_rejected=lambda rejected: click.echo(f"refused: {rejected}", err=True),
        )
    except extract.ExtractError as error:
        db.session.rollback()
        raise click.ClickException(str(error)) from error
    for name, counts in (("properties", report.properties), ("accounts", report.accounts)):
        click.echo(
            f"{name}: {counts['added']} added, {counts['updated']} updated, {counts['unchanged']} unchanged, "
            f"{counts['rejected']} refused"
        )
    if report.rejected_lines:
        click.echo(f"{report.rejected_lines} lines refused", err=True)
        raise SystemExit(3)


@council_tax_cli.command("export")
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path))
@click.option("--again", "again", type=int, default=None, help="Write this finished batch's file again.")
@with_appcontext
def council_tax_export(folder: Path, again: int | None):
    """Write the requests waiting for the revenues system into FOLDER as a batch of JSON lines
    (docs/council-tax.md). Each request goes in one batch only; an unfinished batch is written again."""
    from app.services.council_tax import export

    if again is not None:
        written = export.write_again(folder, again)
        if written is None:
            raise click.ClickException(f"there is no finished batch {again}")
        click.echo(f"batch {written.batch_id}: {written.requests} requests written again to {written.path}")
        return
    done = export.export(folder, commit=db.session.commit)
    for written in done:
        click.echo(f"batch {written.batch_id}: {written.requests} requests written to {written.path}")
    if not done:
        click.echo("nothing waiting")


@council_tax_cli.command("demo-extract")
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path))
@click.option("--synthetic", default=0, help="Made-up properties instead of the gazetteer's (for benchmarks).")
@click.option("--accounts-per-property", default=4.0, show_default=True)
@with_appcontext
def council_tax_demo_extract(folder: Path, synthetic: int, accounts_per_property: float):
    """Write a generated extract into FOLDER: for the gazetteer's properties, or --synthetic N made-up ones."""
    from app.services import cases
    from app.services.council_tax import demo, demo_extract

    if current_app.config["ENV_NAME"] == "production":
        raise click.ClickException("Demo data is never made in production")
    section = demo.settings()
    if section is None:
        raise click.ClickException("app/service_settings/council-tax.yaml has no council_tax section")
    if synthetic:
        addresses = demo_extract.synthetic_addresses(synthetic)
    else:
        from app.models import GazetteerAddress

        addresses = [
            demo_extract.Address(found.uprn, found.line_1, found.line_2 or "", found.town, found.postcode)
            for found in db.session.scalars(db.select(GazetteerAddress).order_by(GazetteerAddress.uprn))
        ]
    counts = demo_extract.write(
        folder,
        addresses,
        demo.generator_settings(section),
        cases.london_today(),
        accounts_per_property=accounts_per_property,
        demo_resident=not synthetic,
    )
    click.echo(", ".join(f"{name}: {count} lines" for name, count in counts.items()))
