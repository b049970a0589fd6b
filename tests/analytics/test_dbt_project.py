"""The dbt project: builds from the CLI and through Dagster, and loads as assets with checks."""

import os
import shutil
import subprocess
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import duckdb
import pytest
from dagster import AssetKey, DagsterInstance, Definitions, materialize
from dagster_dbt import DbtCliResource

from orchestration.analytics import (
    DBT_EXECUTABLE,
    DBT_PROJECT_DIR,
    alerts_export,
    analytics_defs,
    breachwatch_dbt_models,
    dbt_project,
    load_dbt_project,
)
from orchestration.partitions import WAREHOUSE_POOL
from orchestration.resources import BreachwatchSettings

REPO = DBT_PROJECT_DIR.parent
MARTS = (
    "fct_breach_events",
    "fct_alerts",
    "dim_sources",
    "mart_daily_exposure",
    "mart_source_quality",
    "mart_time_to_alert",
)


def export_alerts() -> None:
    result = materialize(
        [alerts_export],
        resources={"platform": BreachwatchSettings()},
        instance=DagsterInstance.ephemeral(),
    )
    assert result.success


def con_count(data_dir: Path, table: str) -> int:
    with duckdb.connect(str(data_dir / "warehouse.duckdb"), read_only=True) as con:
        return int(con.execute(f"select count(*) from {table}").fetchone()[0])  # type: ignore[index]


def full_definitions() -> Definitions:
    """The code location's Definitions, with the analytics merged in if not done there yet."""
    from orchestration.definitions import defs

    keys = defs.get_repository_def().asset_graph.get_all_asset_keys()
    return (
        defs
        if AssetKey("breach_pattern_analysis") in keys
        else Definitions.merge(defs, analytics_defs)
    )


def test_alerts_export_snapshots_every_alert_with_its_publish_time_once(
    data_dir: Path, seeded: Callable[..., Any]
) -> None:
    seed = seeded(date(2025, 3, 3), 6)

    export_alerts()
    export_alerts()

    with duckdb.connect(str(data_dir / "warehouse.duckdb"), read_only=True) as con:
        total, unpublished = con.execute(
            "select count(*), count(*) filter (where published_at is null) from alerts_export"
        ).fetchone()  # type: ignore[misc]
    assert total == seed.alerts
    assert unpublished == seed.alerts // 4, "the seed leaves every fourth alert unpublished"


def test_dbt_build_passes_from_the_cli_on_a_small_seeded_warehouse(
    data_dir: Path, seeded: Callable[..., Any], tmp_path: Path
) -> None:
    seed = seeded(date(2025, 3, 3), 10)
    export_alerts()
    env = {**os.environ, "BREACHWATCH_DATA_DIR": str(data_dir)}

    done = subprocess.run(
        [
            DBT_EXECUTABLE,
            "build",
            "--project-dir",
            "dbt_project",
            "--profiles-dir",
            "dbt_project",
            "--target-path",
            str(tmp_path / "target"),
            "--log-path",
            str(tmp_path / "logs"),
        ],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=240,
    )

    assert done.returncode == 0, done.stdout[-3000:]
    assert "ERROR=0" in done.stdout and "WARN=0" in done.stdout
    with duckdb.connect(str(data_dir / "warehouse.duckdb"), read_only=True) as con:
        for mart in MARTS:
            assert con.execute(f"select count(*) from analytics.{mart}").fetchone()[0] > 0  # type: ignore[index]
        alerts, published = con.execute(
            "select count(*), count(published_at) from analytics.fct_alerts"
        ).fetchone()  # type: ignore[misc]
        documents = con.execute(
            "select sum(documents) from analytics.mart_daily_exposure"
        ).fetchone()[0]  # type: ignore[index]
        p50, p95 = con.execute(
            "select min(p50_seconds_to_alert), max(p95_seconds_to_alert)"
            " from analytics.mart_time_to_alert"
        ).fetchone()  # type: ignore[misc]
    assert alerts == seed.alerts and published == seed.alerts - seed.alerts // 4
    assert documents == con_count(data_dir, "raw_documents")
    assert 1800 <= p50 <= p95, "alerts were published 30 minutes after first sight"


def test_dbt_models_build_through_dagster_with_their_tests_as_asset_checks(
    data_dir: Path, seeded: Callable[..., Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seeded(date(2025, 3, 3), 5)
    monkeypatch.setenv("DBT_TARGET_PATH", str(tmp_path / "target"))  # run artifacts stay out

    result = materialize(
        [alerts_export, breachwatch_dbt_models],
        resources={
            "platform": BreachwatchSettings(),
            "dbt": DbtCliResource(project_dir=dbt_project, dbt_executable=DBT_EXECUTABLE),
        },
        instance=DagsterInstance.ephemeral(),
    )

    assert result.success
    events = result.get_asset_materialization_events()
    materialized = {e.asset_key.to_user_string() for e in events if e.asset_key}
    assert set(MARTS) <= materialized
    checks = result.get_asset_check_evaluations()
    assert len(checks) == len(breachwatch_dbt_models.check_keys) > 50
    assert all(c.passed for c in checks), [c.check_name for c in checks if not c.passed]


def test_dbt_assets_load_in_definitions_downstream_of_the_warehouse_assets() -> None:
    repo = full_definitions().get_repository_def()
    graph = repo.asset_graph

    def parents(model: str) -> set[str]:
        return {k.to_user_string() for k in graph.get(AssetKey(model)).parent_keys}

    assert parents("stg_breachwatch__raw_documents") == {"raw_documents"}
    assert parents("stg_breachwatch__scrape_log") == {"raw_documents"}
    assert parents("stg_breachwatch__document_entities") == {"leaked_credentials"}
    assert parents("stg_breachwatch__credential_matches") == {"credential_matches"}
    assert parents("stg_breachwatch__alerts") == {"alerts_export"}
    assert parents("stg_breachwatch__breach_patterns") == {"breach_pattern_analysis"}
    assert graph.get(AssetKey("mart_time_to_alert")).group_name == "analytics"
    checks = {k.name for k in graph.asset_check_keys if k.asset_key == AssetKey("fct_alerts")}
    assert {"unique_fct_alerts_alert_id", "not_null_fct_alerts_alert_id"} <= checks
    assert breachwatch_dbt_models.op.pool == WAREHOUSE_POOL
    assert {"pattern_analysis_job", "analytics_job"} <= {j.name for j in repo.get_all_jobs()}
    schedules = {s.name: s for s in repo.schedule_defs}
    assert schedules["weekly_pattern_schedule"].cron_schedule == "0 6 * * 1"
    assert schedules["weekly_pattern_schedule"].execution_timezone == "UTC"


def test_a_fresh_clone_without_target_gets_its_manifest_parsed_at_load(tmp_path: Path) -> None:
    clone = tmp_path / "dbt_project"
    shutil.copytree(DBT_PROJECT_DIR, clone, ignore=shutil.ignore_patterns("target", "logs"))

    project = load_dbt_project(clone)

    assert project.manifest_path.exists()
    assert "model.breachwatch.mart_time_to_alert" in project.manifest_path.read_text()
