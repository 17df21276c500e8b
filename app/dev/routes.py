"""Development only: read the messages the app has queued. Not registered in production."""

from flask import Blueprint, abort, render_template

from app.extensions import db
from app.models import OutboundMessage
from app.services import messages

bp = Blueprint("dev", __name__, url_prefix="/dev", template_folder="templates")


@bp.get("/outbox")
def outbox():
    return render_template("dev/outbox.html", messages=messages.recent())


@bp.get("/outbox/<int:message_id>")
def outbox_message(message_id):
    message = db.session.get(OutboundMessage, message_id)
    if message is None:
        abort(404)
    return render_template("dev/message.html", message=message)
