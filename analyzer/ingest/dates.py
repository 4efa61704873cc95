"""Lenient date parsing for metadata fields, always returning UTC-aware datetimes."""

from __future__ import annotations

from datetime import datetime, timezone

from dateutil import parser as date_parser


def parse_datetime(value) -> datetime | None:
    """A datetime, an epoch number or a date string -> aware UTC datetime; None when unparseable."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        parsed = value
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        seconds = value / 1000 if value > 1e11 else value  # epoch milliseconds are common in exports
        try:
            return datetime.fromtimestamp(seconds, tz=timezone.utc)
        except (OverflowError, OSError, ValueError):
            return None
    else:
        try:
            parsed = date_parser.parse(str(value), dayfirst=False)
        except (ValueError, OverflowError, TypeError):
            return None
    return parsed.astimezone(timezone.utc) if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)
