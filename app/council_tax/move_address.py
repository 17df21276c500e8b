"""The address steps moving in and moving within share: a postcode, the gazetteer's addresses at it
(or "my address is not listed"), and an address typed in. Each journey keeps its answers in a draft
in the session and passes the URLs of its own steps."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from flask import redirect, render_template, request

from app.council_tax import move_forms
from app.services import gazetteer
from app.services.council_tax import moves
from app.services.errors import ServiceError


@dataclass(frozen=True)
class Steps:
    postcode: str
    choose: str
    manual: str
    after: str  # the journey's next page once the address is known
    back: str  # the page before the postcode


def postcode_step(draft: dict, save: Callable[[dict], None], steps: Steps, **values):
    form = move_forms.FindAddressForm(data={"postcode": draft.get("postcode", "")} if request.method == "GET" else None)
    if form.validate_on_submit():
        draft["postcode"] = gazetteer.format_postcode(form.postcode.data)
        save(draft)
        return redirect(steps.choose)
    return render_template("council_tax/move_postcode.html", form=form, steps=steps, **values)


def choose_step(draft: dict, save: Callable[[dict], None], steps: Steps, check=None, **values):
    """The addresses at the postcode; check (optional) refuses one the journey cannot take."""
    if not draft.get("postcode"):
        return redirect(steps.postcode)
    addresses = gazetteer.find_by_postcode(draft["postcode"])
    form = move_forms.ChooseAddressForm()
    chosen = (draft.get("address") or {}).get("uprn")
    if request.method == "GET" and chosen:
        form.address.data = str(chosen)
    form.address.choices = [(str(found.uprn), found.single_line) for found in addresses]
    if form.validate_on_submit():
        try:
            address = moves.listed_address(int(form.address.data), draft["postcode"])
            if check is not None:
                check(address)
        except ServiceError as error:
            form.address.errors = [*form.address.errors, error.message]
        else:
            draft["address"] = address.as_dict()
            save(draft)
            return redirect(steps.after)
    return render_template(
        "council_tax/move_choose_address.html", form=form, steps=steps, postcode=draft["postcode"], **values
    )


def manual_step(draft: dict, save: Callable[[dict], None], steps: Steps, **values):
    saved = draft.get("address") or {}
    data = None
    if request.method == "GET" and saved and saved.get("uprn") is None:
        lines = list(saved["lines"])
        town = lines.pop() if lines else ""
        data = {
            "address_line_1": lines[0] if lines else "",
            "address_line_2": lines[1] if len(lines) > 1 else "",
            "town": town,
            "postcode": saved["postcode"],
        }
    elif request.method == "GET":
        data = {"postcode": draft.get("postcode", "")}
    form = move_forms.ManualAddressForm(data=data)
    if form.validate_on_submit():
        lines = tuple(line for line in (form.address_line_1.data, form.address_line_2.data, form.town.data) if line)
        draft["address"] = moves.NewAddress(None, lines, gazetteer.format_postcode(form.postcode.data)).as_dict()
        save(draft)
        return redirect(steps.after)
    return render_template("council_tax/move_manual_address.html", form=form, steps=steps, **values)
