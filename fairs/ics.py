"""iCalendar (RFC 5545) export of a participant's meetings, written by hand: UTC times, escaped text,
CRLF line ends and lines folded at 75 octets."""
from datetime import UTC, datetime

PRODID = "-//HarvestLink//Fairs//ZH"


def escape(text: str) -> str:
    """TEXT escaping of RFC 5545 3.3.11: backslash, semicolon, comma and newlines."""
    text = (text or "").replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    return text.replace("\r\n", "\\n").replace("\n", "\\n").replace("\r", "\\n")


def fold(line: str) -> str:
    """Splits a content line into 75-octet pieces without cutting a UTF-8 character."""
    out, current, size = [], "", 0
    for char in line:
        width = len(char.encode("utf-8"))
        limit = 75 if not out else 74  # continuation lines start with one space
        if size + width > limit:
            out.append(current)
            current, size = "", 0
        current += char
        size += width
    out.append(current)
    return "\r\n ".join(out)


def stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def calendar(events: list[dict], host: str = "harvestlink") -> str:
    """events: dicts with uid, start, end (aware), summary, description, url (optional)."""
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", f"PRODID:{PRODID}", "CALSCALE:GREGORIAN", "METHOD:PUBLISH"]
    now = stamp(datetime.now(UTC))
    for event in events:
        lines += ["BEGIN:VEVENT", f"UID:{escape(event['uid'])}@{host}", f"DTSTAMP:{now}",
                  f"DTSTART:{stamp(event['start'])}", f"DTEND:{stamp(event['end'])}",
                  f"SUMMARY:{escape(event['summary'])}"]
        if event.get("description"):
            lines.append(f"DESCRIPTION:{escape(event['description'])}")
        if event.get("url"):
            lines.append(f"URL:{event['url']}")
        lines.append("END:VEVENT")
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + "\r\n" for line in lines)
