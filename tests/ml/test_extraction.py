"""Credential and entity extraction: formats, spans, privacy, public vectors, properties."""

from __future__ import annotations

import hashlib
import json
import re
import time
from dataclasses import replace
from datetime import date
from pathlib import Path

import polars as pl
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from ml_readings import assert_spans, read_pairs

from breachwatch.credentials import (
    InvalidEmail,
    canonical_email,
    email_key,
    mask_email,
    password_digests,
)
from breachwatch.domain import DataClass as D
from ml import bulk, extraction, hashid
from ml.bulk import (
    canonical_or_none,
    detect_plan,
    line_frame,
)
from ml.extraction import (
    credential_rows,
    credential_table,
    decode_document,
    extract,
    extract_bytes,
    extract_file_streaming,
    extract_table,
    storable_rows,
)
from ml.plans import PASSWORD_LINE_HINT

DATA = Path(__file__).parents[1] / "data"
PEPPER = b"test-pepper-0123456789abcdef0123"
SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# --- formats ----------------------------------------------------------------------------------


@pytest.mark.parametrize("sep", [":", ";", "\t", "|"])
def test_combolists_with_any_usual_separator_give_address_and_password(sep: str) -> None:
    text = "\n".join(f"user{i}@example.com{sep}Pass{i}word!" for i in range(5))
    assert read_pairs(text) == [(f"user{i}@example.com", f"Pass{i}word!") for i in range(5)]
    assert_spans(text)


def test_combolist_passwords_keep_the_separator_they_contain() -> None:
    text = "a@example.com:pa:ss\nb@example.com:x\nc@example.com:y\n"
    assert read_pairs(text)[0] == ("a@example.com", "pa:ss")


def test_a_short_paste_of_combos_inside_prose_is_read_too() -> None:
    text = "Sample of the dump: alice@example.com:secret1 and bob@example.org;pw2. Enjoy"
    assert read_pairs(text) == [("alice@example.com", "secret1"), ("bob@example.org", "pw2")]


def test_prose_after_an_address_is_not_mistaken_for_a_password() -> None:
    assert read_pairs("Write to admin@example.com: he answers within a day.") == [
        ("admin@example.com", None)
    ]


def test_email_hash_tables_give_hashes_with_their_type() -> None:
    text = (
        "| email | hash |\n|---|---|\n"
        "| a@acme.com | $2a$05$LhayLxezLhK1LhWvKxCyLOj0j1u.Kj0jZ0pEmm134uzrQlFvQJLF6 |\n"
        "| b@acme.com | b4b9b02e6f09a9bd760f388b67351e2b |\n"
        "| c@acme.com |  |\n"
    )
    creds = extract(text).credentials
    assert [(c.email, c.password_kind, c.hash_type) for c in creds] == [
        ("a@acme.com", "hash", "bcrypt"),
        ("b@acme.com", "hash", "md5|ntlm"),
        ("c@acme.com", "none", None),
    ]
    assert_spans(text)


def test_csv_columns_are_found_by_header_name() -> None:
    text = (
        "id,full_name,phone,email,password\n"
        '1,Ann,+1 555 0100,ann@acme.com,"s3cret"\n'
        "2,Bob,+1 555 0101,bob@acme.com,hunter22\n"
        "3,Cy,+1 555 0102,cy@acme.com,\n"
    )
    entities = extract(text)
    assert [(c.email, c.password) for c in entities.credentials] == [
        ("ann@acme.com", "s3cret"),
        ("bob@acme.com", "hunter22"),
        ("cy@acme.com", None),
    ]
    assert {D.NAME, D.PHONE, D.EMAIL, D.PASSWORD_PLAINTEXT} <= entities.data_classes
    assert_spans(text)


_EXCEL_ROWS = [
    ("megan.garrett@example.com", "rituals", "Megan Garrett", "286-544-2999x12063", "17.05.1949"),
    ("t.gonzalez@example.org", "Dis;mantled", "Tony Gonzalez", "+1-712-785-0632", "23.10.1971"),
    ("roland@example.net", "Harley", "Roland Gaillard", "+33 2 34 38 12 01", "06.03.1943"),
    ("v.compton@example.com", "Chevy", "Vanessa Compton", "295-416-7930", "23.05.1958"),
]


@pytest.mark.parametrize(
    ("header", "password_col"),
    [
        ("E-Mail;Passwort;Name;Telefon;Geburtsdatum", 1),
        ("Password;E-Mail;Name;Phone;Birth date", 0),
        ("Mail-Adresse;Kundennummer;Name;Telefon;Geburtsdatum", None),
        ("email;username;full_name;phone;birth_date", None),
    ],
)
def test_semicolon_csv_exports_are_read_by_their_header_not_as_combos(
    header: str, password_col: int | None
) -> None:
    """Excel's ``;`` CSV: the password is the password column's value, or none without one."""
    rows = [list(r) for r in _EXCEL_ROWS]
    rows[1][1] = rows[1][1].replace(";", "")  # a real CSV would quote it; the split is naive
    if password_col == 0:
        rows = [[r[1], r[0], *r[2:]] for r in rows]
    text = header + "\r\n" + "".join(";".join(r) + "\r\n" for r in rows)
    email_col = 1 if password_col == 0 else 0
    want = [(r[email_col], None if password_col is None else r[password_col]) for r in rows]
    assert read_pairs(text) == want
    plan = detect_plan(text.split("\n"))
    assert plan is not None and plan.kind == "table" and plan.password_col == password_col
    rows_out = storable_rows(text.encode(), PEPPER)[0].to_dicts()
    assert len(rows_out) == len(rows)
    for stored in rows_out:
        assert not any("Garrett" in str(v) or "17.05.1949" in str(v) for v in stored.values())
    if password_col is None:
        assert {r["password_kind"] for r in rows_out} == {"none"}
    assert_spans(text)


