"""Helpers for the counties tests (a unique module name: several test folders have a conftest.py)."""
from decimal import Decimal


def deals(intent, deal, count):
    """One county's entry in the shape of fairs.queries.deal_amounts_by_county."""
    return {"intent_amount": Decimal(intent), "deal_amount": Decimal(deal), "deals": count}
