"""Turn credential matches into one alert draft per (user, breach event)."""

from __future__ import annotations

from datetime import UTC, datetime

import duckdb
import pyarrow as pa

from breachwatch.domain import Severity
from warehouse.operational.alerts import AlertDraft

_DRAFT_SQL = """
with best as (
    select user_id, event_id, credential_id, masked_email, similarity,
           row_number() over (partition by user_id, event_id
                              order by similarity desc, credential_id) as rn
    from _matches
)
select b.user_id, b.event_id, b.credential_id, b.masked_email, b.similarity,
       e.title, e.severity, e.confidence, e.victim_domain, e.data_classes, e.source_names,
       e.first_seen
from best b join breach_events e on e.event_id = b.event_id
where b.rn = 1
order by b.event_id, b.user_id
"""


def drafts_for_matches(con: duckdb.DuckDBPyConnection, matches: pa.Table) -> list[AlertDraft]:
    if matches.num_rows == 0:
        return []
    con.register("_matches", matches)
    try:
        rows = con.execute(_DRAFT_SQL).fetchall()
    finally:
        con.unregister("_matches")
    drafts = []
    for (
        user_id,
        event_id,
        cred_id,
        masked,
        sim,
        title,
        severity,
        conf,
        domain,
        classes,
        sources,
        first_seen,
    ) in rows:
        detected = first_seen if first_seen.tzinfo else first_seen.replace(tzinfo=UTC)
        drafts.append(
            AlertDraft(
                user_id=int(user_id),
                breach_event_id=event_id,
                credential_id=int(cred_id),
                title=title,
                severity=Severity(severity),
                # A look-alike address is weaker evidence than the exact one.
                confidence=round(float(conf) * float(sim), 4),
                similarity=float(sim),
                domain=domain,
                masked_email=masked,
                data_classes=tuple(classes or ()),
                source_name=(sources or [None])[0],
                detected_at=detected.astimezone(UTC)
                if isinstance(detected, datetime)
                else detected,
            )
        )
    return drafts