def test_semicolon_combolists_without_a_header_stay_combos() -> None:
    """``email;password`` lists: the password is the rest of the line, ``;`` and all."""
    pairs = [
        ("a@example.com", "pass;word"),
        ("b@example.org", "hunter2"),
        ("c@example.net", "x;y;z;w"),
        ("d@example.com", "plain"),
        ("e@example.com", "p;q"),
    ]
    text = "".join(f"{e};{p}\n" for e, p in pairs)
    plan = detect_plan(text.split("\n"))
    assert plan is not None and plan.kind == "combo" and plan.sep == ";"
    assert read_pairs(text) == pairs
    # The same behind a banner line that is no header.
    banner = "# 5 lines | private | by seller\n" + text
    assert read_pairs(banner) == pairs


def test_json_lines_are_read_by_key() -> None:
    text = (
        '{"id": 1, "email": "a@corp.net", "password": "x1y2z3"}\n'
        '{"id": 2, "email": "b@corp.net", "password": "$P$984478476IagS59wHZvyQMArzfx58u."}\n'
        '{"id": 3, "email": "c@corp.net", "last_ip": "10.0.0.1"}\n'
    )
    entities = extract(text)
    assert [(c.email, c.password_kind, c.hash_type) for c in entities.credentials] == [
        ("a@corp.net", "plaintext", None),
        ("b@corp.net", "hash", "phpass"),
        ("c@corp.net", "none", None),
    ]
    assert D.IP_ADDRESS in entities.data_classes
    assert_spans(text)


def test_nested_json_lines_are_read_by_the_object_holding_the_address() -> None:
    # mongoexport writes one document per line, sub-documents nested.
    def record(n: int, password: str) -> str:
        user = {"email": f"u{n}@corp.net", "password": password}
        return json.dumps({"_id": {"$oid": f"65a{n}"}, "user": user}) + "\n"

    records = [record(n, f"pw-{n}x") for n in range(20)]
    expected = [(f"u{n}@corp.net", f"pw-{n}x") for n in range(20)]
    assert read_pairs("".join(records)) == expected
    # Read by the line path: the plan names the nested keys.
    plan = detect_plan("".join(records).split("\n"))
    assert plan is not None and (plan.kind, plan.email_key, plan.password_key) == (
        "jsonl",
        "user.email",
        "user.password",
    )
    # A line cut off mid-record (the end of a truncated dump) loses only its own password; a
    # line broken in the middle keeps it when the object holding it still parses.
    cut = [*records[:-1], records[-1][:-20]]
    assert read_pairs("".join(cut)) == [*expected[:-1], ("u19@corp.net", None)]
    broken = [*records[:5], records[5].replace("}, ", ", ", 1), *records[6:]]
    assert read_pairs("".join(broken)) == expected
    torn = [*records[:5], records[5].replace('"password"', '"password" "', 1), *records[6:]]
    assert read_pairs("".join(torn)) == [*expected[:5], ("u5@corp.net", None), *expected[6:]]


def test_json_arrays_are_read_by_key() -> None:
    text = json.dumps(
        [{"user": {"email": "x@corp.net", "password": "p4ssw0rd"}}, {"email": "y@corp.net"}],
        indent=2,
    )
    assert read_pairs(text) == [("x@corp.net", "p4ssw0rd"), ("y@corp.net", None)]
    assert_spans(text)


def test_sql_inserts_map_passwords_by_column_name_or_hash_shape() -> None:
    text = (
        "CREATE TABLE `users` (\n  `id` int NOT NULL,\n  `email` varchar(255),\n"
        "  `password` varchar(64),\n  `dob` date,\n  PRIMARY KEY (`id`)\n) ENGINE=InnoDB;\n"
        "INSERT INTO `users` VALUES (1,'a@shop.io','5f4dcc3b5aa765d61d8327deb882cf99',NULL),"
        "(2,'b@shop.io','it''s mine','1990-01-01');\n"
        "INSERT INTO members (id, mail, pass) VALUES (3, 'c@shop.io', 'plainpw');\n"
        "INSERT INTO logs VALUES (4, 'd@shop.io', 'ok', 'e10adc3949ba59abbe56e057f20f883e');\n"
    )
    entities = extract(text)
    assert [(c.email, c.password) for c in entities.credentials] == [
        ("a@shop.io", "5f4dcc3b5aa765d61d8327deb882cf99"),
        ("b@shop.io", "it's mine"),
        ("c@shop.io", "plainpw"),
        ("d@shop.io", "e10adc3949ba59abbe56e057f20f883e"),
    ]
    assert D.DATE_OF_BIRTH in entities.data_classes
    assert_spans(text)


