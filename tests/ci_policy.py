"""What a test does when something the project needs (a service, a browser) is missing."""

from __future__ import annotations

import os
from typing import NoReturn

import pytest


def missing_requirement(message: str) -> NoReturn:
    """Fail under CI (everything the project needs must be there), skip on a developer machine."""
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)
