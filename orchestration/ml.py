"""Definitions of the ML registry assets; merged into ``orchestration.definitions.defs``.

No resources here: ``breach_classifier`` uses the ``platform`` resource that the pipeline's
Definitions already binds (two bindings of one key would refuse to merge).
"""

from dagster import Definitions

from assets.classifier import breach_classifier

ml_defs = Definitions(assets=[breach_classifier])