def _sql_passwords_by_tokens(text: str) -> dict[int, str]:
    """The plain token loop over every ``VALUES`` list: the reference of the fast tuple path."""
    tables, _ = extraction._sql_columns(text)
    out: dict[int, str] = {}
    for ins in extraction._SQL_INSERT.finditer(text):
        if ins.group(2):
            columns = [c.strip().strip('`"[]').lower() for c in ins.group(2).split(",")]
        else:
            columns = tables.get(ins.group(1).lower(), [])
        pos, depth = ins.end(), 0
        fields: list[tuple[str | None, int]] = []
        while pos < len(text):
            tok = extraction._SQL_TOKEN.match(text, pos)
            if tok is None:
                break
            pos = tok.end()
            if tok.group(3) == "(":
                depth, fields = depth + 1, []
            elif tok.group(3) == ")":
                depth -= 1
                out.update(extraction._sql_tuple_password(fields, tuple(columns)))
            elif tok.group(3) == ";" and depth == 0:
                break
            elif tok.group(1) is not None:
                fields.append((extraction._sql_unquote(tok.group(1)), tok.start(1)))
            elif tok.group(2) is not None:
                fields.append((extraction._sql_unquote(tok.group(2)), tok.start(2)))
            elif tok.group(4) is not None:
                fields.append((None if tok.group(4).upper() == "NULL" else tok.group(4), -1))
            if depth < 0:
                break
    return out


_SQL_PIECES = st.sampled_from(
    [
        "INSERT INTO `users` VALUES ",
        "INSERT INTO t (id, email, pass) VALUES",
        "(",
        ")",
        ",",
        ";",
        " ",
        "\n",
        "'a@b.io'",
        "'c@d.io'",
        '"e@f.io"',
        "x@y.io",
        "'pw'",
        "'it''s'",
        "'x\\'y'",
        "'",
        '"',
        "NULL",
        "NOW()",
        "5f4dcc3b5aa765d61d8327deb882cf99",
        "'5f4dcc3b5aa765d61d8327deb882cf99'",
        "1",
    ]
)


@given(st.lists(_SQL_PIECES, max_size=40).map("".join))
@SETTINGS
def test_the_fast_sql_tuples_read_what_the_token_loop_reads(text: str) -> None:
    assert extraction._sql_passwords(text)[0] == _sql_passwords_by_tokens(text)


def test_the_fast_sql_tuples_read_generated_dumps_as_the_token_loop() -> None:
    from breachwatch.demo.generator import documents_for_day

    for channel in ("drop", "paste"):
        for doc in documents_for_day(5, date(2026, 1, 3), channel):
            if "INSERT" in doc.text:
                found = extraction._sql_passwords(doc.text)[0]
                assert found == _sql_passwords_by_tokens(doc.text)


def test_stealer_log_blocks_attach_each_password_to_its_login() -> None:
    text = (
        "URL: https://login.live.com/\nLogin: victim1@outlook.com\nPassword: Summer2024!\n\n"
        "URL: https://facebook.com\nUSER: victim2@gmail.com\nPASS: qwerty123\n\n"
        "URL: https://example.org\nUSER: someone\nPASS: nopass\n"
    )
    assert read_pairs(text) == [
        ("victim1@outlook.com", "Summer2024!"),
        ("victim2@gmail.com", "qwerty123"),
    ]


@pytest.mark.parametrize("gap", ["", "\n", "\n===============\n"])
def test_stealer_logs_that_write_the_password_first_pair_it_with_the_login_after_it(
    gap: str,
) -> None:
    entries = [
        ("https://mail.acme.com", "Winter2023!", "victim1@acme.com"),
        ("https://shop.example.org", "hunter2hunter2", "victim2@gmail.com"),
        ("https://bank.example", "s3cr3t", "victim3@yahoo.com"),
    ]
    text = gap.join(
        f"Host: {url}\nPassword: {password}\nLogin: {login}\n" for url, password, login in entries
    )
    assert read_pairs(text) == [(login, password) for _, password, login in entries]
    # Without a URL line per entry, the document's order still decides.
    bare = gap.join(f"Password: {password}\nLogin: {login}\n" for _, password, login in entries)
    assert read_pairs(bare) == [(login, password) for _, password, login in entries]


def test_a_url_glued_to_an_address_by_a_field_separator_is_not_its_local_part() -> None:
    # "|" and "/" are legal in a local part, "//" is in no real one: URL-login-password lists
    # write the site first, and a pipe or a path glues it to the address.
    mixed = (
        "https://shop.example.com/login:buyer@example.com:sh0pp1ng\n"
        "https://mail.example.org|buyer@example.org|m41lb0x\n"
        "see https://site.com/users/bob@example.net:pw1 now\n"
    )
    assert read_pairs(mixed) == [
        ("buyer@example.com", "sh0pp1ng"),
        ("buyer@example.org", "m41lb0x"),
        ("bob@example.net", "pw1"),
    ]
    # The same under a line plan (the vectorised path hands such fields to the generic one).
    lines = "".join(f"https://site{i}.com|user{i}@corp.net:pw{i}\n" for i in range(12))
    assert read_pairs(lines) == [(f"user{i}@corp.net", f"pw{i}") for i in range(12)]


