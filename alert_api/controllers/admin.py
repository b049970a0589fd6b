"""Admin endpoints (role=admin): sources, scrape logs, trend analysis, models, launching runs."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Annotated, Any, TypeVar

import msgspec
from litestar import Controller, get, post
from litestar.di import NamedDependency
from litestar.exceptions import (
    ClientException,
    HTTPException,
    NotFoundException,
    ServiceUnavailableException,
)
from litestar.params import JSONBody, PathParameter, QueryParameter

from alert_api import dagster_client as dagster
from alert_api.auth import admin_guard
from alert_api.schemas import (
    MAX_DB_INT,
    BreachPattern,
    ModelVersion,
    ModelVersionList,
    PatternAnalysis,
    RunLaunched,
    ScrapeLog,
    ScrapeLogPage,
    ScrapeRequest,
    Source,
    SourceCreate,
    SourceList,
    errors,
    utc_row,
)
from alert_api.store import (
    Store,
    count_scrape_logs,
    get_source,
    latest_patterns,
    list_model_versions,
)
from breachwatch.settings import Settings
from warehouse.operational.sources import (
    SourceExists,
    add_source,
    list_scrape_logs,
    list_sources,
    set_source_active,
)

T = TypeVar("T")
SourceId = Annotated[int, PathParameter(ge=1, le=MAX_DB_INT, description="source id")]


class BadGatewayException(HTTPException):
    status_code = 502


def _convert(row: dict[str, Any], kind: type[T]) -> T:
    # SQLAlchemy's keys are ``quoted_name`` (a str subclass) that msgspec will not take as str.
    return msgspec.convert(utc_row(row), kind)


def _source(row: dict[str, Any]) -> Source:
    return _convert(row, Source)


async def _launch(settings: Settings, job: str, partition: str | None) -> RunLaunched:
    try:
        run_id = await dagster.launch_job(settings.dagster_graphql_url, job, partition=partition)
    except (dagster.DagsterNotConfigured, dagster.DagsterUnavailable) as exc:
        raise ServiceUnavailableException(str(exc)) from exc
    except dagster.DagsterLaunchFailed as exc:
        raise BadGatewayException(f"Dagster refused the run: {exc}") from exc
    return RunLaunched(run_id=run_id, job_name=job, partition=partition)


class AdminController(Controller):
    path = "/api/admin"
    tags = ("admin",)
    guards = (admin_guard,)

    @get(
        "/sources",
        operation_id="listSources",
        responses=errors(401, 403),
        summary="List leak sources",
    )
    async def list_sources(self, store: NamedDependency[Store]) -> SourceList:
        rows = await store.read(list_sources)
        return SourceList(items=[_source(r) for r in rows], total=len(rows))

    @post(
        "/sources",
        operation_id="addSource",
        responses=errors(400, 401, 403, 409),
        summary="Register a leak source",
    )
    async def add_source(
        self, data: JSONBody[SourceCreate], store: NamedDependency[Store]
    ) -> Source:
        try:
            source_id = await store.write(
                add_source, data.name, data.kind, data.url, dict(data.config), data.proxy_url
            )
        except SourceExists as exc:
            raise ClientException(str(exc), status_code=409) from exc
        return await self._get(store, source_id)

    @post(
        "/sources/{source_id:int}/enable",
        operation_id="enableSource",
        responses=errors(401, 403, 404),
        summary="Scrape this source again",
        status_code=200,
    )
    async def enable_source(self, source_id: SourceId, store: NamedDependency[Store]) -> Source:
        return await self._set_active(store, source_id, True)

    @post(
        "/sources/{source_id:int}/disable",
        operation_id="disableSource",
        responses=errors(401, 403, 404),
        summary="Stop scraping this source",
        status_code=200,
    )
    async def disable_source(self, source_id: SourceId, store: NamedDependency[Store]) -> Source:
        return await self._set_active(store, source_id, False)

    @get(
        "/scrape-logs",
        operation_id="listScrapeLogs",
        responses=errors(400, 401, 403),
        summary="Scrape history, newest first",
    )
    async def scrape_logs(
        self,
        store: NamedDependency[Store],
        source: Annotated[str | None, QueryParameter(max_length=100)] = None,
        page: Annotated[int, QueryParameter(ge=1, le=1_000_000)] = 1,
        page_size: Annotated[int, QueryParameter(ge=1, le=500)] = 100,
    ) -> ScrapeLogPage:
        source = source.replace("\x00", "") if source else None
        rows = await store.read(
            list_scrape_logs, source_name=source, limit=page_size, offset=(page - 1) * page_size
        )
        total = await store.read(count_scrape_logs, source)
        items = [_convert(r, ScrapeLog) for r in rows]
        return ScrapeLogPage(items=items, total=total, page=page, page_size=page_size)

    @get(
        "/patterns",
        operation_id="getBreachPatterns",
        responses=errors(401, 403),
        summary="The newest breach-trend analysis",
        description="One forecast per series (severity, source, domain) from the weekly LSTM "
        "analysis, compared with a seasonal-naive baseline; anomalies first.",
    )
    async def patterns(self, store: NamedDependency[Store]) -> PatternAnalysis:
        analysis_date, rows = await store.read(latest_patterns)
        items = [_convert(r, BreachPattern) for r in rows]
        return PatternAnalysis(analysis_date=analysis_date, patterns=items)

    @get(
        "/models",
        operation_id="listModelVersions",
        responses=errors(401, 403),
        summary="Classifier versions and metrics",
    )
    async def models(self, store: NamedDependency[Store]) -> ModelVersionList:
        rows = await store.read(list_model_versions)
        return ModelVersionList(items=[_convert(r, ModelVersion) for r in rows])

    @post(
        "/scrapes",
        operation_id="triggerScrape",
        responses=errors(400, 401, 403, 502, 503),
        summary="Launch the daily pipeline for one partition",
        description="Starts Dagster's pipeline_job through GraphQL. 503 when no Dagster is "
        "configured (BREACHWATCH_DAGSTER_GRAPHQL_URL) or reachable.",
        status_code=202,
    )
    async def trigger_scrape(
        self, settings: NamedDependency[Settings], data: JSONBody[ScrapeRequest | None] = None
    ) -> RunLaunched:
        day = data.partition if data and data.partition else None
        if day is None:
            day = (datetime.now(UTC) - timedelta(days=1)).date()  # the last complete day
        return await _launch(settings, dagster.PIPELINE_JOB, day.isoformat())

    @post(
        "/pattern-analyses",
        operation_id="triggerPatternAnalysis",
        responses=errors(401, 403, 502, 503),
        summary="Launch the breach-trend analysis",
        description="Starts Dagster's pattern_analysis_job through GraphQL; 503 without Dagster.",
        status_code=202,
    )
    async def trigger_patterns(self, settings: NamedDependency[Settings]) -> RunLaunched:
        return await _launch(settings, dagster.PATTERN_JOB, None)

    async def _get(self, store: Store, source_id: int) -> Source:
        row = await store.read(get_source, source_id)
        if row is None:
            raise NotFoundException(f"source {source_id} not found")
        return _source(row)

    async def _set_active(self, store: Store, source_id: int, active: bool) -> Source:
        if not await store.write(set_source_active, source_id, active):
            raise NotFoundException(f"source {source_id} not found")
        return await self._get(store, source_id)
