"""Errors the fairs services raise; views turn them into field errors, flashes or 409 pages."""


class FairError(Exception):
    """A rule was broken; nothing was written. `field` names the form field (or None for the whole form)."""

    def __init__(self, field: str | None, message: str):
        super().__init__(message)
        self.field = field
        self.message = str(message)


class SlotTaken(FairError):
    """The slot was booked by someone else first (the database said so)."""


def link(endpoint: str, **values) -> str:
    """A relative URL for notifications, also outside a request (jobs, CLI, tests call the services)."""
    from flask import current_app, has_request_context, url_for

    if has_request_context():
        return url_for(endpoint, **values)
    with current_app.test_request_context("/"):
        return url_for(endpoint, **values)
