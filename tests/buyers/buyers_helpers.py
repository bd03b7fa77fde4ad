"""Shared data for the buyers tests (a uniquely named module: tests/ dirs have no __init__)."""
from datetime import date, timedelta

from buyers import credit_code

VALID_CODES = ["914403001922038216", "91330100799655058B", "9144030071526726XG", "91110108551385082Q",
               "91440300708461136T"]  # Huawei, Alibaba (China), Tencent, Xiaomi, and one more real code


def demand_form(**overrides) -> dict:
    today = date.today()
    data = {"product_name": "脐橙", "variety": "纽荷尔", "spec": "75mm以上", "quantity_min": "10",
            "quantity_max": "20", "unit": "吨", "price_max": "3.5", "price_unit": "元/斤",
            "delivery_county_code": "440305", "preferred_province_codes": "360000",
            "needed_from": today.isoformat(), "needed_to": (today + timedelta(days=60)).isoformat(),
            "frequency": "weekly", "notes": ""}
    data.update(overrides)
    return data



def code_for(seed: int, region: str = "360702") -> str:
    """A valid credit code (check digit computed) for tests and demo data."""
    return credit_code.complete(f"91{region}MA{seed:07d}"[:17])


def listing_form(**overrides) -> dict:
    today = date.today()
    data = {"product": "赣南脐橙", "variety": "纽荷尔", "spec": "80mm以上", "quantity": "30000", "unit": "斤",
            "price": "3.00", "price_unit": "元/斤", "min_order": "500", "available_from": today.isoformat(),
            "available_to": (today + timedelta(days=90)).isoformat(), "county_code": "360732",
            "certifications": ["green_food"], "description": "果园直供", "status": "active"}
    data.update(overrides)
    return data
