"""The ``breachwatch`` command line."""
