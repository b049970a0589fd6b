"""Credential evidence: documents whose lines are plainly address-and-password records.

The classifier learnt its formats from the generator; a real dump in a layout it never saw
(CRLF line ends, padded fields, a Markdown table, nested JSON lines) can score benign, and a
benign label means nothing is extracted and nobody is alerted. So the cascade also asks the
extractor's own line plans (``ml.plans``): a document whose first lines read, under one plan,
as records with a password for at least ``MIN_ADDRESSES`` distinct addresses is a breach
whatever the model says. Lists of addresses without passwords (mailing lists, logs) and SQL
are left to the model: they are as common in benign pastes.
"""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl

from ml.bulk import line_frames_by_plan
from ml.plans import LinePlan, detect_plans

#: Records with a password for this many distinct addresses make a document a breach.
MIN_ADDRESSES = 3
#: Only the head of a document is read: enough lines for the plan's sample.
HEAD_CHARS = 32_768


def _bears_passwords(plan: LinePlan) -> bool:
    if plan.kind == "combo":
        return True
    if plan.kind == "table":
        return plan.password_col is not None
    return plan.kind == "jsonl" and bool(plan.password_key)


def _head_lines(text: str) -> list[str]:
    head = text[:HEAD_CHARS]
    lines = head.split("\n")
    return lines[:-1] if len(text) > HEAD_CHARS and len(lines) > 1 else lines


def credential_evidence(texts: Sequence[str]) -> list[bool]:
    """Per text: whether its head is records with passwords for ``MIN_ADDRESSES`` addresses."""
    heads = [_head_lines(text) for text in texts]
    groups: dict[LinePlan, list[int]] = {}
    for i, plan in enumerate(detect_plans(heads)):
        if plan is not None and _bears_passwords(plan):
            groups.setdefault(plan, []).append(i)
    if not groups:
        return [False] * len(texts)
    frame, _ = line_frames_by_plan(heads, list(groups.items()))
    counts = dict(
        frame.filter(pl.col("password_kind") != "none")
        .group_by("doc")
        .agg(pl.col("email").n_unique())
        .iter_rows()
    )
    return [counts.get(i, 0) >= MIN_ADDRESSES for i in range(len(texts))]
