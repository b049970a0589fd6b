"""alert_api."""