def test_urls_with_credentials_are_not_addresses() -> None:
    assert read_pairs("see https://admin:hunter2@intranet.acme.com/login for access") == []
    # A user name alone before the host, or an Android app's signing key before its package.
    assert read_pairs("see https://admin@intranet.acme.com/login for access") == []
    assert read_pairs("android://kZ8x_Qw==@com.bank.app/ saved") == []
    assert read_pairs("see https://site.com/users/bob@example.net now") == [
        ("bob@example.net", None)
    ]


@pytest.mark.parametrize(
    ("text", "address"),
    [
        ("contact: john [at] example [dot] com", "john@example.com"),
        ("dave(at)acme(dot)co.uk", "dave@acme.co.uk"),
        ("write to eve at mail dot example dot org please", "eve@mail.example.org"),
        ("<a href='mailto:Carol@Example.COM'>mail</a>", "carol@example.com"),
        ("“quoted@curly.com”", "quoted@curly.com"),
    ],
)
def test_obfuscated_and_wrapped_addresses_are_recovered(text: str, address: str) -> None:
    assert [c.email for c in extract(text).credentials] == [address]
    assert_spans(text)


def test_provider_rules_canonicalise_gmail_and_plus_tags() -> None:
    creds = extract("John.Doe+spam@GoogleMail.com:x\nann+news@outlook.com:y\nz@z.io:z").credentials
    assert [c.email for c in creds] == ["johndoe@gmail.com", "ann@outlook.com", "z@z.io"]


# --- bytes, caps and streaming ----------------------------------------------------------------


def test_broken_utf8_is_replaced_not_fatal() -> None:
    data = "ok@example.com:pässwörd\n".encode() + b"bad\xff@example.org:x\n"
    entities = extract_bytes(data)
    assert [(c.email, c.password) for c in entities.credentials] == [("ok@example.com", "pässwörd")]


def test_latin1_documents_are_detected() -> None:
    data = "café@example.com:mötley\nrené@example.fr:crème\n".encode("latin-1")
    assert decode_document(data).startswith("café@")
    assert [c.email for c in extract_bytes(data).credentials] == [
        "café@example.com",
        "rené@example.fr",
    ]


def test_utf16_with_a_bom_is_decoded() -> None:
    data = "a@example.com:x\n".encode("utf-16")
    assert [c.email for c in extract_bytes(data).credentials] == ["a@example.com"]


