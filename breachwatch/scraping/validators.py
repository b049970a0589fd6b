"""ETag / Last-Modified cache for conditional GETs, kept in a small JSON file.

The file maps a document URL to the validators of the last response we accepted from it. It is
read once per scrape and written back atomically, so a crash leaves the old file intact.
"""

from __future__ import annotations

import json
import logging
import os
import tempfile
from pathlib import Path

logger = logging.getLogger(__name__)


class ValidatorCache:
    """URL -> {"etag", "last_modified"}; a missing or unreadable file starts an empty cache."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self._entries: dict[str, dict[str, str]] = {}
        self._dirty = False
        if path is not None and path.exists():
            self._entries = _load(path)

    def headers_for(self, url: str) -> dict[str, str]:
        """Conditional request headers for ``url`` (empty when we hold nothing for it)."""
        entry = self._entries.get(url, {})
        headers: dict[str, str] = {}
        if entry.get("etag"):
            headers["If-None-Match"] = entry["etag"]
        if entry.get("last_modified"):
            headers["If-Modified-Since"] = entry["last_modified"]
        return headers

    def remember(self, url: str, etag: str | None, last_modified: str | None) -> None:
        """Record validators of an accepted response; responses without any are forgotten."""
        if self.path is None:
            return
        entry = {k: v for k, v in (("etag", etag), ("last_modified", last_modified)) if v}
        if entry:
            self._entries[url] = entry
        else:
            self._entries.pop(url, None)
        self._dirty = True

    def save(self) -> None:
        """Write the cache atomically (temp file + rename) if anything changed."""
        if self.path is None or not self._dirty:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=f".{self.path.name}.")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                json.dump(self._entries, handle, sort_keys=True, indent=0)
            os.replace(tmp, self.path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        self._dirty = False


def _load(path: Path) -> dict[str, dict[str, str]]:
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        logger.warning("validator cache %s is unreadable; starting empty", path)
        return {}
    if not isinstance(raw, dict):
        return {}
    return {
        url: {
            k: v for k, v in entry.items() if k in ("etag", "last_modified") and isinstance(v, str)
        }
        for url, entry in raw.items()
        if isinstance(url, str) and isinstance(entry, dict)
    }
