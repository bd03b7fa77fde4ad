"""Registers the produce pages: search and listing pages, my listings, profile, import, catalogue admin."""
from produce import views_catalogue, views_import, views_listings, views_profile, views_search  # noqa: F401
from produce.blueprint import bp

__all__ = ["bp"]
