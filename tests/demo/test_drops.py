from __future__ import annotations

import gzip
import zipfile
from datetime import UTC, date, datetime, time
from pathlib import Path

from breachwatch.demo import documents_for_day, write_drops
from breachwatch.demo.drops import drop_name

DAYS = [date(2025, 3, 1), date(2025, 3, 2), date(2025, 3, 3), date(2025, 3, 4)]


def _read(path: Path) -> str:
    data = path.read_bytes()
    if path.suffix == ".gz":
        data = gzip.decompress(data)
    elif path.suffix == ".zip":
        with zipfile.ZipFile(path) as archive:
            (name,) = archive.namelist()
            data = archive.read(name)
    return data.decode("utf-8")


def test_each_day_is_written_to_its_own_folder_with_noon_mtimes(seed: int, tmp_path: Path) -> None:
    paths = write_drops(seed, tmp_path, DAYS)
    for day in DAYS:
        docs = documents_for_day(seed, day, "drop")
        folder = tmp_path / day.isoformat()
        assert sorted(p.name for p in folder.iterdir()) == sorted(drop_name(seed, d) for d in docs)
        noon = datetime.combine(day, time(12), tzinfo=UTC).timestamp()
        for doc in docs:
            path = folder / drop_name(seed, doc)
            assert path in paths
            assert path.stat().st_mtime == noon
            assert _read(path) == doc.text


def test_extensions_follow_the_content_and_some_files_are_compressed(
    seed: int, tmp_path: Path
) -> None:
    paths = write_drops(seed, tmp_path, [date(2025, 2, 1 + i) for i in range(12)])
    suffixes = {p.suffix for p in paths}
    assert {".gz", ".zip"} <= suffixes
    assert len(suffixes & {".sql", ".csv", ".json", ".txt"}) >= 3
    assert not [p for p in tmp_path.rglob(".*") if p.is_file()]  # no partial files left


def test_rewriting_drops_gives_identical_bytes(seed: int, tmp_path: Path) -> None:
    first = {p.name: p.read_bytes() for p in write_drops(seed, tmp_path / "a", DAYS[:2])}
    second = {p.name: p.read_bytes() for p in write_drops(seed, tmp_path / "b", DAYS[:2])}
    assert first == second
