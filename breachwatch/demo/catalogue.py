"""Which families exist, how each channel mixes them, and how big their documents are."""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import Final

from breachwatch.demo.announcements import render_forum_sale, render_ransomware_leak
from breachwatch.demo.benign_code import (
    BenignContext,
    render_code_paste,
    render_config_file,
    render_server_log,
)
from breachwatch.demo.benign_text import (
    render_chatter,
    render_hacking_tutorial,
    render_mailing_list,
    render_market_listing,
    render_vuln_advisory,
)
from breachwatch.demo.exports import render_csv_export, render_json_export
from breachwatch.demo.formats import render_combolist, render_hash_dump, render_stealer_log
from breachwatch.demo.records import BreachContext, Rendered
from breachwatch.demo.sql_dumps import render_sql_dump

BREACH_RENDERERS: Final[dict[str, Callable[[BreachContext], Rendered]]] = {
    "combolist": render_combolist,
    "sql_dump": render_sql_dump,
    "csv_export": render_csv_export,
    "json_export": render_json_export,
    "stealer_log": render_stealer_log,
    "hash_dump": render_hash_dump,
    "forum_sale": render_forum_sale,
    "ransomware_leak": render_ransomware_leak,
}
BENIGN_RENDERERS: Final[dict[str, Callable[[BenignContext], Rendered]]] = {
    "code_paste": render_code_paste,
    "config_file": render_config_file,
    "server_log": render_server_log,
    "mailing_list": render_mailing_list,
    "chatter": render_chatter,
    "market_listing": render_market_listing,
    "hacking_tutorial": render_hacking_tutorial,
    "vuln_advisory": render_vuln_advisory,
}
BREACH_FAMILIES: Final = tuple(BREACH_RENDERERS)
BENIGN_FAMILIES: Final = tuple(BENIGN_RENDERERS)
# Families that write every record's address and can be forced to plaintext passwords: the only
# ones demo users and canaries are planted into.
PLANTABLE: Final = frozenset(
    {"combolist", "sql_dump", "csv_export", "json_export", "stealer_log", "forum_sale"}
)


class ChannelMix:
    """Document count, breach share and family weights of one channel."""

    def __init__(
        self,
        count: tuple[int, int],
        breach_share: float,
        breach: dict[str, int],
        benign: dict[str, int],
    ) -> None:
        self.count, self.breach_share = count, breach_share
        self.breach, self.benign = breach, benign

    def family(self, rng: random.Random, is_breach: bool) -> str:
        weights = self.breach if is_breach else self.benign
        return rng.choices(list(weights), list(weights.values()))[0]


MIXES: Final[dict[str, ChannelMix]] = {
    "paste": ChannelMix(
        (24, 36),
        0.3,
        {
            "combolist": 30,
            "hash_dump": 12,
            "sql_dump": 15,
            "csv_export": 8,
            "json_export": 8,
            "stealer_log": 15,
            "ransomware_leak": 5,
            "forum_sale": 5,
        },
        {
            "code_paste": 30,
            "config_file": 12,
            "server_log": 15,
            "mailing_list": 8,
            "chatter": 10,
            "market_listing": 5,
            "hacking_tutorial": 8,
            "vuln_advisory": 10,
        },
    ),
    "forum": ChannelMix(
        (4, 8),
        0.45,
        {"forum_sale": 60, "ransomware_leak": 25, "combolist": 15},
        {"chatter": 40, "market_listing": 25, "hacking_tutorial": 20, "vuln_advisory": 15},
    ),
    "drop": ChannelMix(
        (2, 4),
        0.75,
        {
            "sql_dump": 30,
            "csv_export": 20,
            "json_export": 15,
            "combolist": 20,
            "stealer_log": 10,
            "hash_dump": 5,
        },
        {"server_log": 60, "mailing_list": 40},
    ),
}


def size_for(rng: random.Random, channel: str, family: str) -> int:
    """Target size in lines: pastes 1–300, forum samples 5–20 (free leaks more), drops 200–3000."""
    if channel == "drop":
        return rng.randint(200, 3000)
    if channel == "forum":
        if family == "forum_sale" and rng.random() < 0.25:
            return rng.randint(61, 480)
        return rng.randint(5, 20)
    if channel == "corpus":
        return min(80, max(3, int(rng.lognormvariate(2.8, 0.8))))
    return min(300, max(1, int(rng.lognormvariate(3.2, 1.0))))


# Renderers treat the size as a budget, not a promise; the generator re-renders smaller when a
# document overshoots its channel's ceiling.
MAX_LINES: Final[dict[str, int]] = {"paste": 300, "drop": 3000}


def record_count(family: str, lines: int, minimum: int) -> int:
    """How many records fill ``lines`` lines (a stealer block is five lines)."""
    per_record = {"stealer_log": 5, "json_export": 8}.get(family, 1)
    return max(minimum, 3, lines // per_record)