def test_documents_over_the_cap_are_truncated_and_say_so(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(extraction, "MAX_DOCUMENT_CHARS", 100)
    text = "\n".join(f"u{i}@example.com:pw{i}" for i in range(50))
    entities = extract(text)
    assert entities.truncated
    assert all(c.span[1] <= 100 for c in entities.credentials)
    assert extract_bytes(text.encode()).truncated


@pytest.mark.parametrize(
    "text",
    [
        "".join(f"user{i}@example.com:Pässwörd{i}\n" for i in range(300)),
        "Intro line\n" + "".join(f"x{i}@ex.org|h{i:032x}\n" for i in range(200)),
        "prose a@b.com:tok1 then " * 40 + "\nURL: x\nLogin: s@t.com\nPassword: p\n",
    ],
    ids=["combolist", "table", "prose"],
)
def test_streaming_a_file_in_small_chunks_matches_reading_it_whole(
    tmp_path: Path, text: str
) -> None:
    path = tmp_path / "dump.txt"
    path.write_bytes(text.encode())
    streamed = list(extract_file_streaming(path, chunk_bytes=257))
    assert streamed == extract(text).credentials


def test_streaming_reads_a_latin1_file(tmp_path: Path) -> None:
    path = tmp_path / "latin.txt"
    path.write_bytes("".join(f"é{i}@example.com:ü{i}\n" for i in range(100)).encode("latin-1"))
    assert len(list(extract_file_streaming(path, chunk_bytes=64))) == 100


# --- entities ---------------------------------------------------------------------------------


def test_sale_posts_name_the_victim_its_domain_size_and_data() -> None:
    entities = extract(
        "WTS: fresh database of Acme Corp (acme.com) - 1.2M records, 500k users with phone "
        "numbers, names, DOB and bcrypt hashes. Price 2 BTC, contact on Telegram."
    )
    assert entities.organisations == ["Acme Corp"]
    assert entities.victim_domains == ["acme.com"]
    assert entities.record_count_claim == 1_200_000
    assert {D.PHONE, D.NAME, D.DATE_OF_BIRTH, D.PASSWORD_HASH} <= entities.data_classes


def test_ransom_notes_name_the_victim() -> None:
    entities = extract(
        "Globex Corporation has been hacked. We exfiltrated 2,500,000 rows including SSNs and "
        "credit cards."
    )
    assert entities.organisations == ["Globex Corporation"]
    assert entities.record_count_claim == 2_500_000
    assert {D.GOVERNMENT_ID, D.PAYMENT_CARD} <= entities.data_classes


def test_the_actor_who_leaked_is_not_taken_for_the_victim() -> None:
    assert extract("Leaked by ShinyHunters: Ticketmaster database").organisations == [
        "Ticketmaster"
    ]


def test_sale_boilerplate_names_no_organisation() -> None:
    text = "Hello guys, selling a Fresh Private DB. Contact me on Telegram. Price: 0.5 BTC."
    assert extract(text).organisations == []


def test_the_dominant_company_domain_of_a_dump_is_its_victim() -> None:
    text = "\n".join([f"e{i}@initech.co.uk:x{i}" for i in range(8)] + ["a@gmail.com:1"] * 4)
    assert extract(text).victim_domains == ["initech.co.uk"]


def test_a_freemail_combolist_names_no_victim() -> None:
    text = "\n".join(f"e{i}@gmail.com:x{i}" for i in range(20))
    assert extract(text).victim_domains == []


def test_values_reveal_cards_phones_and_ips() -> None:
    cards = ["4111111111111111", "5500000000000004", "340000000000009", "6011000000000004"]
    rows = [
        f"u{i}@ex.org;{card};+44 20 7946 09{i:02d};192.168.1.{i}" for i, card in enumerate(cards)
    ]
    classes = extract("\n".join(rows)).data_classes
    assert {D.PAYMENT_CARD, D.PHONE, D.IP_ADDRESS} <= classes


def test_a_seller_contact_number_is_not_a_leaked_phone_column() -> None:
    assert D.PHONE not in extract("Contact me at +1 202 555 0147 for the sample.").data_classes


# --- storable rows ----------------------------------------------------------------------------


def test_credential_rows_hold_keys_masks_and_digests_only() -> None:
    text = "Ann@Example.com:hunter2\nbob@example.com:5f4dcc3b5aa765d61d8327deb882cf99\nc@x.io:\n"
    rows = credential_rows(extract(text), PEPPER)
    sha1, ntlm = (bytes.fromhex(d) for d in password_digests("hunter2"))
    assert rows[0] == {
        "email_key": bytes.fromhex(email_key("ann@example.com", PEPPER)),
        "email_domain": "example.com",
        "masked_email": mask_email("ann@example.com"),
        "password_kind": "plaintext",
        "hash_type": None,
        "password_sha1": sha1,
        "password_ntlm": ntlm,
        "line_no": 0,
    }
    assert rows[1]["password_kind"] == "hash" and rows[1]["password_sha1"] is None
    assert rows[2]["password_kind"] == "none" and rows[2]["password_ntlm"] is None
    assert "hunter2" not in json.dumps(rows, default=bytes.hex) and "5f4dcc3b" not in json.dumps(
        rows, default=bytes.hex
    )


def test_the_columnar_path_gives_the_same_rows_as_the_object_path() -> None:
    text = "".join(f"u{i}@example.com:pw{i % 7}\n" for i in range(50)) + "x@y.io:" + "a" * 40
    entities, frame = extract_table(text)
    assert entities.credentials == []
    table = credential_table(frame, PEPPER)
    assert table.to_dicts() == credential_rows(extract(text), PEPPER)


def _slow_path(data: bytes) -> tuple[list[dict], set[str]]:
    found = extract_bytes(data)
    plain = {c.password for c in found.credentials if c.password_kind == "plaintext" and c.password}
    return credential_rows(found, PEPPER), plain


def _without_credentials(entities: extraction.DocumentEntities) -> extraction.DocumentEntities:
    return replace(entities, credentials=[])


def test_storable_rows_equal_the_object_path_on_generated_breach_documents() -> None:
    from breachwatch.demo.generator import documents_for_day

    day, checked = date(2026, 1, 1), 0
    for channel in ("drop", "paste"):
        for doc in documents_for_day(7, day, channel):
            data = doc.text.encode()
            if not doc.is_breach or len(data) > 60_000:
                continue  # keep the file fast; the formats repeat across sizes
            rows, entities, plain = storable_rows(data, PEPPER)
            expected_rows, expected_plain = _slow_path(data)
            assert rows.to_dicts() == expected_rows, doc.text[:200]
            assert plain == expected_plain
            assert _without_credentials(extract_bytes(data)) == entities
            assert entities.credential_count == rows.height
            checked += 1
    assert checked >= 10


def test_storable_rows_keys_and_digests_are_the_core_ones() -> None:
    data = b"Ann@Example.com:hunter2\nbob@x.io:5f4dcc3b5aa765d61d8327deb882cf99\n"
    rows, _, plain = storable_rows(data, PEPPER)
    first = rows.row(0, named=True)
    assert first["email_key"].hex() == email_key(canonical_email("Ann@Example.com"), PEPPER)
    assert (first["password_sha1"].hex().upper(), first["password_ntlm"].hex().upper()) == (
        password_digests("hunter2")
    )
    assert plain == {"hunter2"}
    assert "hunter2" not in json.dumps(rows.to_dicts(), default=bytes.hex)


# --- public e-mail validator vectors ----------------------------------------------------------


def test_every_valid_vector_is_found_and_precision_is_at_least_99_percent() -> None:
    vectors = json.loads((DATA / "email_vectors.json").read_text())["vectors"]
    scored = [v for v in vectors if v["kind"] != "out_of_scope"]
    true_pos = false_pos = 0
    missed = []
    for v in scored:
        found = [c.email for c in extract(v["address"]).credentials]
        if v["kind"] == "invalid":
            false_pos += len(found)
            continue
        expected = v.get("expect") or canonical_email(v["address"])
        if expected in found:
            true_pos += 1
        else:
            missed.append(v["address"])
        false_pos += len([f for f in found if f != expected])
    assert not missed
    assert true_pos / (true_pos + false_pos) >= 0.99
    assert len(scored) >= 100


# --- properties -------------------------------------------------------------------------------

_LOCAL = st.text(alphabet="abcdefghijklmnopqrstuvwxyzABCXYZ0123456789._+-", min_size=1, max_size=20)
_DOMAINS = st.sampled_from(
    [
        "example.com",
        "gmail.com",
        "googlemail.com",
        "outlook.com",
        "a-b.co.uk",
        "xn--bcher-kva.de",
        "g--a.com",
        "sub.example.org",
        "bücher.de",
        "mail.ru",
    ]
)
_PASSWORD = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc", "Zs", "Zl", "Zp")),
    min_size=8,
    max_size=24,
)


