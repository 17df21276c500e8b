"""Money as people read it. Amounts are always integer pence."""


def format_pence(pence: int) -> str:
    """3500 as "35.00", 123456 as "1,234.56" (no pound sign: for form boxes)."""
    return f"{pence // 100:,}.{pence % 100:02d}"


def pounds(pence: int) -> str:
    """3500 as "£35.00"; a negative amount as "-£5.00"."""
    sign = "-" if pence < 0 else ""
    return f"{sign}£{format_pence(abs(pence))}"
