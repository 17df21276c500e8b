"""`flask councillors digest`: the ward councillors' digests now, into the outbox."""

import click
import sqlalchemy as sa
from flask.cli import with_appcontext

from app.extensions import db
from app.models import Role, User, utcnow
from app.scheduler.cli import run_by_hand
from app.services import councillors


@click.group("councillors", help="Ward councillors and their digests.")
def councillors_cli():
    pass


@councillors_cli.command("digest")
@click.option("--to", "email", help="Send this councillor's digest now, whatever day it is.")
@with_appcontext
def digest(email):
    """Send today's digests (as the scheduler's job does), or one councillor's now."""
    if email is None:
        counts = run_by_hand("councillor-digests")
        click.echo(f"{counts['sent']} digests sent, {counts['nothing_new']} with nothing new")
        return
    councillor = db.session.scalar(sa.select(User).where(User.email == email, User.role == Role.COUNCILLOR))
    if councillor is None:
        raise click.ClickException(f"No ward councillor has the email address {email}")
    try:
        sent = councillors.send_digest_now(councillor, utcnow())
    except councillors.CouncillorError as error:
        raise click.ClickException("That councillor has not chosen how to get the digest") from error
    db.session.commit()
    click.echo("Digest queued in the outbox" if sent else "Nothing new in their wards: no digest sent")
