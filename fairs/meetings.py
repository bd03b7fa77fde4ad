"""Meetings: requests with proposed slots, answers, direct booking of published pairs, the auto-scheduler.

Booking writes one `meeting_seats` row per party in the same transaction as the meeting. Their unique keys
(a participant holds a slot once; numbered seats per day up to the cap) make the database refuse a double
booking even when several workers race; the loser's whole transaction rolls back and it gets SlotTaken.
"""
from collections import defaultdict
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from core import audit
from core.db import db
from core.notifications import notify
from fairs.access import can_organise, party_registration, registration_of
from fairs.errors import FairError, SlotTaken, link
from fairs.models import Fair, Meeting, MeetingSeat, Registration, Suggestion
from fairs.scheduler import Busy, FairGrid, schedule
from fairs.services import fair_days

MAX_PROPOSALS = 3
MEETING_FAIR_STATES = ("open", "registration_closed", "running")
ACTIVE = ("requested", "confirmed")
RETRIES = 3


def grid_of(fair: Fair) -> FairGrid:
    return FairGrid(days=tuple(fair_days(fair)), day_start=fair.day_start, day_end=fair.day_end,
                    slot_minutes=fair.slot_minutes, cap_per_day=fair.max_meetings_per_day)


def busy_of(fair: Fair, grid: FairGrid | None = None) -> Busy:
    grid = grid or grid_of(fair)
    busy = Busy()
    for reg_id, slot in db.session.execute(sa.select(MeetingSeat.registration_id, MeetingSeat.slot_start)
                                           .where(MeetingSeat.fair_id == fair.id)):
        busy.take(grid, reg_id, slot)
    return busy


def free_slots(fair: Fair, *reg_ids: int) -> list[datetime]:
    """Slots (aware UTC) in which every given participant is free and under the daily cap."""
    grid = grid_of(fair)
    busy = busy_of(fair, grid)
    return [s for s in grid.slots() if all(busy.is_free(grid, r, s) for r in reg_ids)]


def parse_slot(fair: Fair, value) -> datetime:
    """An ISO time that is exactly one of the fair's slot starts."""
    try:
        slot = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    except ValueError:
        raise FairError("slots", _("Not a valid time: %(value)s", value=str(value)[:40]))
    if slot.tzinfo is None:
        raise FairError("slots", _("A time needs its time zone."))
    if slot not in set(grid_of(fair).slots()):
        raise FairError("slots", _("%(value)s is not one of the fair's slots.", value=str(value)[:40]))
    return slot


def _check_parties(fair: Fair, mine: Registration | None, other: Registration | None) -> None:
    if fair.status not in MEETING_FAIR_STATES:
        raise FairError(None, _("Meetings cannot be arranged in this state of the fair."))
    if mine is None or mine.status != "approved":
        raise FairError(None, _("Your registration must be approved before you arrange meetings."))
    if other is None or other.fair_id != fair.id or other.status != "approved" or other.role == mine.role:
        raise FairError("counterpart", _("Choose an approved participant on the other side."))


def _sides(mine: Registration, other: Registration) -> tuple[int, int]:
    return (mine.id, other.id) if mine.role == "producer" else (other.id, mine.id)


def _active_between(producer_reg_id: int, buyer_reg_id: int) -> Meeting | None:
    return db.session.scalar(sa.select(Meeting).where(
        Meeting.producer_reg_id == producer_reg_id, Meeting.buyer_reg_id == buyer_reg_id,
        Meeting.status.in_(ACTIVE)))


