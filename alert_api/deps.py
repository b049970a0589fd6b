"""The per-process context (settings, keys, store, hub) and the providers handlers inject."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from litestar import Request
from litestar.datastructures import State
from litestar.di import Provide

from alert_api.auth import AuthKeys, Principal
from alert_api.hub import AlertHub
from alert_api.limits import ConnectRateLimiter
from alert_api.store import Store
from breachwatch.secrets import pepper
from breachwatch.settings import Settings


@dataclass(slots=True)
class AppContext:
    """Built once by ``create_app``; kept in ``app.state.ctx``."""

    settings: Settings
    keys: AuthKeys
    store: Store
    hub: AlertHub
    connects: ConnectRateLimiter
    _pepper: bytes | None = field(default=None, repr=False)

    def pepper(self) -> bytes:
        if self._pepper is None:
            self._pepper = pepper(self.settings)
        return self._pepper


def provide_ctx(state: State) -> AppContext:
    return state.ctx


def provide_settings(state: State) -> Settings:
    return state.ctx.settings


def provide_store(state: State) -> Store:
    return state.ctx.store


def provide_hub(state: State) -> AlertHub:
    return state.ctx.hub


def provide_principal(request: Request[Any, Any, Any]) -> Principal:
    return request.user


DEPENDENCIES = {
    "ctx": Provide(provide_ctx, sync_to_thread=False),
    "settings": Provide(provide_settings, sync_to_thread=False),
    "store": Provide(provide_store, sync_to_thread=False),
    "hub": Provide(provide_hub, sync_to_thread=False),
    "principal": Provide(provide_principal, sync_to_thread=False),
}
