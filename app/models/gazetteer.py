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
    # Where the property is (WGS84), when the extract gives it: a street report placed by this
    # address gets its point, and the point its ward.
    latitude: Mapped[float | None] = mapped_column(sa.Float)
    longitude: Mapped[float | None] = mapped_column(sa.Float)

    @property
    def single_line(self) -> str:
        return ", ".join(part for part in (self.line_1, self.line_2, self.town, self.postcode) if part)


class Street(Base):
    """One street from the council's street gazetteer (NSG extract), keyed by USRN, with a point on
    it: people who do not know a postcode find a street by its name."""

    __tablename__ = "streets"

    usrn: Mapped[int] = mapped_column(sa.BigInteger, primary_key=True, autoincrement=False)
    name: Mapped[str] = mapped_column(sa.String(200))
    # The name in lower case with single spaces, for searching by any part of it.
    name_key: Mapped[str] = mapped_column(sa.String(200), index=True)
    town: Mapped[str] = mapped_column(sa.String(100))
    latitude: Mapped[float] = mapped_column(sa.Float)
    longitude: Mapped[float] = mapped_column(sa.Float)

    @property
    def single_line(self) -> str:
        return f"{self.name}, {self.town}"
