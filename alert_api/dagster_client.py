"""Launching Dagster jobs through its GraphQL API: the API process never imports dagster."""

from __future__ import annotations

from typing import Any

REPOSITORY_LOCATION = "breachwatch"
REPOSITORY_NAME = "__repository__"  # the name Dagster gives the repository of a Definitions
PIPELINE_JOB = "pipeline_job"
PATTERN_JOB = "pattern_analysis_job"

LAUNCH_RUN = """
mutation LaunchRun($executionParams: ExecutionParams!) {
  launchRun(executionParams: $executionParams) {
    __typename
    ... on LaunchRunSuccess { run { runId } }
    ... on RunConfigValidationInvalid { errors { message } }
    ... on PythonError { message }
    ... on Error { message }
  }
}
"""


class DagsterNotConfigured(RuntimeError):
    """No ``BREACHWATCH_DAGSTER_GRAPHQL_URL``: this deployment cannot start runs from the API."""


class DagsterUnavailable(RuntimeError):
    """Dagster did not answer."""


class DagsterLaunchFailed(RuntimeError):
    """Dagster answered but refused to launch the run."""


async def launch_job(
    graphql_url: str | None, job_name: str, *, partition: str | None = None, timeout: float = 10.0
) -> str:
    """Launch ``job_name`` (for one partition when given) and return the run id."""
    if not graphql_url:
        raise DagsterNotConfigured(
            "set BREACHWATCH_DAGSTER_GRAPHQL_URL (e.g. http://dagster:3000/graphql) to start runs"
        )
    import httpx  # lazily: only admins launching runs pay for the import

    tags = [{"key": "dagster/partition", "value": partition}] if partition else []
    variables = {
        "executionParams": {
            "selector": {
                "repositoryLocationName": REPOSITORY_LOCATION,
                "repositoryName": REPOSITORY_NAME,
                "jobName": job_name,
            },
            "runConfigData": {},
            "executionMetadata": {"tags": tags},
        }
    }
    try:
        async with httpx.AsyncClient(timeout=timeout) as client:
            response = await client.post(
                graphql_url, json={"query": LAUNCH_RUN, "variables": variables}
            )
    except httpx.HTTPError as exc:
        raise DagsterUnavailable(f"Dagster at {graphql_url} is not reachable: {exc}") from exc
    if response.status_code >= 500:
        raise DagsterUnavailable(f"Dagster answered {response.status_code}")
    try:
        body: dict[str, Any] = response.json()
    except ValueError as exc:
        raise DagsterLaunchFailed("Dagster's answer is not JSON") from exc
    return _run_id(body)


def _run_id(body: dict[str, Any]) -> str:
    if body.get("errors"):
        raise DagsterLaunchFailed("; ".join(str(e.get("message", e)) for e in body["errors"]))
    result = (body.get("data") or {}).get("launchRun") or {}
    if result.get("__typename") == "LaunchRunSuccess":
        return str(result["run"]["runId"])
    detail = result.get("message") or "; ".join(
        str(e.get("message")) for e in result.get("errors", [])
    )
    raise DagsterLaunchFailed(f"{result.get('__typename', 'unknown error')}: {detail}")