def request_meeting(user, fair: Fair, counterpart_reg_id: int, slots, note: str = "") -> Meeting:
    mine, other = registration_of(user, fair.id), db.session.get(Registration, counterpart_reg_id)
    _check_parties(fair, mine, other)
    proposed = sorted({parse_slot(fair, s) for s in slots or []})
    if not 1 <= len(proposed) <= MAX_PROPOSALS:
        raise FairError("slots", _("Propose one to three slots."))
    producer_id, buyer_id = _sides(mine, other)
    if _active_between(producer_id, buyer_id):
        raise FairError("counterpart", _("You already have a meeting with this participant."))
    meeting = Meeting(fair_id=fair.id, producer_reg_id=producer_id, buyer_reg_id=buyer_id,
                      proposed_by_reg_id=mine.id, proposed_slots=[s.isoformat() for s in proposed],
                      status="requested", note=(note or "").strip()[:500])
    db.session.add(meeting)
    db.session.flush()
    audit.record("meeting.request", "meeting", meeting.id, after={"slots": meeting.proposed_slots}, actor=user)
    notify(other.user_id, "meeting_request", _("%(name)s asks for a meeting at %(fair)s.",
                                                name=user.display_name or user.email, fair=fair.title),
           link=link("fairs.meeting_detail", meeting_id=meeting.id))
    db.session.commit()
    return meeting


def _take_seats(meeting: Meeting, fair: Fair, slot: datetime) -> None:
    """Adds both parties' seats; the flush makes the database judge them now."""
    grid = grid_of(fair)
    day = grid.day_of(slot)
    for reg_id in (meeting.producer_reg_id, meeting.buyer_reg_id):
        used = set(db.session.scalars(sa.select(MeetingSeat.day_ordinal).where(
            MeetingSeat.fair_id == fair.id, MeetingSeat.registration_id == reg_id, MeetingSeat.day == day)))
        ordinal = next((n for n in range(1, fair.max_meetings_per_day + 1) if n not in used), None)
        if ordinal is None:
            raise SlotTaken("slot", _("The daily meeting limit is reached for that day."))
        db.session.add(MeetingSeat(meeting_id=meeting.id, fair_id=fair.id, registration_id=reg_id,
                                   slot_start=slot, day=day, day_ordinal=ordinal))
    meeting.status, meeting.slot_start = "confirmed", slot
    meeting.slot_end = slot + timedelta(minutes=fair.slot_minutes)
    db.session.flush()


def _with_retries(attempt):
    """Runs attempt() in a fresh transaction; a lost race on a seat number retries, a taken slot does not."""
    for round_ in range(RETRIES):
        try:
            return attempt()
        except IntegrityError as error:
            db.session.rollback()
            if "slot" in str(error.orig).lower() or round_ == RETRIES - 1:
                raise SlotTaken("slot", _("That slot was just taken. Choose another one."))
        except FairError:
            db.session.rollback()
            raise
    raise SlotTaken("slot", _("That slot was just taken. Choose another one."))


def respond(user, meeting: Meeting, action: str, slot=None, new_slots=None) -> Meeting:
    """The party whose turn it is accepts one proposed slot, declines, or proposes others."""
    meeting_id = meeting.id

    def attempt():
        current = db.session.get(Meeting, meeting_id)
        mine = party_registration(user, current)
        if mine is None:
            raise FairError(None, _("You are not a party to this meeting."))
        if current.status != "requested" or current.proposed_by_reg_id == mine.id:
            raise FairError(None, _("This meeting is not waiting for your answer."))
        other = current.buyer_reg if mine.id == current.producer_reg_id else current.producer_reg
        page = link("fairs.meeting_detail", meeting_id=current.id)
        if action == "accept":
            chosen = parse_slot(current.fair, slot)
            if chosen.isoformat() not in current.proposed_slots:
                raise FairError("slot", _("Choose one of the proposed slots."))
            _take_seats(current, current.fair, chosen)
            notify(other.user_id, "meeting_confirmed", _("Your meeting at %(fair)s is confirmed.",
                                                         fair=current.fair.title), link=page)
        elif action == "decline":
            current.status = "declined"
            notify(other.user_id, "meeting_declined", _("A meeting request at %(fair)s was declined.",
                                                        fair=current.fair.title), link=page)
        elif action == "counter":
            proposed = sorted({parse_slot(current.fair, s) for s in new_slots or []})
            if not 1 <= len(proposed) <= MAX_PROPOSALS:
                raise FairError("slots", _("Propose one to three slots."))
            current.proposed_slots = [s.isoformat() for s in proposed]
            current.proposed_by_reg_id = mine.id
            notify(other.user_id, "meeting_counter", _("New times were proposed for your meeting at %(fair)s.",
                                                       fair=current.fair.title), link=page)
        else:
            raise FairError("action", _("Unknown answer."))
        audit.record(f"meeting.{action}", "meeting", current.id, after={"status": current.status}, actor=user)
        db.session.commit()
        return current

    return _with_retries(attempt)


