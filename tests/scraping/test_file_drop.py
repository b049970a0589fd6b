from __future__ import annotations

import gzip
import io
import os
import zipfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from breachwatch.domain import SourceKind
from breachwatch.scraping import ScrapeLimits, SourceConfig, scrape_source
from breachwatch.scraping.types import MIB

START = datetime(2025, 3, 1, tzinfo=UTC)
END = START + timedelta(days=1)
INSIDE = START + timedelta(hours=6)
LIMITS = ScrapeLimits()


def drop(path: Path, data: bytes, when: datetime = INSIDE) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    os.utime(path, (when.timestamp(), when.timestamp()))
    return path


def zipped(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def source_for(directory: Path | str, **config: object) -> SourceConfig:
    return SourceConfig("drop", SourceKind.FILE_DROP, str(directory), dict(config))


def test_text_dumps_modified_in_the_window_become_documents(tmp_path: Path) -> None:
    drop(tmp_path / "users.csv", b"email,password\na@x.io,pw\n")
    drop(tmp_path / "nested/db.sql", b"INSERT INTO users VALUES ('b@x.io');\n")
    drop(tmp_path / "old.txt", b"yesterday", START - timedelta(hours=1))
    drop(tmp_path / "future.txt", b"tomorrow", END)
    documents, report = scrape_source(source_for(tmp_path), START, END, LIMITS)
    assert report.status == "ok" and report.errors == []
    by_title = {d.title: d for d in documents}
    assert set(by_title) == {"users.csv", "db.sql"}
    assert by_title["users.csv"].content_type == "text/csv"
    assert by_title["users.csv"].posted_at == INSIDE
    assert by_title["db.sql"].url == (tmp_path / "nested/db.sql").resolve().as_uri()
    assert report.bytes_fetched == sum(len(d.content) for d in documents)


def test_file_url_and_pattern_select_the_files(tmp_path: Path) -> None:
    drop(tmp_path / "a.txt", b"a")
    drop(tmp_path / "sub/b.txt", b"b")
    source = source_for(tmp_path.as_uri(), pattern="*.txt")
    documents, _ = scrape_source(source, START, END, LIMITS)
    assert [d.content for d in documents] == [b"a"]


def test_gz_is_inflated_and_zip_members_are_separate_documents(tmp_path: Path) -> None:
    drop(tmp_path / "dump.sql.gz", gzip.compress(b"-- dump\nINSERT 1;\n"))
    drop(tmp_path / "leak.zip", zipped({"a/users.txt": b"u1\n", "b.json": b"{}", "x.exe": b"MZ"}))
    documents, report = scrape_source(source_for(tmp_path), START, END, LIMITS)
    assert sorted((d.title, d.content) for d in documents) == [
        ("a/users.txt", b"u1\n"),
        ("b.json", b"{}"),
        ("dump.sql.gz", b"-- dump\nINSERT 1;\n"),
    ]
    gz = next(d for d in documents if d.title == "dump.sql.gz")
    assert gz.content_type == "application/sql"
    member = next(d for d in documents if d.title == "a/users.txt")
    assert member.url.endswith("leak.zip#a/users.txt")
    assert report.skipped == 1 and report.status == "ok"


def test_other_extensions_are_skipped_and_counted_not_errors(tmp_path: Path) -> None:
    drop(tmp_path / "photo.jpg", b"\xff\xd8\xff")
    drop(tmp_path / "notes.md", b"# hi")
    drop(tmp_path / "ok.txt", b"ok")
    documents, report = scrape_source(source_for(tmp_path), START, END, LIMITS)
    assert len(documents) == 1 and report.skipped == 2 and report.errors == []


def test_zip_bomb_is_refused_and_the_rest_of_the_drop_is_read(tmp_path: Path) -> None:
    drop(tmp_path / "bomb.zip", zipped({"zeros.txt": b"0" * (12 * MIB)}))
    drop(tmp_path / "gzbomb.txt.gz", gzip.compress(b"0" * (12 * MIB)))
    drop(tmp_path / "fine.txt", b"fine")
    documents, report = scrape_source(source_for(tmp_path), START, END, LIMITS)
    assert [d.content for d in documents] == [b"fine"]
    assert report.status == "partial" and len(report.errors) == 2
    assert all("decompression bomb" in e for e in report.errors)


def test_a_file_over_the_file_cap_is_an_error_and_the_others_continue(tmp_path: Path) -> None:
    drop(tmp_path / "big.txt", b"x\n" * 1024)
    drop(tmp_path / "small.txt", b"x")
    limits = ScrapeLimits(max_document_bytes=512, max_file_bytes=1024)
    documents, report = scrape_source(source_for(tmp_path), START, END, limits)
    assert [d.title for d in documents] == ["small.txt"]
    assert "big.txt: file of 2048 bytes exceeds 1024" in report.errors[0]


def _export(rows: int) -> bytes:
    lines = ["id,name,email,password"]
    lines += [f"{i},Name {i},user{i}@mail.test,pw{i}-secret" for i in range(rows)]
    return ("\n".join(lines) + "\n").encode()


def test_a_file_larger_than_a_document_is_read_in_parts_of_whole_lines(tmp_path: Path) -> None:
    data = _export(400)
    drop(tmp_path / "users.csv", data)
    limits = ScrapeLimits(max_document_bytes=2048)
    documents, report = scrape_source(source_for(tmp_path), START, END, limits)
    n = len(documents)
    assert report.errors == [] and n >= -(-len(data) // 2048)
    assert [d.title for d in documents] == [f"users.csv (part {k} of {n})" for k in range(1, n + 1)]
    assert len({d.url for d in documents}) == n and all(d.url.endswith(f"/{n}") for d in documents)
    assert all(len(d.content) <= 2048 and d.content.endswith(b"\n") for d in documents)
    assert all(d.content_type == "text/csv" for d in documents)
    header = b"id,name,email,password\n"
    assert all(d.content.startswith(header) for d in documents)
    bodies = [documents[0].content] + [d.content.removeprefix(header) for d in documents[1:]]
    assert b"".join(bodies) == data


def test_a_gzip_file_inflating_past_a_document_is_read_in_parts(tmp_path: Path) -> None:
    data = _export(400)
    drop(tmp_path / "users.csv.gz", gzip.compress(data))
    limits = ScrapeLimits(max_document_bytes=4096)
    documents, report = scrape_source(source_for(tmp_path), START, END, limits)
    assert report.errors == [] and len(documents) > 1
    assert all(d.content_type == "text/csv" and len(d.content) <= 4096 for d in documents)
    assert documents[-1].content.endswith(b"399,Name 399,user399@mail.test,pw399-secret\n")


def test_a_zip_member_larger_than_a_document_is_read_in_parts(tmp_path: Path) -> None:
    data = _export(400)
    drop(tmp_path / "leak.zip", zipped({"users.csv": data, "notes.md": b"skip me"}))
    limits = ScrapeLimits(max_document_bytes=4096)
    documents, report = scrape_source(source_for(tmp_path), START, END, limits)
    n = len(documents)
    assert report.errors == [] and report.skipped == 1 and n > 1
    assert [d.title for d in documents] == [f"users.csv (part {k} of {n})" for k in range(1, n + 1)]
    assert all(
        d.url.endswith(f"leak.zip#users.csv&part={k}/{n}") for k, d in enumerate(documents, 1)
    )
    header = b"id,name,email,password\n"
    bodies = [documents[0].content] + [d.content.removeprefix(header) for d in documents[1:]]
    assert b"".join(bodies) == data


def test_archives_over_the_file_cap_are_errors_and_the_others_continue(tmp_path: Path) -> None:
    big = os.urandom(3000).hex().encode()
    drop(tmp_path / "big.zip", zipped({"a.txt": big}))
    drop(tmp_path / "big.txt.gz", gzip.compress(big))
    drop(tmp_path / "small.txt", b"x")
    limits = ScrapeLimits(max_document_bytes=1024, max_file_bytes=4096)
    documents, report = scrape_source(source_for(tmp_path), START, END, limits)
    assert [d.title for d in documents] == ["small.txt"]
    assert len(report.errors) == 2 and all("exceeds 4096" in e for e in report.errors)


def _dump(rows: int) -> bytes:
    head = "-- MySQL dump\nCREATE TABLE `users` (\n  `id` int,\n  `email` varchar(255),\n"
    head += "  `password` varchar(64),\n  `name` varchar(64)\n);\n"
    body = [
        f"INSERT INTO `users` VALUES ({i},'user{i}@mail.test','pw{i}-x','N {i}');"
        for i in range(rows)
    ]
    return (head + "\n".join(body) + "\n").encode()


def _extended_dump(rows: int, per_statement: int, names: bool) -> bytes:
    """phpMyAdmin's layout: an extended ``INSERT`` per ``per_statement`` rows, a tuple a line,
    so a part boundary falls inside a statement and a later part starts with bare tuples."""
    head = "-- phpMyAdmin SQL Dump\nCREATE TABLE `users` (\n  `id` int,\n  `email` varchar(255),\n"
    head += "  `password` varchar(64),\n  `name` varchar(64)\n);\n\n"
    columns = " (`id`, `email`, `password`, `name`)" if names else ""
    out = [head]
    for start in range(0, rows, per_statement):
        end = min(rows, start + per_statement)
        tuples = [f"({i}, 'user{i}@mail.test', 'pw{i}-x', 'N {i}')" for i in range(start, end)]
        out.append(f"INSERT INTO `users`{columns} VALUES\n" + ",\n".join(tuples) + ";\n\n")
    return "".join(out).encode()


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("users.csv", _export(3000)),
        ("users.sql", _dump(3000)),
        ("extended.sql", _extended_dump(3000, 250, names=True)),
        ("extended-create.sql", _extended_dump(3000, 700, names=False)),
    ],
)
def test_the_parts_of_a_large_dump_lose_no_credential(
    tmp_path: Path, name: str, data: bytes
) -> None:
    from ml.batch import extract_tables

    drop(tmp_path / name, data)
    limits = ScrapeLimits(max_document_bytes=32 * 1024)
    documents, report = scrape_source(source_for(tmp_path), START, END, limits)
    assert report.errors == [] and len(documents) > 3
    if name.startswith("extended"):
        # the case under test: later parts that start inside a statement, with bare tuples
        first = documents[0].content
        preamble = first[: first.index(b"\n(") + 1]
        assert any(d.content[len(preamble) :].startswith(b"(") for d in documents[1:])
    frame = extract_tables([d.content.decode() for d in documents]).frame
    pairs = set(zip(frame["email"].to_list(), frame["password"].to_list(), strict=True))
    assert frame.height == 3000
    assert pairs == {
        (f"user{i}@mail.test", f"pw{i}-secret" if name.endswith("csv") else f"pw{i}-x")
        for i in range(3000)
    }