_FRAGMENT = st.one_of(
    st.text(max_size=30),
    st.sampled_from(
        [
            "@",
            "a@b.com",
            "x.y+z@gmail.com",
            " [at] ",
            " dot ",
            ":",
            ";",
            "|",
            "\t",
            "\n",
            "'",
            "mailto:",
            "é@ü.de",
            "INSERT INTO t VALUES (",
            "'u@v.io'",
            ")",
            "Password: ",
            "URL: ",
        ]
    ),
)


@given(st.lists(_FRAGMENT, max_size=25).map("".join))
@SETTINGS
def test_extract_never_raises_and_every_span_slices_to_its_address(text: str) -> None:
    for cred in extract(text).credentials:
        start, end = cred.span
        assert canonical_email(text[start:end]) == cred.email
        assert text.count("\n", 0, start) == cred.line_no


@given(st.binary(max_size=400))
@SETTINGS
def test_extract_never_raises_on_arbitrary_bytes(data: bytes) -> None:
    extract_bytes(data)


@given(
    st.lists(st.tuples(_LOCAL, _DOMAINS, st.sampled_from([":", ";", "|", "\t"])), max_size=8),
    st.text(max_size=60),
)
@SETTINGS
def test_every_span_slices_to_its_address(rows: list[tuple[str, str, str]], noise: str) -> None:
    text = noise + "\n" + "\n".join(f"{local}@{domain}{sep}pw" for local, domain, sep in rows)
    for cred in extract(text).credentials:
        start, end = cred.span
        raw = text[start:end]
        assert canonical_email(raw) == cred.email
        assert (
            raw.split("@")[0]
            .lower()
            .replace(".", "")
            .split("+")[0]
            .startswith(cred.email.split("@")[0].split("+")[0][:1])
        )


@given(st.lists(st.tuples(_LOCAL, _DOMAINS, _PASSWORD), min_size=1, max_size=8))
@SETTINGS
def test_credential_rows_never_contain_a_plaintext_password(
    rows: list[tuple[str, str, str]],
) -> None:
    passwords = [pw.strip() for _, _, pw in rows]
    public = " ".join(f"{domain} ***@" for _, domain, _ in rows)  # stored on purpose
    for pw in passwords:
        assume(len(pw) >= 8 and pw.lower() not in public.lower())
    text = "\n".join(f"{local}@{domain}:{pw}" for local, domain, pw in rows)
    rows_out = credential_rows(extract(text), PEPPER)
    stored = json.dumps([list(r.values()) for r in rows_out], ensure_ascii=False, default=bytes.hex)
    for pw in passwords:
        assert pw not in stored


@given(
    st.lists(
        st.tuples(_LOCAL, _DOMAINS, st.one_of(_PASSWORD, st.sampled_from(["", "NULL", "-"]))),
        min_size=1,
        max_size=12,
    ),
    st.sampled_from([":", ";", "|", "\t"]),
    st.sampled_from(["", "Acme Corp database leaked, 2M records\n"]),
)
@SETTINGS
def test_storable_rows_equal_the_object_path_for_any_combolist(
    rows: list[tuple[str, str, str]], sep: str, head: str
) -> None:
    data = (head + "\n".join(f"{loc}@{dom}{sep}{pw}" for loc, dom, pw in rows)).encode()
    out, entities, plain = storable_rows(data, PEPPER)
    expected_rows, expected_plain = _slow_path(data)
    assert out.to_dicts() == expected_rows
    assert plain == expected_plain
    assert entities.credential_count == len(expected_rows)


_ASCII_ADDRESS = st.builds(
    lambda local, labels, tld: f"{local}@{'.'.join(labels)}.{tld}",
    st.text(alphabet="abcXYZ019._+-!#{}'", min_size=1, max_size=66),
    st.lists(st.text(alphabet="abcz09-", min_size=1, max_size=8), min_size=1, max_size=3),
    st.sampled_from(["com", "org", "io", "x", "co", "ab1", "xn--p1ai"]),
)


@given(_ASCII_ADDRESS)
@SETTINGS
def test_fast_canonicalisation_agrees_with_the_core(address: str) -> None:
    try:
        core: str | None = canonical_email(address)
    except InvalidEmail:
        core = None
    ours = canonical_or_none(address)
    stricter = core is not None and (len(core.rpartition(".")[2]) < 2 or len(address) > 254)
    assert ours == (None if stricter else core)
    lines = [address, address, address]
    plan = detect_plan(lines)
    if plan is not None and plan.kind == "list":
        frame, _ = line_frame(lines, plan)
        bulk_value = frame["email"][0] if frame.height else None
        # The line grammar is stricter still (dot-atom, labelled domain): it may find nothing,
        # but what it finds is what the core would key.
        assert bulk_value is None or bulk_value == ours


