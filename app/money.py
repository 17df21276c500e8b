"""Money as people read it. Amounts are always integer pence."""

import re


def format_pence(pence: int) -> str:
    """3500 as "35.00", 123456 as "1,234.56" (no pound sign: for form boxes)."""
    return f"{pence // 100:,}.{pence % 100:02d}"


def pounds(pence: int) -> str:
    """3500 as "£35.00"; a negative amount as "-£5.00"."""
    sign = "-" if pence < 0 else ""
    return f"{sign}£{format_pence(abs(pence))}"


def parse_pounds(text: str) -> int | None:
    """What a person typed as an amount, in pence: "12", "12.5", "£1,234.56"; None if it is not one."""
    cleaned = (text or "").strip().removeprefix("£").strip()
    if not re.fullmatch(r"(\d{1,3}(,\d{3})+|\d{1,9})(\.\d{1,2})?", cleaned):
        return None
    whole, _, fraction = cleaned.replace(",", "").partition(".")
    return int(whole) * 100 + int((fraction + "00")[:2])
