"""Moving in: for a signed-in person becoming liable at an address in the borough (no account needed).
The answers are kept in the session until the person sends them from "Check your answers"."""

from __future__ import annotations

from datetime import date

from flask import abort, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required

from app.council_tax import move_address, move_forms
from app.council_tax.routes import bp, page_values
from app.i18n import current_language
from app.services import cases, gazetteer
from app.services.council_tax import moves, moving_in
from app.services.council_tax import settings as council_tax_settings
from app.services.errors import ServiceError

DRAFT = "council_tax_moving_in"


def _draft() -> dict:
    saved = session.get(DRAFT)
    return dict(saved) if isinstance(saved, dict) else {}


def _save(draft: dict) -> None:
    session[DRAFT] = draft


def _steps() -> move_address.Steps:
    return move_address.Steps(
        postcode=url_for("council_tax.moving_in_postcode"),
        choose=url_for("council_tax.moving_in_address"),
        manual=url_for("council_tax.moving_in_manual"),
        after=url_for("council_tax.moving_in_details"),
        back=url_for("council_tax.start"),
    )


def _values(**values) -> dict:
    return page_values(journey="in", **values)


def _adults(draft: dict) -> list[str]:
    return list(draft.get("adults") or [])


def _moving(draft: dict) -> moving_in.MovingIn | None:
    """The whole move, once every step is answered."""
    if not all(key in draft for key in ("address", "moving_in_on", "tenure", "previous_lines")) or not _adults(draft):
        return None
    return moving_in.MovingIn(
        address=moves.NewAddress.from_dict(draft["address"]),
        moving_in_on=date.fromisoformat(draft["moving_in_on"]),
        renting=draft["tenure"] == "rents",
        landlord_name=draft.get("landlord_name", ""),
        landlord_address=draft.get("landlord_address", ""),
        adults=tuple(_adults(draft)),
        single_person_discount=bool(draft.get("single_person_discount")),
        previous_lines=tuple(draft["previous_lines"]),
        previous_postcode=draft["previous_postcode"],
    )


@bp.route("/moving-in", methods=["GET", "POST"])
@login_required
def moving_in_postcode():
    return move_address.postcode_step(_draft(), _save, _steps(), **_values())


@bp.route("/moving-in/address", methods=["GET", "POST"])
@login_required
def moving_in_address():
    return move_address.choose_step(_draft(), _save, _steps(), **_values())


@bp.route("/moving-in/address/manual", methods=["GET", "POST"])
@login_required
def moving_in_manual():
    return move_address.manual_step(_draft(), _save, _steps(), **_values())


@bp.route("/moving-in/details", methods=["GET", "POST"])
@login_required
def moving_in_details():
    """The date, owning or renting, and the previous address."""
    draft = _draft()
    if "address" not in draft:
        return redirect(url_for("council_tax.moving_in_postcode"))
    data = None
    if request.method == "GET" and "moving_in_on" in draft:
        lines = list(draft["previous_lines"])
        town = lines.pop() if lines else ""
        data = {
            "moving_in_on": date.fromisoformat(draft["moving_in_on"]),
            "tenure": draft["tenure"],
            "landlord_name": draft.get("landlord_name", ""),
            "landlord_address": draft.get("landlord_address", ""),
            "previous_line_1": lines[0] if lines else "",
            "previous_line_2": lines[1] if len(lines) > 1 else "",
            "previous_town": town,
            "previous_postcode": draft["previous_postcode"],
        }
    form = move_forms.MovingInForm(data=data)
    today = cases.london_today()
    if form.validate_on_submit():
        try:
            moving_in.check_date(form.moving_in_on.data, today)
        except ServiceError as error:
            form.moving_in_on.errors = [*form.moving_in_on.errors, error.message]
        else:
            renting = form.tenure.data == "rents"
            draft.update(
                moving_in_on=form.moving_in_on.data.isoformat(),
                tenure=form.tenure.data,
                landlord_name=form.landlord_name.data if renting else "",
                landlord_address=form.landlord_address.data if renting else "",
                previous_lines=[
                    line
                    for line in (form.previous_line_1.data, form.previous_line_2.data, form.previous_town.data)
                    if line
                ],
                previous_postcode=gazetteer.format_postcode(form.previous_postcode.data),
            )
            _save(draft)
            return redirect(url_for("council_tax.moving_in_adults"))
    earliest, latest = moves.earliest_and_latest(today)
    return render_template(
        "council_tax/moving_in_details.html",
        **_values(form=form, address=moves.NewAddress.from_dict(draft["address"]), example=today, latest=latest),
    )


