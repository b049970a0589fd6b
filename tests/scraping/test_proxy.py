from __future__ import annotations

from datetime import UTC, datetime

import pytest
from leaksite import LeakSite, SocksProxy

from breachwatch.domain import SourceKind
from breachwatch.scraping import ScrapeLimits, SourceConfig, scrape_source
from breachwatch.scraping.errors import SourceConfigError
from breachwatch.scraping.fetch import HttpFetcher

LIMITS = ScrapeLimits(timeout_seconds=2.0, retries=0, per_host_rps=1000)
DAY = (datetime(2025, 3, 1, tzinfo=UTC), datetime(2025, 3, 2, tzinfo=UTC))


def onion_url(site: LeakSite, path: str) -> str:
    return site.url(path).replace("127.0.0.1", "leaksite.onion")


@pytest.mark.parametrize("scheme", ["socks5h", "socks5"])
def test_requests_go_through_the_socks_proxy_which_resolves_the_name(
    site: LeakSite, socks_proxy: SocksProxy, scheme: str
) -> None:
    site.static("/hello", b"through tor")
    with HttpFetcher(LIMITS, proxy_url=socks_proxy.url(scheme)) as http:
        assert http.get(onion_url(site, "/hello")).content == b"through tor"
    port = int(site.base_url.rsplit(":", 1)[1])
    # ATYP 3 = domain name: the proxy, not this machine, resolved leaksite.onion
    assert socks_proxy.connects == [(3, "leaksite.onion", port)]


def test_a_whole_source_is_scraped_through_its_proxy(
    site: LeakSite, socks_proxy: SocksProxy
) -> None:
    stamp = int(datetime(2025, 3, 1, 12, tzinfo=UTC).timestamp())
    site.static(
        "/api_scraping.php",
        f'[{{"key":"k1","date":"{stamp}","title":"t","scrape_url":"/raw/k1"}},'
        f'{{"key":"k2","date":{stamp},"title":"t","scrape_url":"/raw/k2"}}]'.encode(),
    )
    site.static("/raw/k1", b"first paste")
    site.static("/raw/k2", b"second paste")
    source = SourceConfig(
        "onion-pastes",
        SourceKind.PASTE_LISTING,
        onion_url(site, "/api_scraping.php"),
        {},
        proxy_url=socks_proxy.url(),
    )
    documents, report = scrape_source(source, *DAY, LIMITS)
    assert report.status == "ok", report.errors
    assert sorted(d.content for d in documents) == [b"first paste", b"second paste"]
    assert len(socks_proxy.connects) == 3  # listing + two pastes, each a CONNECT
    assert {host for _, host, _ in socks_proxy.connects} == {"leaksite.onion"}


def test_an_unusable_proxy_scheme_is_a_configuration_error() -> None:
    with pytest.raises(SourceConfigError):
        HttpFetcher(LIMITS, proxy_url="ftp://127.0.0.1:21")
