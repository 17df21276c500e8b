import pytest

from app.models import Role
from tests.factories import make_user, sign_in
from tests.page_weight import BUDGET_BYTES, measure
from tests.routes import all_routes, is_page

pytestmark = pytest.mark.db


def test_every_page_is_within_the_page_weight_budget(app, client):
    sign_in(client, make_user(role=Role.ADMIN))
    weights = []
    for route in all_routes(app):
        if is_page(app, route):
            weights.append(measure(client.raw, route.url(app)))
    assert len(weights) > 20
    heaviest = max(weights, key=lambda weight: weight.total)
    assert heaviest.total <= BUDGET_BYTES, f"{heaviest.url} downloads {heaviest.total} bytes"
    # The stylesheet and script must be counted, compressed.
    assert all(len(weight.assets) == 2 for weight in weights)
    assert heaviest.total > 8_000
