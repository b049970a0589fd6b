"""Definitions of the ML registry assets; merged into ``orchestration.definitions.defs``."""

from dagster import Definitions

from assets.classifier import breach_classifier
from orchestration.resources import BreachwatchSettings

ml_defs = Definitions(
    assets=[breach_classifier],
    resources={"platform": BreachwatchSettings()},
)
