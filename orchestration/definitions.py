"""The single Dagster ``Definitions`` of breachwatch: each domain contributes its own.

Domains are imported as modules so that ``defs`` is the only Definitions at module scope (Dagster
refuses to load a module holding several).
"""

from dagster import Definitions

from orchestration import analytics, ml, pipeline

defs = Definitions.merge(pipeline.pipeline_defs, analytics.analytics_defs, ml.ml_defs)
