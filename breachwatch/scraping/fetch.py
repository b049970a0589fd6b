"""The one HTTP client of the scraping layer: proxy, pacing, retries, caps, conditional GET.

Leak sites are slow, flaky and sometimes hostile, so every request is paced per host, retried
with jittered exponential backoff on transient failures, streamed with a hard byte cap and a
total deadline, and decompressed by our own bounded code rather than httpx's decoder.
"""

from __future__ import annotations

import email.utils
import logging
import random
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime

import httpx

from breachwatch.scraping.content import decode_content_encoding
from breachwatch.scraping.errors import DocumentTooLarge, FetchError, SourceConfigError
from breachwatch.scraping.ratelimit import SHARED_LIMITER, HostRateLimiter
from breachwatch.scraping.types import ScrapeLimits
from breachwatch.scraping.validators import ValidatorCache

logger = logging.getLogger(__name__)

MAX_RETRY_AFTER_SECONDS = 60.0
# httpx timeouts are per read; a body trickling in a byte at a time never trips them.
TOTAL_DEADLINE_FACTOR = 10.0
# After this many documents in a row failed for good on one host, stop asking it this run.
MAX_CONSECUTIVE_HOST_FAILURES = 3


class HostUnavailable(FetchError):
    """A host failed repeatedly; the rest of the source is skipped instead of waiting on it."""


@dataclass(frozen=True, slots=True)
class Response:
    """A complete, size-checked, content-decoded response (``content`` is b"" for a 304)."""

    url: str  # after redirects
    requested_url: str  # the key of the validator cache
    status_code: int
    content: bytes
    content_type: str | None
    charset: str | None
    etag: str | None
    last_modified: str | None

    @property
    def not_modified(self) -> bool:
        return self.status_code == 304


