"""The whole Definitions object loads and holds the expected assets, checks, jobs and sensors."""

from __future__ import annotations

from dagster import AssetKey

from orchestration.definitions import defs


def test_definitions_load_with_every_pipeline_asset_job_schedule_and_sensor() -> None:
    repo = defs.get_repository_def()
    keys = {k.to_user_string() for k in repo.asset_graph.get_all_asset_keys()}
    assert {
        "breach_sources",
        "raw_documents",
        "document_classifications",
        "leaked_credentials",
        "breach_events",
        "credential_matches",
        "breach_alerts",
        "breach_classifier",
        "breach_pattern_analysis",
        "raw_document_retention",
    } <= keys
    assert {"pipeline_job", "retroactive_check_job"} <= {j.name for j in repo.get_all_jobs()}
    assert "hourly_scrape_schedule" in {s.name for s in repo.schedule_defs}
    assert {"alert_publisher", "retroactive_check_sensor"} <= {s.name for s in repo.sensor_defs}


def test_privacy_and_key_checks_gate_downstream_assets() -> None:
    from assets.credentials import leaked_credentials

    specs = {spec.name: spec for spec in leaked_credentials.check_specs}
    assert specs["no_plaintext_passwords"].blocking
    assert specs["keys_not_null"].blocking
    assert specs["no_plaintext_passwords"].asset_key == AssetKey("leaked_credentials")
