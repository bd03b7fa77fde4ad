"""Public browse and search, and a listing's page with its photos."""
from flask import abort, current_app, render_template, request, send_from_directory
from flask_login import current_user

from core import regions
from core.cache import fragment
from core.db import db
from produce.blueprint import bp
from produce.cards import cards_for
from produce.catalogue_services import CATEGORY_NAMES
from produce.forms import CERT_LABELS, SORT_LABELS, STATUS_LABELS, ContactForm
from produce.models import CERTIFICATIONS, Listing, ListingPhoto
from produce.permissions import can_edit_listing, can_view_listing
from produce.photos import photo_dir
from produce.queries import search_listings
from produce.search import SORTS, parse_decimal

MAX_QUERY = 50
SEARCH_ARGS = frozenset({"q", "sort", "page", "category", "region", "certification", "from", "to", "min_kg",
                         "max_price", "poverty"})


def _arg_date(name):
    from datetime import date

    try:
        return date.fromisoformat(request.args.get(name, "").strip())
    except ValueError:
        return None


def filters_from_args(args) -> dict:
    """Search filters from a query string; anything malformed is dropped, never an error page."""
    region = args.get("region", "").strip()
    certification = args.get("certification", "")
    category = args.get("category", "")
    return {
        "category": category if category in CATEGORY_NAMES else None,
        "region": region if regions.get(region) else None,
        "certification": certification if certification in CERTIFICATIONS else None,
        "available_from": _arg_date("from"),
        "available_to": _arg_date("to"),
        "min_quantity_kg": parse_decimal(args.get("min_kg")) if args.get("min_kg") else None,
        "max_price": parse_decimal(args.get("max_price")) if args.get("max_price") else None,
        "poverty_only": args.get("poverty") == "1",
    }


@bp.get("/")
def search():
    q = request.args.get("q", "").strip()[:MAX_QUERY]
    sort = request.args.get("sort", "relevance")
    sort = sort if sort in SORTS else "relevance"
    page_number = min(request.args.get("page", 1, type=int) or 1, 1000)
    filters = filters_from_args(request.args)

    def render_body():
        page = search_listings(q, filters, sort=sort, page=page_number, per_page=current_app.config["PAGE_SIZE"],
                               load=cards_for)
        return render_template("produce/_search_body.html", page=page, q=q, sort=sort, filters=filters,
                               categories=CATEGORY_NAMES, cert_labels=CERT_LABELS, sort_labels=SORT_LABELS,
                               provinces=regions.children(None))

    return render_template("produce/search.html", body=_cached_body(render_body))


def _cached_body(render_body):
    """The form and results are the same for every visitor asking the same way: cached (core/cache.py) under the
    exact query string, which the pager's links repeat. Unknown parameters would only fill the cache: rendered
    afresh."""
    args = sorted(request.args.items(multi=True))
    if any(name not in SEARCH_ARGS for name, _value in args):
        return render_body()
    return fragment("listings", args, render_body)


def visible_listing_or_404(listing_id: int) -> Listing:
    listing = db.session.get(Listing, listing_id)
    if listing is None or not can_view_listing(current_user, listing):
        abort(404)
    return listing


@bp.get("/listings/<int:listing_id>")
def listing_detail(listing_id):
    listing = visible_listing_or_404(listing_id)
    matches = _matching_demands(listing) if can_edit_listing(current_user, listing) else []
    return render_template("produce/listing_detail.html", listing=listing, cert_labels=CERT_LABELS,
                           status_labels=STATUS_LABELS,
                           contact_form=ContactForm(), can_edit=can_edit_listing(current_user, listing),
                           regions_chain=[*regions.ancestors(listing.county_code), regions.get(listing.county_code)],
                           matches=matches)


def _matching_demands(listing):
    """The buyers' demands that match (once buyers/matches.py exists)."""
    try:
        from buyers.matches import demands_for_listing
    except ImportError:
        return []
    return demands_for_listing(listing.id, top=5)


@bp.get("/photos/<name>")
def photo(name):
    photo = db.session.query(ListingPhoto).filter(
        (ListingPhoto.filename == name) | (ListingPhoto.thumb_filename == name)).first()
    if photo is None or not can_view_listing(current_user, photo.listing):
        abort(404)
    response = send_from_directory(photo_dir(), name, mimetype=photo.content_type, max_age=3600)
    response.headers["X-Content-Type-Options"] = "nosniff"
    if photo.listing.status not in ("active", "sold_out", "expired"):
        response.headers["Cache-Control"] = "private, no-store"
    return response
