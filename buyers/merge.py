"""Merging two buyer records and undoing a merge from its audit record.

The survivor takes the other record's contacts, demands and users; fields empty on the survivor are
filled from the other record. The merged record stays (inactive, merged_into_id = survivor) so its
history remains and the merge can be reversed: the audit entry lists exactly what moved.
"""
from decimal import Decimal

import sqlalchemy as sa
from flask_babel import gettext as _

from buyers import queries
from buyers.models import BuyerContact, BuyerMember, BuyerOrg, Demand
from buyers.services import BuyerError, PermissionDenied, org_snapshot
from core import audit
from core.audit import AuditLog
from core.db import db

FILLABLE = ("credit_code", "address", "annual_volume_tons", "source")


def _ids(model, buyer_id: int) -> list[int]:
    return list(db.session.scalars(sa.select(model.id).where(model.buyer_id == buyer_id).order_by(model.id)))


def _move(model, ids: list[int], to_buyer: int) -> None:
    if ids:
        db.session.execute(sa.update(model).where(model.id.in_(ids)).values(buyer_id=to_buyer))


def merge_orgs(user, survivor: BuyerOrg, merged: BuyerOrg) -> AuditLog:
    if not (queries.can_manage_org(user, survivor) and queries.can_manage_org(user, merged)):
        raise PermissionDenied()
    if survivor.id == merged.id:
        raise BuyerError("merged_id", _("Choose two different records."))
    if survivor.merged_into_id or merged.merged_into_id:
        raise BuyerError("merged_id", _("One of these records has been merged already."))
    before = {"survivor": org_snapshot(survivor), "merged": org_snapshot(merged)}
    moved = {"contact_ids": _ids(BuyerContact, merged.id), "demand_ids": _ids(Demand, merged.id),
             "member_ids": _ids(BuyerMember, merged.id)}
    filled = {}
    for name in FILLABLE:
        if getattr(survivor, name) in (None, "", "manual") and getattr(merged, name) not in (None, ""):
            filled[name] = getattr(merged, name)
    if "credit_code" in filled:
        merged.credit_code = None
        db.session.flush()  # the code is unique: free it before the survivor takes it
    for name, value in filled.items():
        setattr(survivor, name, value)
    _move(BuyerContact, moved["contact_ids"], survivor.id)
    _move(Demand, moved["demand_ids"], survivor.id)
    _move(BuyerMember, moved["member_ids"], survivor.id)
    merged.active = False
    merged.merged_into_id = survivor.id
    after = {"survivor_id": survivor.id, "merged_id": merged.id, **moved,
             "filled": {k: (str(v) if v is not None else None) for k, v in filled.items()}}
    entry = audit.record("buyer.merge", "buyer", survivor.id, before=before, after=after, actor=user)
    audit.record("buyer.merged_into", "buyer", merged.id, before=before["merged"], after=after, actor=user)
    db.session.commit()
    db.session.expire_all()
    return entry


def merge_entry(entry_id: int) -> AuditLog | None:
    entry = db.session.get(AuditLog, entry_id)
    return entry if entry is not None and entry.action == "buyer.merge" else None


def can_undo(entry: AuditLog) -> bool:
    merged = db.session.get(BuyerOrg, entry.after["merged_id"])
    return merged is not None and merged.merged_into_id == entry.after["survivor_id"]


def undo_merge(user, entry: AuditLog) -> BuyerOrg:
    """Moves back what the merge moved and restores the merged record; refuses when undone already."""
    after = entry.after
    survivor = db.session.get(BuyerOrg, after["survivor_id"])
    merged = db.session.get(BuyerOrg, after["merged_id"])
    if survivor is None or merged is None or not can_undo(entry):
        raise BuyerError("merge", _("This merge has been undone already."))
    if not (queries.can_manage_org(user, survivor) and queries.can_manage_org(user, merged)):
        raise PermissionDenied()
    old = entry.before["survivor"]
    for name, value in after["filled"].items():
        current = getattr(survivor, name)
        if current is not None and str(current) == value:  # not changed since the merge
            restored = old[name]
            if name == "annual_volume_tons" and restored is not None:
                restored = Decimal(restored)
            setattr(survivor, name, restored)
    db.session.flush()
    merged.credit_code = entry.before["merged"]["credit_code"]
    merged.active = entry.before["merged"]["active"]
    merged.merged_into_id = None
    for model, key in ((BuyerContact, "contact_ids"), (Demand, "demand_ids"), (BuyerMember, "member_ids")):
        ids = [i for i in after[key] if db.session.get(model, i) is not None]
        _move(model, ids, merged.id)
    audit.record("buyer.unmerge", "buyer", survivor.id, before=after, after={"restored_id": merged.id}, actor=user)
    audit.record("buyer.unmerged", "buyer", merged.id, after=org_snapshot(merged), actor=user)
    db.session.commit()
    db.session.expire_all()
    return merged


def merged_ids_into(org: BuyerOrg) -> list[int]:
    """Records merged into this one (their history shows on the survivor's history page)."""
    return list(db.session.scalars(sa.select(BuyerOrg.id).where(BuyerOrg.merged_into_id == org.id)))


def history_entries(org: BuyerOrg) -> list[AuditLog]:
    """The record's audit history including that of the records merged into it."""
    entries = audit.history("buyer", org.id)
    for merged_id in merged_ids_into(org):
        entries.extend(audit.history("buyer", merged_id))
    return sorted(entries, key=lambda e: (e.at, e.id), reverse=True)
