"""API v1 resources. Each module holds one flask-smorest blueprint `blp`; a resource whose feature package is
not installed (its branch not merged yet) is left out of the app and of the spec."""
import importlib

# (module, feature packages it calls)
RESOURCES = (
    ("auth", ()),
    ("regions", ()),
    ("products", ("produce",)),
    ("listings", ("produce",)),
    ("producers", ("produce", "buyers")),
    ("buyers", ("buyers",)),
    ("demands", ("buyers", "produce")),
    ("matches", ("buyers", "produce")),
    ("fairs", ("fairs", "produce", "buyers")),
    ("meetings", ("fairs", "produce", "buyers")),
    ("counties", ("counties",)),
)


def blueprints():
    found = []
    for module_name, needs in RESOURCES:
        if not all(_installed(pkg) for pkg in needs):
            continue
        found.append(importlib.import_module(f"api.v1.{module_name}").blp)
    return found


def _installed(package: str) -> bool:
    try:
        importlib.import_module(f"{package}.services")
    except ModuleNotFoundError as error:
        if error.name and error.name.split(".")[0] == package:
            return False
        raise
    return True
