import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base


class GazetteerAddress(Base):
    """One addressable property from the council's gazetteer (LLPG extract), keyed by UPRN."""

    __tablename__ = "gazetteer_addresses"

    uprn: Mapped[int] = mapped_column(sa.BigInteger, primary_key=True, autoincrement=False)
    line_1: Mapped[str] = mapped_column(sa.String(200))
    line_2: Mapped[str | None] = mapped_column(sa.String(200))
    town: Mapped[str] = mapped_column(sa.String(100))
    postcode: Mapped[str] = mapped_column(sa.String(10))
    postcode_key: Mapped[str] = mapped_column(sa.String(8), index=True)
    ward: Mapped[str] = mapped_column(sa.String(100))

    @property
    def single_line(self) -> str:
        return ", ".join(part for part in (self.line_1, self.line_2, self.town, self.postcode) if part)
