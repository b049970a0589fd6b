"""Deterministic leak documents per (seed, day, channel), and a labelled corpus for training.

A day is first *planned* (how many documents, which family, when, what is planted where) from
one random stream, then each document is rendered from its own stream. Rendering one document
therefore needs only the plan, which lets the site serve ``/api/scrape_item?i=KEY`` statelessly.

Guarantees the tests rely on: every demo user appears in a breach document of the ``paste`` and
of the ``drop`` channel at least every third day (so in any 7 consecutive days), and every paste
and drop day carries one canary password in a plaintext password field.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache

from breachwatch.credentials import InvalidEmail, canonical_email
from breachwatch.demo.benign_code import BenignContext
from breachwatch.demo.catalogue import (
    BENIGN_RENDERERS,
    BREACH_RENDERERS,
    MAX_LINES,
    MIXES,
    PLANTABLE,
    record_count,
    size_for,
)
from breachwatch.demo.corpus_families import CORPUS_BENIGN_RENDERERS, CORPUS_BREACH_RENDERERS
from breachwatch.demo.identities import build_world
from breachwatch.demo.keys import CHANNELS, encode_key
from breachwatch.demo.passwords import canary_passwords
from breachwatch.demo.records import (
    BreachContext,
    Post,
    Rendered,
    make_records,
    plant,
    plant_password,
)
from breachwatch.demo.rng import derive_rng

DEMO_EVERY_DAYS = 3


@dataclass(frozen=True, slots=True)
class GeneratedDocument:
    """One document of the simulated sources, with the ground truth the tests check against."""

    doc_key: str
    text: str
    is_breach: bool
    family: str
    fmt: str
    title: str
    posted_at: datetime
    victim_domain: str | None
    emails: list[str]
    passwords: list[str]
    template: str = ""
    author: str = ""
    posts: tuple[Post, ...] = ()


@dataclass(frozen=True, slots=True)
class LabelledDocument:
    """A training example; split by ``family`` or ``template`` to test on unseen formats."""

    text: str
    is_breach: bool
    family: str
    fmt: str
    template: str = ""
    title: str = ""


@dataclass(slots=True)
class DocPlan:
    index: int
    family: str
    is_breach: bool
    posted_at: datetime
    lines: int
    demo: list[int]
    canary: str | None = None


@lru_cache(maxsize=4096)
def _canonical(address: str) -> str | None:
    try:
        return canonical_email(address)
    except InvalidEmail:
        return None


def _force_plantable(rng: random.Random, plans: list[DocPlan], channel: str) -> DocPlan:
    targets = [p for p in plans if p.family in PLANTABLE]
    if targets:
        return rng.choice(targets)
    victim = rng.choice(plans)
    victim.family, victim.is_breach = "combolist", True
    victim.lines = max(victim.lines, 5) if channel != "drop" else victim.lines
    return victim


def plan_day(seed: int, day: date, channel: str) -> list[DocPlan]:
    """The day's documents without their content: cheap, and the same whatever else was asked."""
    if channel not in CHANNELS:
        raise ValueError(f"channel must be one of {CHANNELS}, not {channel!r}")
    mix = MIXES[channel]
    rng = derive_rng(seed, "plan", day.isoformat(), channel)
    start = datetime.combine(day, time(), tzinfo=UTC)
    drafts = []
    for _ in range(rng.randint(*mix.count)):
        is_breach = rng.random() < mix.breach_share
        family = mix.family(rng, is_breach)
        posted = start + timedelta(seconds=rng.randrange(86400))
        drafts.append((posted, family, is_breach, size_for(rng, channel, family)))
    drafts.sort(key=lambda d: d[0])
    plans = [DocPlan(i, f, b, t, n, []) for i, (t, f, b, n) in enumerate(drafts)]
    guaranteed = channel in ("paste", "drop")
    for user in range(len(build_world(seed).demo)):
        due = guaranteed and (day.toordinal() + user) % DEMO_EVERY_DAYS == 0
        if due or rng.random() < 0.15:
            if not due and not any(p.family in PLANTABLE for p in plans):
                continue
            _force_plantable(rng, plans, channel).demo.append(user)
    if guaranteed or (rng.random() < 0.3 and any(p.family in PLANTABLE for p in plans)):
        canaries = canary_passwords(seed)
        target = _force_plantable(rng, plans, channel)
        target.canary = canaries[(day.toordinal() * 3 + CHANNELS.index(channel)) % len(canaries)]
    return plans


