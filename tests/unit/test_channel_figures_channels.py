"""Every way a request can be made shows in the council's figures: counted, costed, labelled and
drawn with a pattern of its own. The figures once kept a closed list of channels, and a new channel
(Open311, then ward councillors) broke the figures page until someone noticed."""

import pytest

from app.models import Channel
from app.services.channel_figures import TRANSACTION_CHANNELS, TRANSACTION_UNIT
from app.services.channel_figures_charts import SERIES
from app.services.channel_figures_counts import transaction_channel
from app.staff.figures_tables import TRANSACTION_LABELS
from config import load_config


@pytest.mark.parametrize("place_id", [None, 7])
@pytest.mark.parametrize("channel", list(Channel))
def test_every_channel_is_counted_costed_and_labelled(channel, place_id, tmp_path):
    counted_as = transaction_channel(channel, place_id)
    assert counted_as in TRANSACTION_CHANNELS
    assert TRANSACTION_UNIT[counted_as] in load_config({"DOORSTEP_INSTANCE_PATH": str(tmp_path)})["UNIT_COSTS_PENCE"]
    assert TRANSACTION_LABELS[counted_as]


def test_each_channel_has_a_pattern_of_its_own():
    assert len(SERIES) >= len(TRANSACTION_CHANNELS)
    assert len(set(SERIES)) == len(SERIES)
