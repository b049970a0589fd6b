"""Each breach template parses as the format it claims to be."""

from __future__ import annotations

import csv
import io
import json
import random
import re
from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from breachwatch.credentials import canonical_email
from breachwatch.demo import LabelledDocument
from breachwatch.demo.catalogue import BENIGN_FAMILIES, BREACH_FAMILIES
from breachwatch.demo.identities import build_world
from breachwatch.demo.records import BreachContext, email_variant, make_records
from breachwatch.demo.sql_dumps import mysql_literal, render_sql_dump

from .conftest import SEED

MYSQL_VALUE = r"(?:'(?:[^'\\]|\\.)*'|-?\d+|NULL)"
MYSQL_TUPLE = rf"\({MYSQL_VALUE}(?:,\s*{MYSQL_VALUE})*\)"
INSERT = re.compile(
    rf"INSERT INTO [`\w]+(?: \([^)]*\))? VALUES\s*{MYSQL_TUPLE}(?:,\s*{MYSQL_TUPLE})*;", re.DOTALL
)


def of(corpus: list[LabelledDocument], template: str) -> list[LabelledDocument]:
    docs = [d for d in corpus if d.template == template]
    assert docs, f"no {template} in the corpus"
    return docs


def address(text: str) -> str:
    return canonical_email(text)  # raises when the field is not an address


@pytest.mark.parametrize(
    ("template", "separator"),
    [
        ("combolist/colon", ":"),
        ("combolist/semicolon", ";"),
        ("combolist/tab", "\t"),
        ("combolist/banner", ":"),
    ],
)
def test_combolist_lines_are_address_separator_password(
    corpus: list[LabelledDocument], template: str, separator: str
) -> None:
    for doc in of(corpus, template):
        lines = [ln for ln in doc.text.splitlines() if ln and not ln.startswith("#")]
        assert lines
        for line in lines:
            email, _, password = line.partition(separator)
            address(email)
            assert password


def test_url_login_password_lines_have_all_three_parts(corpus: list[LabelledDocument]) -> None:
    for doc in of(corpus, "combolist/ulp"):
        for line in doc.text.splitlines():
            match = re.fullmatch(r"(https?://\S+?):([^:\s]+@[^:\s]+):(.+)", line)
            assert match, line
            address(match.group(2))


def test_mysql_style_dumps_are_well_formed_insert_statements(
    corpus: list[LabelledDocument],
) -> None:
    templates = [
        "sql_dump/mysqldump",
        "sql_dump/single_inserts",
        "sql_dump/wordpress",
        "sql_dump/vbulletin",
    ]
    for template in templates:
        for doc in of(corpus, template):
            statements = re.findall(r"^INSERT INTO.*?;$", doc.text, re.MULTILINE | re.DOTALL)
            assert statements
            for statement in statements:
                assert INSERT.fullmatch(statement), statement[:200]


def test_wordpress_dumps_store_phpass_and_vbulletin_dumps_store_salted_md5(
    corpus: list[LabelledDocument],
) -> None:
    for doc in of(corpus, "sql_dump/wordpress"):
        assert re.search(r"'\$P\$B[./A-Za-z0-9]{30}'", doc.text)
    salted = re.compile(r",2,'(?:[^'\\]|\\.)*','[0-9a-f]{32}','(?:[^'\\]|\\.){3}',")
    for doc in of(corpus, "sql_dump/vbulletin"):
        rows = [ln for ln in doc.text.splitlines() if ln.startswith("INSERT")]
        assert rows and all(salted.search(row) for row in rows)


def test_postgres_copy_dumps_have_tab_separated_rows_and_a_terminator(
    corpus: list[LabelledDocument],
) -> None:
    for doc in of(corpus, "sql_dump/pg_copy"):
        lines = doc.text.splitlines()
        start = next(i for i, ln in enumerate(lines) if ln.startswith("COPY public.users"))
        end = lines.index("\\.")
        for row in lines[start + 1 : end]:
            fields = row.split("\t")
            assert len(fields) == 6 and fields[0].isdigit()
            address(fields[1])