_ANY_ADDRESS = st.builds(
    lambda local, labels, tld: f"{local}@{'.'.join(labels)}.{tld}",
    st.text(alphabet="abcXY09._+-:<'{ äÖßİı\u0301\uff21ﬁ", min_size=1, max_size=20),
    st.lists(
        st.text(alphabet="abz09-äößİﬁ\u0301-", min_size=1, max_size=8), min_size=1, max_size=3
    ),
    st.sampled_from(["com", "de", "x", "xn--p1ai", "рф", "Com"]),
)


@given(_ANY_ADDRESS)
@SETTINGS
def test_the_cached_domain_route_keys_an_address_as_the_core(address: str) -> None:
    try:
        core: str | None = canonical_email(address)
    except InvalidEmail:
        core = None
    assert bulk._core_canonical(address) == core
    assert bulk._core_canonical(address) == core  # from the domain cache this time


def _first_rule(value: str) -> str | None:
    """The ordered rule loop ``identify_hash`` stands for: the first rule that matches."""
    value = value.strip()
    if not 16 <= len(value) <= 512:
        return None
    for compiled, rule in hashid._COMPILED:
        if compiled.fullmatch(value) is not None:
            return rule.hash_type if hashid.rule_matches(rule, value) else None
    return None


_HASHY = st.text(alphabet="0123456789abcdefABCDEF$./:*{}=,pPHS2abyxrgon", min_size=14, max_size=140)


_HASH_EXAMPLES = json.loads((Path(__file__).parents[1] / "data" / "hash_examples.json").read_text())


@given(st.one_of(_HASHY, st.sampled_from([e["hash"] for e in _HASH_EXAMPLES])))
@SETTINGS
def test_one_alternation_picks_the_rule_the_ordered_loop_picks(value: str) -> None:
    assert hashid.identify_hash(value).hash_type == _first_rule(value)


# --- throughput -------------------------------------------------------------------------------


@pytest.mark.slow
def test_the_bulk_path_reads_a_combolist_at_several_megabytes_a_second() -> None:
    text = "".join(f"user{i}.name@example{i % 50}.com:Passw0rd{i}!\n" for i in range(120_000))
    start = time.perf_counter()
    _, frame = extract_table(text)
    seconds = time.perf_counter() - start
    assert frame.height == 120_000
    assert isinstance(frame, pl.DataFrame)
    # ~10-18 MB/s measured on the shared 2-core box; the floor catches pathological regressions
    # (a counted repeat of a Unicode class once made this path 50 times slower).
    assert len(text) / 1e6 / seconds > 1.5


def test_a_checkers_capture_after_a_combo_password_is_not_part_of_it() -> None:
    """Hits lists append what a checker captured: ``a@b.com:pw | Plan = Premium``."""
    lines = [f"user{i}@mail.com:Pass{i} word | Plan = Premium | Country = US" for i in range(30)]
    expected = [f"Pass{i} word" for i in range(30)]
    assert [c.password for c in extract("\n".join(lines)).credentials] == expected  # line path
    prose = "Fresh hits from today:\n" + lines[3] + "\nenjoy"
    assert [c.password for c in extract(prose).credentials] == [expected[3]]  # generic path


@given(
    passwords=st.lists(
        st.text(alphabet="abcXYZ019!#$%&.,:;|/", min_size=1, max_size=16).filter(
            lambda p: "://" not in p and p.strip("-*") and not p.endswith((":", ";", "|"))
        ),
        min_size=3,
        max_size=12,
    ),
    site=st.sampled_from(
        ["https://shop.example.com/login", "http://10.0.0.1:8080/", "android://Ab_1==@com.app/"]
    ),
    glue=st.sampled_from([":", ";", "|", " ", ": ", "\t"]),
)
@SETTINGS
def test_a_site_written_after_a_combo_password_is_not_part_of_it(
    passwords: list[str], site: str, glue: str
) -> None:
    """Stealer-derived lists write ``a@b.com:pw:https://site/``: the password ends before it."""
    lines = [f"user{i}@mail.com:{pw}{glue}{site}" for i, pw in enumerate(passwords)]
    assert [c.password for c in extract("\n".join(lines)).credentials] == passwords  # line path
    prose = "Fresh logs from today:\n" + lines[0] + "\nenjoy"
    assert [c.password for c in extract(prose).credentials] == passwords[:1]  # generic path


def test_a_hash_written_before_its_address_is_its_password_a_name_is_not() -> None:
    md5 = [hashlib.md5(str(i).encode()).hexdigest() for i in range(30)]
    hashed = extract("\n".join(f"{h}:user{i}@mail.com" for i, h in enumerate(md5))).credentials
    assert [(c.password_kind, c.password) for c in hashed] == [("hash", h) for h in md5]
    named = extract("\n".join(f"user{i}:user{i}@mail.com" for i in range(30))).credentials
    assert {(c.password_kind, c.password) for c in named} == {("none", None)}