@bp.route("/moving-in/adults", methods=["GET", "POST"])
@login_required
def moving_in_adults():
    """The adults who live there, one name at a time (the person included)."""
    draft = _draft()
    if "moving_in_on" not in draft:
        return redirect(url_for("council_tax.moving_in_details"))
    adults = _adults(draft)
    form = move_forms.AdultsForm()
    if form.validate_on_submit():
        try:
            adults = moving_in.add_adult(adults, form.name.data or "", another=form.action.data == "add")
        except ServiceError as error:
            form.name.errors = [*form.name.errors, error.message]
        else:
            draft["adults"] = adults
            if len(adults) != 1:
                draft.pop("single_person_discount", None)
            _save(draft)
            if form.action.data == "add":
                return redirect(url_for("council_tax.moving_in_adults"))
            if len(adults) == 1:
                return redirect(url_for("council_tax.moving_in_discount"))
            return redirect(url_for("council_tax.moving_in_check"))
    return render_template(
        "council_tax/moving_in_adults.html",
        **_values(
            form=form, adults=adults, remove_form=move_forms.RemoveAdultForm(), full=len(adults) >= moves.ADULTS_MAX
        ),
    )


@bp.post("/moving-in/adults/remove")
@login_required
def moving_in_remove_adult():
    draft = _draft()
    adults = _adults(draft)
    form = move_forms.RemoveAdultForm()
    if not form.validate_on_submit():
        abort(400)
    index = int(form.index.data)
    if index >= len(adults):
        abort(404)
    adults.pop(index)
    draft["adults"] = adults
    draft.pop("single_person_discount", None)
    _save(draft)
    return redirect(url_for("council_tax.moving_in_adults"))


@bp.route("/moving-in/discount", methods=["GET", "POST"])
@login_required
def moving_in_discount():
    """Only when one adult lives there: the single person discount, asked for here."""
    draft = _draft()
    if len(_adults(draft)) != 1:
        return redirect(url_for("council_tax.moving_in_adults"))
    chosen = draft.get("single_person_discount")
    form = move_forms.DiscountForm(
        data={"single_person_discount": "yes" if chosen else "no"}
        if request.method == "GET" and chosen is not None
        else None
    )
    if form.validate_on_submit():
        draft["single_person_discount"] = form.single_person_discount.data == "yes"
        _save(draft)
        return redirect(url_for("council_tax.moving_in_check"))
    return render_template("council_tax/moving_in_discount.html", **_values(form=form))


@bp.route("/moving-in/check", methods=["GET", "POST"])
@login_required
def moving_in_check():
    """The answers and the estimated bill, before anything is sent."""
    draft = _draft()
    moving = _moving(draft)
    if moving is None:
        return redirect(url_for("council_tax.moving_in_postcode"))
    if len(moving.adults) == 1 and "single_person_discount" not in draft:
        return redirect(url_for("council_tax.moving_in_discount"))
    today = cases.london_today()
    try:
        moving_in.check_date(moving.moving_in_on, today)
    except ServiceError:  # the date was fine when given, but days have passed
        return redirect(url_for("council_tax.moving_in_details"))
    settings = council_tax_settings.current()
    band, estimates = moving_in.estimate(settings, moving, today)
    form = move_forms.BaseForm()
    if form.validate_on_submit():
        sent = moving_in.tell(current_user, moving, band, estimates, settings=settings, language=current_language())
        session.pop(DRAFT, None)
        return redirect(url_for("council_tax.moving_in_sent", reference=sent.details["case_reference"]))
    return render_template(
        "council_tax/moving_in_check.html", **_values(moving=moving, band=band, estimates=estimates, form=form)
    )


@bp.get("/moving-in/sent/<reference>")
@login_required
def moving_in_sent(reference):
    case = moving_in.for_person(current_user, reference)
    if case is None:
        abort(404)
    return render_template("council_tax/moving_in_sent.html", **_values(case=case))
