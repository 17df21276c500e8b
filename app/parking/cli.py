"""`flask parking ...`: the council's parking zones."""

from pathlib import Path

import click

from app.extensions import db


@click.group("parking", help="Parking permits: zones and which addresses may have permits.")
def parking_cli():
    pass


@parking_cli.command("import-zones")
@click.argument("csv_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def import_zones(csv_file: Path):
    """Put addresses in zones from a CSV with uprn,zone,eligibility,reason columns (and optionally
    source). Safe to run again: unchanged lines change nothing. Lines with problems are listed and
    skipped; the others are imported, and the command then exits with status 1."""
    from app.services import parking

    try:
        result = parking.import_zones(csv_file)
    except UnicodeDecodeError:
        raise click.ClickException(f"{csv_file.name} is not a UTF-8 text file") from None
    db.session.commit()
    for line in result.rejected:
        click.echo(f"rejected: {csv_file.name} {line}", err=True)
    click.echo(
        f"{result.added} added, {result.changed} changed, {result.unchanged} unchanged, "
        f"{result.removed} taken out of their zone, {len(result.rejected)} rejected"
    )
    if result.rejected:
        raise SystemExit(1)
