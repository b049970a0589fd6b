"""Analytics definitions: weekly trend analysis, the alert snapshot and the dbt models.

``analytics_defs`` is merged into the single ``defs`` of ``orchestration.definitions``; it brings
its own ``dbt`` resource and uses the shared ``platform`` resource defined there.
"""

import fcntl
import json
import sys
from collections.abc import Iterator, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from dagster import (
    AssetExecutionContext,
    AssetSelection,
    Definitions,
    RunRequest,
    ScheduleEvaluationContext,
    define_asset_job,
    schedule,
)
from dagster_dbt import (
    DagsterDbtTranslator,
    DagsterDbtTranslatorSettings,
    DbtCliResource,
    DbtProject,
    dbt_assets,
)
from dagster_dbt.dbt_project import using_dagster_dev

from assets.alerts_export import alerts_export
from assets.patterns import breach_pattern_analysis
from orchestration.partitions import WAREHOUSE_POOL
from orchestration.resources import BreachwatchSettings

DBT_PROJECT_DIR = Path(__file__).resolve().parent.parent / "dbt_project"
# The dbt installed beside this interpreter: a venv's bin/ is often not on PATH (`.venv/bin/dagster
# dev`, `python -m dagster`), and a dbt found on PATH may belong to another environment.
_VENV_DBT = Path(sys.executable).with_name("dbt")
DBT_EXECUTABLE = str(_VENV_DBT) if _VENV_DBT.exists() else "dbt"


def load_dbt_project(project_dir: Path = DBT_PROJECT_DIR) -> DbtProject:
    """The dbt project with a manifest: reparsed under ``dagster dev``, parsed once on a fresh
    clone (no ``target/`` yet), otherwise the manifest built at deploy time is used as is."""
    project = DbtProject(project_dir=project_dir, profiles_dir=project_dir)
    if using_dagster_dev() or not project.manifest_path.exists():
        parse_manifest(project)
    return project


def parse_manifest(project: DbtProject) -> None:
    """`dbt parse` under a file lock: the webserver and the daemon may load the code at once."""
    target = project.project_dir / project.target_path
    target.mkdir(parents=True, exist_ok=True)
    with open(target / ".parse.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            DbtCliResource(project_dir=project, dbt_executable=DBT_EXECUTABLE).cli(
                ["parse", "--quiet"], target_path=project.target_path
            ).wait()
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


class AnalyticsTranslator(DagsterDbtTranslator):
    """Every dbt model in the `analytics` group."""

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        return "analytics"


dbt_project = load_dbt_project()
# scrape_log and document_entities are written by the assets that also write raw_documents and
# leaked_credentials, so two pairs of sources share an asset key.
translator = AnalyticsTranslator(
    settings=DagsterDbtTranslatorSettings(enable_duplicate_source_asset_keys=True)
)


@dbt_assets(
    manifest=dbt_project.manifest_path,
    project=dbt_project,
    dagster_dbt_translator=translator,
    pool=WAREHOUSE_POOL,  # dbt-duckdb writes the warehouse file
    name="breachwatch_dbt_models",
)
def breachwatch_dbt_models(
    context: AssetExecutionContext, dbt: DbtCliResource, platform: BreachwatchSettings
) -> Iterator[Any]:
    """`dbt build` of the staging, intermediate and mart models; dbt tests become asset checks."""
    warehouse = platform.get().warehouse_path.resolve()
    with platform.warehouse():  # apply pending warehouse migrations so every source exists
        pass
    dbt_vars = json.dumps({"warehouse_path": str(warehouse)})
    yield from dbt.cli(["build", "--vars", dbt_vars], context=context).stream()


pattern_analysis_job = define_asset_job(
    "pattern_analysis_job",
    selection=AssetSelection.assets(breach_pattern_analysis),
    description="Weekly breach-trend forecasts, backtests and anomaly flags.",
)

analytics_job = define_asset_job(
    "analytics_job",
    selection=AssetSelection.assets(alerts_export, breachwatch_dbt_models),
    description="Snapshot the alerts, then rebuild and test the dbt models.",
)


@schedule(cron_schedule="0 6 * * 1", job=pattern_analysis_job, execution_timezone="UTC")
def weekly_pattern_schedule(context: ScheduleEvaluationContext) -> RunRequest:
    """Mondays 06:00 UTC, when last week is complete; a retried tick analyses the same date."""
    when = context.scheduled_execution_time or datetime.now(UTC)
    day = when.astimezone(UTC).date().isoformat()
    return RunRequest(
        run_key=f"patterns-{day}",
        run_config={"ops": {"breach_pattern_analysis": {"config": {"analysis_date": day}}}},
    )


@schedule(cron_schedule="30 5 * * *", job=analytics_job, execution_timezone="UTC")
def daily_analytics_schedule(context: ScheduleEvaluationContext) -> RunRequest:
    """Every morning, after the night's partitions: fresh marts for the analysts."""
    when = context.scheduled_execution_time or datetime.now(UTC)
    return RunRequest(run_key=f"analytics-{when.astimezone(UTC):%Y-%m-%d}")


analytics_defs = Definitions(
    assets=[breach_pattern_analysis, alerts_export, breachwatch_dbt_models],
    jobs=[pattern_analysis_job, analytics_job],
    schedules=[weekly_pattern_schedule, daily_analytics_schedule],
    resources={"dbt": DbtCliResource(project_dir=dbt_project, dbt_executable=DBT_EXECUTABLE)},
)