class _Retryable(Exception):
    def __init__(self, reason: str, retry_after: float | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.retry_after = retry_after


class HttpFetcher:
    """Sync HTTP for one source (one proxy); close it, or use it as a context manager.

    ``proxy_url`` may be ``socks5h://`` or ``socks5://``: httpcore hands the host name to the
    proxy in both cases, so DNS is always resolved by the proxy (what Tor needs for .onion).
    """

    def __init__(
        self,
        limits: ScrapeLimits,
        proxy_url: str | None = None,
        validators: ValidatorCache | None = None,
        limiter: HostRateLimiter = SHARED_LIMITER,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.limits = limits
        self.bytes_fetched = 0
        self._validators = validators
        self._limiter = limiter
        self._sleep = sleep
        self._random = random.Random()
        self._host_failures: dict[str, int] = {}
        try:
            self._client = httpx.Client(
                proxy=proxy_url,
                timeout=httpx.Timeout(limits.timeout_seconds),
                follow_redirects=True,
                max_redirects=5,
                trust_env=False,  # proxies come from the source, never from the environment
                headers={"User-Agent": limits.user_agent, "Accept-Encoding": "gzip, deflate"},
            )
        except (ValueError, ImportError, httpx.InvalidURL) as exc:
            raise SourceConfigError(f"unusable proxy URL: {exc}") from exc

    def __enter__(self) -> HttpFetcher:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._client.close()

    def get(
        self,
        url: str,
        *,
        params: Mapping[str, str | int] | None = None,
        conditional: bool = False,
    ) -> Response:
        """GET ``url`` (query ``params`` merged into its own); raise ``ScrapeError`` on failure.

        With ``conditional`` the stored validators are sent and a 304 comes back as a
        ``Response`` whose ``not_modified`` is true; the caller decides whether to
        ``remember`` the new validators once it has accepted the document.
        """
        try:
            target = httpx.URL(url)
            if params:
                target = target.copy_merge_params(dict(params))
        except (httpx.InvalidURL, TypeError, ValueError) as exc:
            raise FetchError(f"invalid URL: {exc}") from exc
        if target.scheme not in ("http", "https") or not target.host:
            raise FetchError(f"unsupported URL {str(target)[:80]!r}")
        host = target.host
        if self._host_failures.get(host, 0) >= MAX_CONSECUTIVE_HOST_FAILURES:
            raise HostUnavailable(f"{host} skipped after repeated failures")
        headers = (
            self._validators.headers_for(str(target))
            if conditional and self._validators is not None
            else {}
        )
        attempts = max(self.limits.retries, 0) + 1
        reason = "no attempt made"
        for attempt in range(attempts):
            self._limiter.wait(host, self.limits.per_host_rps)
            try:
                response = self._attempt(target, headers)
            except _Retryable as exc:
                reason = exc.reason
                if attempt + 1 < attempts:
                    self._sleep(self._delay(attempt, exc.retry_after))
                continue
            self._host_failures[host] = 0
            return response
        # Only transient failures count against the host: a 404 is one paste gone, not a host down.
        self._host_failures[host] = self._host_failures.get(host, 0) + 1
        raise FetchError(f"{reason} (after {attempts} attempts)")

    def remember(self, response: Response) -> None:
        """Keep ``response``'s validators so the next run can ask "changed since?"."""
        if self._validators is not None:
            self._validators.remember(response.requested_url, response.etag, response.last_modified)

    def _delay(self, attempt: int, retry_after: float | None) -> float:
        if retry_after is not None:
            return retry_after
        ceiling = self.limits.backoff_base_seconds * 2**attempt
        return ceiling / 2 + self._random.uniform(0, ceiling / 2)  # "equal jitter"

    def _attempt(self, target: httpx.URL, headers: dict[str, str]) -> Response:
        try:
            with self._client.stream("GET", target, headers=headers) as resp:
                code = resp.status_code
                if code == 429 or 500 <= code < 600:
                    raise _Retryable(f"HTTP {code}", _retry_after(resp.headers.get("retry-after")))
                if code == 304 and headers:
                    return _response(target, resp, b"")
                if not 200 <= code < 300:
                    raise FetchError(f"HTTP {code}")
                raw = self._read_capped(resp)
                body = decode_content_encoding(
                    raw, resp.headers.get("content-encoding"), self.limits
                )
                return _response(target, resp, body)
        except httpx.TimeoutException as exc:
            raise _Retryable(f"timed out ({type(exc).__name__})") from exc
        except (httpx.NetworkError, httpx.RemoteProtocolError, httpx.ProxyError) as exc:
            raise _Retryable(f"connection failed ({type(exc).__name__})") from exc
        except httpx.HTTPError as exc:
            raise FetchError(f"request failed ({type(exc).__name__})") from exc

    def _read_capped(self, resp: httpx.Response) -> bytes:
        cap = self.limits.max_document_bytes
        declared = resp.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > cap:
            raise DocumentTooLarge(f"body of {declared} bytes exceeds {cap}")
        deadline = time.monotonic() + self.limits.timeout_seconds * TOTAL_DEADLINE_FACTOR
        body = bytearray()
        for chunk in resp.iter_raw():  # no chunk_size: a re-chunker would hide a trickle
            self.bytes_fetched += len(chunk)
            body += chunk
            if len(body) > cap:
                raise DocumentTooLarge(f"body exceeds {cap} bytes")
            if time.monotonic() > deadline:
                raise FetchError("body download exceeded its total deadline")
        return bytes(body)


def _response(target: httpx.URL, resp: httpx.Response, body: bytes) -> Response:
    return Response(
        url=str(resp.url),
        requested_url=str(target),
        status_code=resp.status_code,
        content=body,
        content_type=resp.headers.get("content-type"),
        charset=resp.charset_encoding,
        etag=resp.headers.get("etag"),
        last_modified=resp.headers.get("last-modified"),
    )


def _retry_after(value: str | None) -> float | None:
    """Seconds to wait from a Retry-After header (delta or HTTP date); refuse absurd waits."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        seconds = float(value)
    else:
        try:
            when = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return None
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        seconds = max((when - datetime.now(UTC)).total_seconds(), 0.0)
    if seconds > MAX_RETRY_AFTER_SECONDS:
        raise FetchError(
            f"server asked to retry after {seconds:.0f}s (cap {MAX_RETRY_AFTER_SECONDS:.0f}s)"
        )
    return seconds
