from __future__ import annotations

from collections import Counter

from breachwatch.credentials import canonical_email
from breachwatch.demo import demo_users
from breachwatch.demo.identities import DEFAULT_POOL_SIZE, build_world, make_world


def test_the_pool_has_the_default_number_of_distinct_identities(seed: int) -> None:
    world = build_world(seed)
    assert len(world.identities) == DEFAULT_POOL_SIZE
    assert len({i.email for i in world.identities}) == DEFAULT_POOL_SIZE


def test_every_pool_address_is_a_valid_address(seed: int) -> None:
    for identity in build_world(seed).identities:
        canonical_email(identity.email)


def test_addresses_mix_providers_company_domains_and_idn(seed: int) -> None:
    world = build_world(seed)
    domains = Counter(i.email.split("@")[1] for i in world.identities)
    company_domains = {c.domain for c in world.companies}
    for provider in ("gmail.com", "outlook.com", "yahoo.com"):
        assert domains[provider] > 50
    assert sum(n for d, n in domains.items() if d in company_domains) > 200
    assert sum(n for d, n in domains.items() if not d.isascii()) > 10
    assert any("." in i.email.split("@")[0] for i in world.identities if "gmail" in i.email)


def test_identities_carry_the_fields_dumps_expose(seed: int) -> None:
    person = build_world(seed).identities[0]
    assert person.name and person.username and person.phone and person.street
    assert person.password and person.dob.year > 1900


def test_the_world_is_the_same_for_the_same_seed_and_differs_between_seeds(seed: int) -> None:
    assert build_world(seed) is build_world(seed)
    assert build_world(seed) == make_world(seed)
    assert build_world(seed).identities[:20] != build_world(seed + 1).identities[:20]


def test_there_are_five_demo_users_outside_the_pool(seed: int) -> None:
    users = demo_users(seed)
    assert len(users) == 5
    assert len({u.email for u in users}) == 5
    pool = {i.email for i in build_world(seed).identities}
    assert not pool & {u.email for u in users}
    assert {u.email.split("@")[1] for u in users} >= {"gmail.com", "outlook.com"}
    assert all(u.name for u in users)
