"""The hand-written iCalendar text: RFC 5545 escaping, folding and UTC times."""
from datetime import UTC, datetime, timedelta, timezone

from fairs import ics


def test_text_is_escaped():
    assert ics.escape("a,b;c\\d\ne") == "a\\,b\\;c\\\\d\\ne"


def test_long_lines_fold_at_75_octets_without_breaking_characters():
    line = "SUMMARY:" + "赣南脐橙网上购销对接会" * 10
    folded = ics.fold(line)
    parts = folded.split("\r\n")
    assert all(len(p.encode()) <= 75 for p in parts)
    assert all(p.startswith(" ") for p in parts[1:])
    assert "".join([parts[0], *(p[1:] for p in parts[1:])]) == line


def test_events_are_in_utc():
    start = datetime(2026, 12, 18, 9, 0, tzinfo=timezone(timedelta(hours=8)))
    text = ics.calendar([{"uid": "meeting-1", "start": start, "end": start + timedelta(minutes=30),
                          "summary": "对接会: 深圳鲜达, 采购部", "url": "https://meet.example.org/x"}])
    assert "DTSTART:20261218T010000Z\r\n" in text and "DTEND:20261218T013000Z\r\n" in text
    assert "SUMMARY:对接会: 深圳鲜达\\, 采购部\r\n" in text
    assert text.count("BEGIN:VEVENT") == 1 and text.endswith("END:VCALENDAR\r\n")
    assert datetime.now(UTC).strftime("DTSTAMP:%Y%m%d") in text
