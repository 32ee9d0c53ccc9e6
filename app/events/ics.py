"""An iCalendar entry for a ticket, so the event lands in the phone's calendar."""

from __future__ import annotations

from datetime import UTC, datetime


def _escape(text: str) -> str:
    return (text or "").replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def _stamp(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def _fold(line: str) -> list[str]:
    """RFC 5545: lines longer than 75 octets continue on the next line after a space."""
    out, current = [], ""
    for ch in line:
        if len((current + ch).encode()) > 74:
            out.append(current)
            current = " " + ch
        else:
            current += ch
    out.append(current)
    return out


def ticket_ics(registration, ticket_url: str) -> str:
    event = registration.event
    lines = [
        "BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Branch Events//zh-CN", "CALSCALE:GREGORIAN", "METHOD:PUBLISH",
        "BEGIN:VEVENT",
        f"UID:registration-{registration.ticket_token}@branch-events",
        f"DTSTAMP:{_stamp(datetime.now(UTC))}",
        f"DTSTART:{_stamp(event.starts_at)}",
        f"DTEND:{_stamp(event.ends_at)}",
        f"SUMMARY:{_escape(event.title)}",
        f"LOCATION:{_escape(event.venue)}",
        f"DESCRIPTION:{_escape(event.outlet.name + ' · ' + ticket_url)}",
        f"URL:{ticket_url}",
        "BEGIN:VALARM", "TRIGGER:-PT2H", "ACTION:DISPLAY", f"DESCRIPTION:{_escape(event.title)}", "END:VALARM",
        "END:VEVENT", "END:VCALENDAR",
    ]
    return "\r\n".join(folded for line in lines for folded in _fold(line)) + "\r\n"