def published_pair(fair_id: int, producer_reg_id: int, buyer_reg_id: int) -> bool:
    return db.session.scalar(sa.select(sa.func.count()).select_from(Suggestion).join(
        Fair, Fair.id == Suggestion.fair_id).where(
        Suggestion.fair_id == fair_id, Suggestion.producer_reg_id == producer_reg_id,
        Suggestion.buyer_reg_id == buyer_reg_id, Suggestion.removed.is_(False),
        Fair.suggestions_published_at.isnot(None))) > 0


def book(user, fair: Fair, counterpart_reg_id: int, slot) -> Meeting:
    """Books a free slot of a published suggested counterpart directly: the organiser's pairing stands in for
    the request-and-accept round."""
    fair_id = fair.id

    def attempt():
        current_fair = db.session.get(Fair, fair_id)
        mine, other = registration_of(user, fair_id), db.session.get(Registration, counterpart_reg_id)
        _check_parties(current_fair, mine, other)
        producer_id, buyer_id = _sides(mine, other)
        if not published_pair(fair_id, producer_id, buyer_id):
            raise FairError("counterpart", _("Book directly only with a published suggested partner; "
                                             "otherwise send a request."))
        chosen = parse_slot(current_fair, slot)
        existing = _active_between(producer_id, buyer_id)
        if existing is not None and existing.status == "confirmed":
            raise FairError("counterpart", _("You already have a meeting with this participant."))
        meeting = existing or Meeting(fair_id=fair_id, producer_reg_id=producer_id, buyer_reg_id=buyer_id)
        meeting.proposed_by_reg_id, meeting.proposed_slots = mine.id, [chosen.isoformat()]
        db.session.add(meeting)
        db.session.flush()
        _take_seats(meeting, current_fair, chosen)
        audit.record("meeting.book", "meeting", meeting.id, after={"slot": chosen.isoformat()}, actor=user)
        notify(other.user_id, "meeting_confirmed", _("A meeting at %(fair)s was booked with you.",
                                                     fair=current_fair.title),
               link=link("fairs.meeting_detail", meeting_id=meeting.id))
        db.session.commit()
        return meeting

    return _with_retries(attempt)


def cancel(user, meeting: Meeting) -> Meeting:
    if party_registration(user, meeting) is None and not can_organise(user, meeting.fair):
        raise FairError(None, _("You are not a party to this meeting."))
    if meeting.status not in ACTIVE:
        raise FairError(None, _("Only requested or confirmed meetings can be cancelled."))
    db.session.execute(sa.delete(MeetingSeat).where(MeetingSeat.meeting_id == meeting.id))
    meeting.status = "cancelled"
    audit.record("meeting.cancel", "meeting", meeting.id, actor=user)
    for reg in (meeting.producer_reg, meeting.buyer_reg):
        if reg.user_id != user.id:
            notify(reg.user_id, "meeting_cancelled", _("A meeting at %(fair)s was cancelled.",
                                                       fair=meeting.fair.title),
                   link=link("fairs.meeting_detail", meeting_id=meeting.id))
    db.session.commit()
    return meeting


def mark_held(user, meeting: Meeting) -> Meeting:
    if party_registration(user, meeting) is None and not can_organise(user, meeting.fair):
        raise FairError(None, _("You are not a party to this meeting."))
    if meeting.status != "confirmed":
        raise FairError(None, _("Only a confirmed meeting can be marked as held."))
    if meeting.fair.status not in ("running", "finished"):
        raise FairError(None, _("Meetings are held while the fair runs."))
    meeting.status = "held"
    audit.record("meeting.held", "meeting", meeting.id, actor=user)
    db.session.commit()
    return meeting