def test_csv_exports_parse_with_a_header_and_an_address_column(
    corpus: list[LabelledDocument],
) -> None:
    for doc in (d for d in corpus if d.family == "csv_export"):
        delimiter = ";" if doc.template.endswith("semicolon_excel") else ","
        rows = list(csv.DictReader(io.StringIO(doc.text), delimiter=delimiter))
        assert rows
        column = next(c for c in rows[0] if c.lower().replace("-", "") == "email")
        for row in rows:
            address(row[column])
            assert len(row) == len(rows[0])


def test_json_exports_parse_as_json(corpus: list[LabelledDocument]) -> None:
    for doc in (d for d in corpus if d.family == "json_export"):
        if doc.template.endswith("mongo_ndjson"):
            rows = [json.loads(line) for line in doc.text.splitlines()]
        else:
            parsed = json.loads(doc.text)
            rows = parsed["data"] if isinstance(parsed, dict) else parsed
        assert rows
        for row in rows:
            address(row["email"])


def test_stealer_logs_are_blocks_of_url_login_and_password(
    corpus: list[LabelledDocument],
) -> None:
    for doc in (d for d in corpus if d.family == "stealer_log"):
        urls = re.findall(r"^(?:URL|Host): (https?://\S+)$", doc.text, re.MULTILINE)
        logins = re.findall(r"^(?:Username|Login): (.+)$", doc.text, re.MULTILINE)
        passwords = re.findall(r"^Password: (.+)$", doc.text, re.MULTILINE)
        assert len(urls) == len(logins) == len(passwords) > 0
        for login in logins:
            address(login)


def test_hash_only_dumps_contain_no_plaintext_column(corpus: list[LabelledDocument]) -> None:
    hashy = re.compile(r"[0-9a-f]{32,64}|\$2y\$10\$\S{53}|\$6\$\S+|\*")
    for doc in (d for d in corpus if d.family == "hash_dump"):
        for line in doc.text.splitlines():
            assert hashy.search(line), (doc.template, line)


def test_sale_posts_and_ransomware_notes_name_their_victim(corpus: list[LabelledDocument]) -> None:
    for doc in of(corpus, "forum_sale/sale"):
        assert "Selling the full database of" in doc.text and "Sample:" in doc.text
    for doc in (d for d in corpus if d.family == "ransomware_leak"):
        assert ".onion/" in doc.text and "Sample of employee records" in doc.text


def test_the_corpus_covers_every_family_with_several_templates(
    corpus: list[LabelledDocument],
) -> None:
    families = {d.family for d in corpus}
    assert families == set(BREACH_FAMILIES) | set(BENIGN_FAMILIES)
    for family in families:
        templates = {d.template for d in corpus if d.family == family}
        assert len(templates) >= 2, family


def test_benign_documents_never_contain_pool_passwords_in_credential_form(
    corpus: list[LabelledDocument],
) -> None:
    for doc in (d for d in corpus if not d.is_breach):
        assert not re.search(r"^\S+@\S+[:;]\S+$", doc.text, re.MULTILINE), doc.template


@given(st.text(max_size=60))
def test_mysql_string_literals_round_trip_any_text(text: str) -> None:
    literal = mysql_literal(text)
    assert re.fullmatch(MYSQL_VALUE, literal, re.DOTALL)
    unescaped = re.sub(r"\\(.)", lambda m: {"n": "\n"}.get(m.group(1), m.group(1)), literal[1:-1])
    assert unescaped == text


@given(st.integers(min_value=0, max_value=2**32))
def test_address_variants_canonicalise_to_the_original_mailbox(draw: int) -> None:
    rng = random.Random(draw)
    person = rng.choice(build_world(SEED).identities)
    variant = email_variant(rng, person.email, allow_obfuscated=True)
    assert canonical_email(variant) == canonical_email(person.email)


def test_a_plaintext_requirement_forces_plaintext_passwords_into_a_sql_dump() -> None:
    world = build_world(SEED)
    for i in range(30):
        rng = random.Random(i)
        victim = world.companies[i]
        when = datetime(2025, 1, 1, tzinfo=UTC)
        records = make_records(rng, world, victim, 12, when)
        ctx = BreachContext(rng, world, victim, records, 12, when, require_plaintext=True)
        rendered = render_sql_dump(ctx)
        assert rendered.passwords == [r.password for r in records]
