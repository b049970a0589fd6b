"""Dates as leak sites write them: unix seconds (number or string) or ISO 8601."""

from __future__ import annotations

import math
import re
from datetime import UTC, datetime

from breachwatch.scraping.base import as_utc

_NUMBER = re.compile(r"[+-]?\d+(\.\d+)?")
_MIN_TS = datetime(1970, 1, 1, tzinfo=UTC)
_MAX_TS = datetime(9999, 1, 1, tzinfo=UTC)


def parse_timestamp(value: object) -> datetime | None:
    """Unix seconds (int, float or numeric string) or ISO 8601 as tz-aware UTC; else None."""
    if isinstance(value, bool):
        return None
    try:
        if isinstance(value, int | float):
            seconds = float(value)
        elif isinstance(value, str) and _NUMBER.fullmatch(value.strip()):
            seconds = float(value.strip())
        elif isinstance(value, str) and value.strip():
            parsed = datetime.fromisoformat(value.strip())
            return as_utc(parsed) if _MIN_TS <= as_utc(parsed) < _MAX_TS else None
        else:
            return None
        if not math.isfinite(seconds):
            return None
        parsed = datetime.fromtimestamp(seconds, UTC)
    except (ValueError, OverflowError, OSError):
        return None
    return parsed if _MIN_TS <= parsed < _MAX_TS else None
