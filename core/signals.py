"""Signals between packages, so that a writer need not know its readers.

produce sends listing_saved after a listing is committed; buyers listens to notify saved searches
and to refresh the stored matches of that one listing (incremental, never the whole world).
"""
from blinker import Namespace

_signals = Namespace()

# sender: the Listing; keyword `created` (bool). Sent after commit.
listing_saved = _signals.signal("listing-saved")
# sender: None; keyword `listing_ids` (list of int). Sent after a large import commits, instead of one
# listing_saved per listing: receivers refresh and notify in bulk.
listings_imported = _signals.signal("listings-imported")
# sender: the Demand; keyword `created` (bool). Sent after commit.
demand_saved = _signals.signal("demand-saved")
