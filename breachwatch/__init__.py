"""breachwatch core: settings, domain types and privacy primitives (no dagster, no torch)."""

__version__ = "0.1.0"