_STEALER_PASSWORDS = st.text(alphabet="abcXYZ019!#$%&.,", min_size=1, max_size=24)


@given(
    passwords=st.lists(_STEALER_PASSWORDS, min_size=1, max_size=8),
    password_first=st.booleans(),
    with_url=st.booleans(),
    gap=st.sampled_from(["", "\n", "\n===============\n", "\n\n"]),
    login_label=st.sampled_from(["Login", "USER", "Username", "login", "E-mail"]),
    password_label=st.sampled_from(["Password", "PASS", "pwd", "password"]),
)
@SETTINGS
def test_stealer_entries_pair_each_login_with_its_password_in_either_order(
    passwords: list[str],
    password_first: bool,
    with_url: bool,
    gap: str,
    login_label: str,
    password_label: str,
) -> None:
    entries = []
    for i, password in enumerate(passwords):
        login = f"{login_label}: victim{i}@corp.net\n"
        secret = f"{password_label}: {password}\n"
        url = f"URL: https://site{i}.example/login\n" if with_url else ""
        entries.append(url + (secret + login if password_first else login + secret))
    expected = [(f"victim{i}@corp.net", p) for i, p in enumerate(passwords)]
    assert read_pairs(gap.join(entries)) == expected


_JSON_KEYS = st.sampled_from(["email", "mail", "login"])
_JSON_PW_KEYS = st.sampled_from(["password", "pass", "pwd", "hash"])


@given(
    key=_JSON_KEYS,
    pw_key=_JSON_PW_KEYS,
    records=st.lists(
        st.tuples(
            st.integers(0, 2),  # nesting depth of the object holding the address
            st.text(alphabet="abcXYZ019!#$ ", min_size=1, max_size=16).map(str.strip),
        ),
        min_size=1,
        max_size=12,
    ),
)
@SETTINGS
def test_json_lines_give_every_record_its_password_whatever_the_nesting(
    key: str, pw_key: str, records: list[tuple[int, str]]
) -> None:
    """One dump names its keys alike on every line; how deep each record nests may vary."""
    lines = []
    expected = []
    for i, (depth, password) in enumerate(records):
        assume(password and password != "-")
        record: dict[str, object] = {key: f"u{i}@corp.net", pw_key: password, "id": i}
        for level in range(depth):
            record = {f"level{level}": record, "_id": {"$oid": f"{i:024x}"}}
        lines.append(json.dumps(record))
        expected.append((f"u{i}@corp.net", password))
    assert read_pairs("\n".join(lines) + "\n") == expected


def test_a_log_whose_lines_open_with_a_bracket_is_no_json_lines_document() -> None:
    log = "".join(f"[2024-01-01 10:00:{i % 60:02d}] user{i}@x.com: login ok\n" for i in range(3000))
    assert not extraction.is_json_document(log)
    # JSON lines with a broken line among them still are (one line in ten may be no record).
    records = "".join(json.dumps({"n": i}) + "\n" for i in range(30))
    assert extraction.is_json_document(records + '{"n": 30, "cut\n' + records)


# Printable ASCII, whitespace, letters and marks beyond ASCII, and characters of the blocks that
# end an address (Latin-1 punctuation, general punctuation, fullwidth forms, CJK symbols).
_RUN_ALPHABET = (
    "".join(map(chr, range(0x20, 0x7F)))
    + "\t\n\r\x00\x7f\u00a0\u00ab\u00e9\u00df\u0301\u0663\u2019\u2013\u3000\u3001\uff0e\uff20"
    + "\uff21\u4e2d\u0436\ufe50\ufffd\u2e3a\U0001f600"
)


@given(st.text(alphabet=_RUN_ALPHABET, max_size=40))
@SETTINGS
def test_the_atext_run_is_the_characters_of_a_dot_atom(text: str) -> None:
    atom_char = re.compile(extraction._ATOM.removesuffix("+"))
    expected = next(
        (i for i, ch in enumerate(text) if ch != "." and not atom_char.fullmatch(ch)), len(text)
    )
    assert extraction._atext_run_length(text) == expected


_HINT_PIECES = st.sampled_from(
    [*"\n\r \t-*<>:=xpu_", "pass", "Password", "passwd", "user_pass", "userPASS", "pwd", "PW", "ſ"]
)


@given(st.lists(_HINT_PIECES, max_size=24).map("".join))
@SETTINGS
def test_the_stealer_hint_is_the_multiline_hint(text: str) -> None:
    multiline = re.compile(PASSWORD_LINE_HINT, re.IGNORECASE | re.MULTILINE)
    assert extraction._has_stealer_hint(text) == (multiline.search(text) is not None)


@given(st.text(alphabet="ab\n\r", max_size=30), st.lists(st.integers(0, 30), max_size=8))
@SETTINGS
def test_the_line_index_counts_lines_asked_in_any_order(text: str, offsets: list[int]) -> None:
    index = extraction.LineIndex(text)
    for offset in offsets:
        offset = min(offset, len(text))
        line = text.count("\n", 0, offset)
        assert index(offset) == line
        lines = text.split("\n")
        start = sum(len(x) + 1 for x in lines[:line])
        assert index.bounds(offset) == (start, start + len(lines[line]))
