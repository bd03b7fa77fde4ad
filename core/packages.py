"""The feature packages and their optional modules (models, views, cli, demo)."""
import importlib
from types import ModuleType

FEATURE_PACKAGES = ("core", "accounts", "produce", "buyers", "fairs", "counties", "api")


def optional_module(package: str, name: str) -> ModuleType | None:
    """<package>.<name> if the package ships it; None when the package or module is absent.

    An ImportError raised *inside* an existing module still propagates: only absence is forgiven.
    """
    try:
        return importlib.import_module(f"{package}.{name}")
    except ModuleNotFoundError as error:
        if error.name in (package, f"{package}.{name}"):
            return None
        raise


def feature_modules(name: str, include_core: bool = True) -> list[ModuleType]:
    packages = FEATURE_PACKAGES if include_core else FEATURE_PACKAGES[1:]
    return [module for package in packages if (module := optional_module(package, name)) is not None]
