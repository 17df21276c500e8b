"""Open311 GeoReport v2 (https://wiki.open311.org/GeoReport_v2), with FixMyStreet's
servicerequestupdates: other systems read our street report categories, send reports in and read
their status back. No request objects here: the blueprint in app/open311/ parses the call and
renders what these modules return.

- `service_list`: the categories as services, and each one's attributes from its form definition.
- `intake`: a posted report becomes a case through the same journey and submit as the web form.
- `service_requests`: reports as service requests (list with filters, one, tokens).
- `request_updates`: public updates as FixMyStreet's request updates.
- `documents`: the JSON and XML shapes, errors included.
"""

from app.services.open311.errors import Open311Error

__all__ = ["Open311Error"]
