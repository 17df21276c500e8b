"""The council's services, listed on the home page. Later features add online forms to them."""

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l


@dataclass(frozen=True)
class ServiceEntry:
    slug: str
    title: str
    summary: str
    details: str


SERVICES = (
    ServiceEntry(
        "bulky-waste",
        _l("Book a bulky waste collection"),
        _l("Have large household items like sofas, mattresses and fridges collected from your home."),
        _l("We collect up to 5 large items for a fixed price. You choose a collection date and pay when you book."),
    ),
    ServiceEntry(
        "parking-permits",
        _l("Parking permits"),
        _l("Apply for, renew or change a resident, visitor or business parking permit."),
        _l(
            "Permits are for controlled parking zones. You need your vehicle registration number and proof that you live in the zone."
        ),
    ),
    ServiceEntry(
        "council-tax",
        _l("Council tax"),
        _l("See your bill and balance, pay, tell us you are moving, or apply for a discount."),
        _l("You need your council tax account reference, which is printed on your bill."),
    ),
    ServiceEntry(
        "report-street-problem",
        _l("Report a street problem"),
        _l("Tell us about fly-tipping, graffiti, abandoned vehicles, litter or dog fouling."),
        _l("Tell us where the problem is and what it looks like. You can report anonymously."),
    ),
    ServiceEntry(
        "alternative-formats",
        _l("Ask for a document in another format"),
        _l(
            "Get a letter or document in large print, braille, audio, easy read, British Sign Language or another language."
        ),
        _l(
            "Tell us which document you need and the format you need it in. We can send everything in that format from now on."
        ),
    ),
)

BY_SLUG = {entry.slug: entry for entry in SERVICES}


@dataclass(frozen=True)
class Listing:
    slug: str
    title: str
    summary: str


def home_page_services(language: str) -> list[Listing]:
    """The services on the home page: online forms by their definitions, the rest from this list."""
    from app import forms_engine
    from app.services import street_reports

    definitions = forms_engine.definitions()
    listed_under_a_service = street_reports.category_form_ids()
    listed = [
        Listing(entry.slug, definitions[entry.slug].title.get(language), definitions[entry.slug].summary.get(language))
        if entry.slug in definitions
        else Listing(entry.slug, str(entry.title), str(entry.summary))
        for entry in SERVICES
    ]
    listed += [
        Listing(definition.id, definition.title.get(language), definition.summary.get(language))
        for definition in definitions.values()
        if definition.id not in BY_SLUG and definition.id not in listed_under_a_service
    ]
    return listed