def _render(seed: int, day: date, channel: str, plan: DocPlan) -> tuple[Rendered, str | None]:
    """Render ``plan``, shrinking it until it fits the channel's line ceiling."""
    lines, ceiling = plan.lines, MAX_LINES.get(channel)
    for attempt in range(8):
        rendered, victim_domain = _render_once(seed, day, channel, plan, lines, attempt)
        overshoot = ceiling is not None and rendered.text.count("\n") > ceiling
        if not overshoot:
            break
        lines = max(1, lines * 2 // 3)
    return rendered, victim_domain


def _render_once(
    seed: int, day: date, channel: str, plan: DocPlan, lines: int, attempt: int
) -> tuple[Rendered, str | None]:
    world = build_world(seed)
    parts: tuple[object, ...] = (day.isoformat(), channel, plan.index)
    rng = derive_rng(seed, "doc", *parts, *([attempt] if attempt else []))
    if not plan.is_breach:
        benign = BenignContext(rng, world, lines, plan.posted_at)
        return BENIGN_RENDERERS[plan.family](benign), None
    victim = rng.choice(world.companies)
    needed = len(plan.demo) + (plan.canary is not None) + 1
    count = record_count(plan.family, lines, needed)
    records = make_records(rng, world, victim, count, plan.posted_at)
    taken: set[int] = set()
    obfuscate_ok = plan.family in ("combolist", "forum_sale")
    for user in plan.demo:
        plant(rng, records, world.demo[user], taken, allow_obfuscated=obfuscate_ok)
    if plan.canary:
        plant_password(rng, records, plan.canary, taken)
    ctx = BreachContext(
        rng,
        world,
        victim,
        records,
        lines,
        plan.posted_at,
        require_plaintext=plan.canary is not None,
    )
    # A stealer log is the browsers of infected machines, not a victim company's database.
    victim_domain = None if plan.family == "stealer_log" else victim.domain
    return BREACH_RENDERERS[plan.family](ctx), victim_domain


def _thread_posts(seed: int, plan: DocPlan, rendered: Rendered, author: str) -> tuple[Post, ...]:
    if rendered.posts:
        return rendered.posts
    rng = derive_rng(seed, "thread", plan.posted_at.isoformat(), plan.index)
    world = build_world(seed)
    posts = [Post(author, 0, rendered.text.rstrip("\n"))]
    for i in range(rng.randint(0, 4)):
        reply = rng.choice(["thanks", "works", "dead", "+1", "nice share", "bump"])
        posts.append(Post(rng.choice(world.handles), 5 + i * rng.randint(5, 90), reply))
    return tuple(posts)


def render_document(seed: int, day: date, channel: str, plan: DocPlan) -> GeneratedDocument:
    """Render one planned document and record what it contains."""
    rendered, victim_domain = _render(seed, day, channel, plan)
    emails = list(dict.fromkeys(c for e in rendered.emails if (c := _canonical(e))))
    world = build_world(seed)
    for user in plan.demo:
        if _canonical(world.demo[user].email) not in emails:
            raise AssertionError(
                f"demo user {user} was planted but not written ({rendered.template})"
            )
    if plan.canary and plan.canary not in rendered.passwords:
        raise AssertionError(f"canary was planted but not written ({rendered.template})")
    author_rng = derive_rng(seed, "author", day.isoformat(), channel, plan.index)
    anonymous = channel == "paste" and author_rng.random() < 0.6  # guests post most pastes
    author = "" if anonymous else author_rng.choice(world.handles)
    posts = _thread_posts(seed, plan, rendered, author) if channel == "forum" else ()
    if posts:
        author = posts[0].author
        # Replies stay within the posting day, so a day's partition sees whole threads.
        midnight = datetime.combine(day + timedelta(days=1), time(), tzinfo=UTC)
        left = max(0, int((midnight - plan.posted_at).total_seconds() // 60) - 1)
        posts = tuple(replace(p, minutes_after=min(p.minutes_after, left)) for p in posts)
    text = "\n\n".join(p.body for p in posts) + "\n" if posts else rendered.text
    return GeneratedDocument(
        doc_key=encode_key(day, channel, plan.index),
        text=text,
        is_breach=plan.is_breach,
        family=plan.family,
        fmt=rendered.fmt,
        title=rendered.title,
        posted_at=plan.posted_at,
        victim_domain=victim_domain if plan.is_breach else None,
        emails=emails,
        passwords=list(dict.fromkeys(rendered.passwords)),
        template=rendered.template,
        author=author,
        posts=posts,
    )


@lru_cache(maxsize=256)
def _day(seed: int, day: date, channel: str) -> tuple[GeneratedDocument, ...]:
    return tuple(render_document(seed, day, channel, p) for p in plan_day(seed, day, channel))


def documents_for_day(seed: int, day: date, channel: str) -> list[GeneratedDocument]:
    """All documents ``channel`` published on ``day``, oldest first; same inputs, same output."""
    return list(_day(seed, day, channel))


def document_at(seed: int, day: date, channel: str, index: int) -> GeneratedDocument | None:
    """One document by position (what a key decodes to), or ``None`` past the day's end."""
    plans = plan_day(seed, day, channel)
    if not 0 <= index < len(plans):
        return None
    return render_document(seed, day, channel, plans[index])


def generate_corpus(n: int, seed: int, extra_families: bool = False) -> list[LabelledDocument]:
    """``n`` labelled documents, families equally represented, order shuffled (half breach
    with the feed's families; 11 of 24 families with the extra ones).

    ``extra_families`` adds the corpus-only families of ``breachwatch.demo.corpus_families``
    (what the classifier trains on: each concept in more than one layout); without it, the
    feed's families only (what ``documents_for_day`` publishes)."""
    world = build_world(seed)
    breach = {**BREACH_RENDERERS, **(CORPUS_BREACH_RENDERERS if extra_families else {})}
    benign = {**BENIGN_RENDERERS, **(CORPUS_BENIGN_RENDERERS if extra_families else {})}
    families = [(f, True) for f in breach] + [(f, False) for f in benign]
    base = datetime(2024, 1, 1, tzinfo=UTC)
    out = []
    for i in range(n):
        family, is_breach = families[i % len(families)]
        rng = derive_rng(seed, "corpus", i)
        when = base + timedelta(minutes=rng.randrange(525600))
        lines = size_for(rng, "corpus", family)
        if is_breach:
            victim = rng.choice(world.companies)
            records = make_records(rng, world, victim, record_count(family, lines, 1), when)
            ctx = BreachContext(rng, world, victim, records, lines, when)
            rendered = breach[family](ctx)
        else:
            rendered = benign[family](BenignContext(rng, world, lines, when))
        out.append(
            LabelledDocument(
                rendered.text, is_breach, family, rendered.fmt, rendered.template, rendered.title
            )
        )
    derive_rng(seed, "corpus-order").shuffle(out)
    return out