def auto_schedule(user, fair: Fair, notify_parties: bool = True) -> dict:
    """Places every published pair without a meeting into the earliest common free slot (one transaction)."""
    if not can_organise(user, fair):
        raise FairError(None, _("You do not organise this fair."))
    if fair.suggestions_published_at is None or fair.status not in MEETING_FAIR_STATES:
        raise FairError(None, _("Publish the suggestions first."))
    placements, unplaced = plan_timetable(fair)
    link_of = {}
    for placed in placements:
        meeting = Meeting(fair_id=fair.id, producer_reg_id=placed.a, buyer_reg_id=placed.b, status="requested",
                          suggestion_id=placed.pair_id, proposed_slots=[placed.slot_start.isoformat()])
        db.session.add(meeting)
        link_of[placed] = meeting
    db.session.flush()
    seats = []
    ordinal = defaultdict(int, _existing_ordinals(fair))
    grid = grid_of(fair)
    for placed, meeting in link_of.items():
        day = grid.day_of(placed.slot_start)
        for reg_id in (placed.a, placed.b):
            ordinal[(reg_id, day)] += 1
            seats.append({"meeting_id": meeting.id, "fair_id": fair.id, "registration_id": reg_id,
                          "slot_start": placed.slot_start, "day": day, "day_ordinal": ordinal[(reg_id, day)]})
        meeting.status, meeting.slot_start = "confirmed", placed.slot_start
        meeting.slot_end = placed.slot_start + timedelta(minutes=fair.slot_minutes)
    if seats:
        db.session.execute(sa.insert(MeetingSeat), seats)
    if notify_parties:
        _notify_scheduled(fair, link_of)
    audit.record("fair.auto_schedule", "fair", fair.id, after={"placed": len(placements),
                                                               "unplaced": len(unplaced)}, actor=user)
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise SlotTaken(None, _("Someone booked while the timetable was made. Run it again."))
    return {"placed": len(placements), "unplaced": len(unplaced)}


def _existing_ordinals(fair: Fair) -> dict:
    rows = db.session.execute(sa.select(MeetingSeat.registration_id, MeetingSeat.day,
                                        sa.func.max(MeetingSeat.day_ordinal))
                              .where(MeetingSeat.fair_id == fair.id)
                              .group_by(MeetingSeat.registration_id, MeetingSeat.day))
    return {(reg_id, day): top for reg_id, day, top in rows}


def plan_timetable(fair: Fair):
    """The pure scheduler over published pairs that have no active meeting yet, best pairs first."""
    best = (sa.select(Suggestion.producer_reg_id, Suggestion.buyer_reg_id, sa.func.max(Suggestion.score),
                      sa.func.min(Suggestion.id))
            .where(Suggestion.fair_id == fair.id, Suggestion.removed.is_(False))
            .group_by(Suggestion.producer_reg_id, Suggestion.buyer_reg_id))
    taken = {tuple(r) for r in db.session.execute(sa.select(Meeting.producer_reg_id, Meeting.buyer_reg_id).where(
        Meeting.fair_id == fair.id, Meeting.status.in_((*ACTIVE, "held"))))}
    rows = [r for r in db.session.execute(best) if (r[0], r[1]) not in taken]
    rows.sort(key=lambda r: (-r[2], r[3]))
    grid = grid_of(fair)
    # Seat numbers are taken as max+1 below, so a day whose highest number reached the cap counts as full.
    busy = busy_of(fair, grid)
    for (reg_id, day), top in _existing_ordinals(fair).items():
        busy.per_day[(reg_id, day)] = max(busy.per_day[(reg_id, day)], top)
    return schedule(grid, [(suggestion_id, p, b) for p, b, _score, suggestion_id in rows], busy)


def _notify_scheduled(fair: Fair, link_of: dict) -> None:
    counts = defaultdict(int)
    for placed in link_of:
        counts[placed.a] += 1
        counts[placed.b] += 1
    users = dict(db.session.execute(sa.select(Registration.id, Registration.user_id)
                                    .where(Registration.id.in_(list(counts)))).all()) if counts else {}
    for reg_id, count in counts.items():
        notify(users[reg_id], "meetings_scheduled",
               _("%(n)d meetings were scheduled for you at %(fair)s.", n=count, fair=fair.title),
               link=link("fairs.my_schedule"), dedupe_key=f"fair-scheduled:{fair.id}:{count}")
