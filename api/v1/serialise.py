"""Turning feature packages' exceptions into API errors, in one place."""
from api.errors import fail


def service_error(error):
    """A feature service refused input (ListingError, BuyerError...): 422 naming every field."""
    errors = getattr(error, "errors", None) or {error.field: error.message}
    fail(422, error.message, fields={name: [str(message)] for name, message in errors.items()})


def version_conflict(error, current_version=None):
    fail(409, str(error), code="version_conflict",
         fields={"version": [f"current version is {current_version}" if current_version is not None
                             else "stale version"]})
