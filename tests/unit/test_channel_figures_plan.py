"""The channel figures' count of open requests past their due date in one ward or at one place
reads a range of one index and not the cases (at a million cases it was most of the page's time)."""

from datetime import date

import pytest
import sqlalchemy as sa

from app.models import Base, Case
from app.services.channel_figures import OPEN


@pytest.mark.parametrize(
    ("where", "index"),
    [(Case.ward == "Riverside", "ix_cases_open_ward_due"), (Case.place_id == 1, "ix_cases_open_place_due")],
)
def test_open_past_due_in_a_ward_or_at_a_place_reads_only_its_index(where, index):
    engine = sa.create_engine("sqlite://")
    Base.metadata.create_all(engine)
    query = sa.select(sa.func.count()).select_from(Case).where(OPEN, Case.due_date < date(2026, 5, 1), where)
    sql = str(query.compile(engine, compile_kwargs={"literal_binds": True}))
    with engine.connect() as connection:
        plan = " ".join(row[-1] for row in connection.exec_driver_sql("EXPLAIN QUERY PLAN " + sql))
    assert f"COVERING INDEX {index}" in plan and "due_date<?" in plan, plan
