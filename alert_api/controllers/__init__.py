"""REST controllers, one per resource."""

from alert_api.controllers.admin import AdminController
from alert_api.controllers.alerts import AlertController
from alert_api.controllers.auth import AuthController
from alert_api.controllers.credentials import CredentialController
from alert_api.controllers.system import health, ready

__all__ = [
    "AdminController",
    "AlertController",
    "AuthController",
    "CredentialController",
    "health",
    "ready",
]
