"""Errors the fairs services raise; views turn them into field errors, flashes or 409 pages."""


class FairError(Exception):
    """A rule was broken; nothing was written. `field` names the form field (or None for the whole form)."""

    def __init__(self, field: str | None, message: str):
        super().__init__(message)
        self.field = field
        self.message = str(message)


class SlotTaken(FairError):
    """The slot was booked by someone else first (the database said so)."""
