"""The navigation of each role: (label, endpoint, roles). Endpoints not (yet) registered are hidden."""
from flask_babel import lazy_gettext as _l

ANYONE = None
NAV_ITEMS = [
    (_l("Browse produce"), "produce.search", ANYONE),
    (_l("My listings"), "produce.my_listings", {"producer"}),
    (_l("My farm"), "produce.profile", {"producer"}),
    (_l("Find suppliers"), "buyers.supplier_search", {"buyer"}),
    (_l("My demands"), "buyers.my_demands", {"buyer"}),
    (_l("Buyer database"), "buyers.admin_list", {"official", "admin"}),
    (_l("Fairs"), "fairs.index", ANYONE),
    (_l("My schedule"), "fairs.my_schedule", {"producer", "buyer"}),
    (_l("Demonstration counties"), "counties.index", ANYONE),
    (_l("Users"), "accounts.admin_users", {"admin"}),
    (_l("Catalogue"), "produce.catalogue_admin", {"admin"}),
]


def items_for(role: str | None) -> list[tuple[str, str]]:
    return [(label, endpoint) for label, endpoint, roles in NAV_ITEMS if roles is ANYONE or role in roles]
