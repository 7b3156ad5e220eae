"""Shared by several functions, shipped once as a Lambda layer (python/ is on the import path)."""

VAT = {"pt": 23, "de": 19}


def with_vat(cents: int, country: str) -> int:
    """``cents`` plus the country's VAT, rounded to the cent."""
    return round(cents * (100 + VAT[country]) / 100)
