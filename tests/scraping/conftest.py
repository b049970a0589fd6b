"""Fixtures: one real local leak site for the session, a fresh SOCKS5 proxy per test."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from leaksite import LeakSite, SocksProxy, start_site, start_socks_proxy

from breachwatch.scraping.ratelimit import SHARED_LIMITER


@pytest.fixture(scope="session")
def _running_site() -> Iterator[LeakSite]:
    site = start_site()
    yield site
    assert site.server is not None
    site.server.shutdown()
    site.server.server_close()


@pytest.fixture
def site(_running_site: LeakSite) -> LeakSite:
    """The running leak site with no routes; each test installs the ones it needs."""
    _running_site.reset()
    SHARED_LIMITER.reset()
    return _running_site


@pytest.fixture
def socks_proxy() -> Iterator[SocksProxy]:
    """A SOCKS5 proxy that resolves names itself; ``leaksite.onion`` means 127.0.0.1."""
    proxy = start_socks_proxy({"leaksite.onion": "127.0.0.1"})
    yield proxy
    proxy.listener.close()
