"""`flask regions load`: an idempotent upsert that never drops a code in use."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from sqlalchemy import select

from shop.extensions import db
from shop.regions import queries
from shop.regions.loader import DATA_DIR, RegionDataError, load_regions
from shop.regions.models import District, Regency
from tests.factories import GroupFactory

FILES = ("provinces.csv", "regencies.csv", "districts.csv")
MUARO_JAMBI = "15.05,15,Kabupaten Muaro Jambi"


@pytest.fixture(autouse=True)
def _fresh_cache(app_ctx):
    queries.clear_region_cache()
    yield
    queries.clear_region_cache()


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    for name in FILES:
        shutil.copy(DATA_DIR / name, tmp_path / name)
    return tmp_path


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def drop_lines(path: Path, prefix: str) -> int:
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    kept = [line for line in lines if not line.startswith(prefix)]
    path.write_text("".join(kept), encoding="utf-8")
    return len(lines) - len(kept)


def summary(counts) -> dict[str, tuple[int, int, int, int, int]]:
    return {
        table: (c.in_file, c.added, c.updated, c.removed, c.kept_in_use)
        for table, c in counts.items()
    }


def test_loading_the_migrated_data_again_changes_nothing():
    assert summary(load_regions()) == {
        "province": (38, 0, 0, 0, 0),
        "regency": (514, 0, 0, 0, 0),
        "district": (7285, 0, 0, 0, 0),
    }


def test_a_changed_name_is_updated_once(data_dir):
    queries.regencies_of("15")
    edit(
        data_dir / "regencies.csv",
        "15.05,15,Kabupaten Muaro Jambi",
        "15.05,15,Kabupaten Muaro Jambi Raya",
    )

    first = load_regions(data_dir)
    second = load_regions(data_dir)

    assert first["regency"].updated == 1
    assert summary(second)["regency"] == (514, 0, 0, 0, 0)
    assert db.session.get(Regency, "15.05").name == "Kabupaten Muaro Jambi Raya"
    assert ("15.05", "Kabupaten Muaro Jambi Raya") in queries.regencies_of("15")


def test_new_codes_are_added_and_unlisted_unused_codes_removed(data_dir):
    edit(
        data_dir / "districts.csv",
        "15.05.01,15.05,Jambi Luar Kota\n",
        "15.05.01,15.05,Jambi Luar Kota\n15.05.99,15.05,Kecamatan Baru\n",
    )
    dropped = drop_lines(data_dir / "districts.csv", "15.72.")
    drop_lines(data_dir / "regencies.csv", "15.72,")

    counts = summary(load_regions(data_dir))

    assert counts["district"] == (7285 - dropped + 1, 1, 0, dropped, 0)
    assert counts["regency"] == (513, 0, 0, 1, 0)
    assert db.session.get(District, "15.05.99").name == "Kecamatan Baru"
    assert db.session.get(Regency, "15.72") is None
    assert "15.72" not in {r.code for r in queries.regencies_of("15")}


def test_an_unlisted_code_still_in_use_is_kept(data_dir):
    GroupFactory(province_code="15", regency_code="15.05", district_code="15.05.01")
    dropped = drop_lines(data_dir / "districts.csv", "15.05.")
    drop_lines(data_dir / "regencies.csv", "15.05,")

    counts = summary(load_regions(data_dir))

    # The group's district stays, and so does its regency (the group and the district use it).
    assert counts["district"][3:] == (dropped - 1, 1)
    assert counts["regency"][3:] == (0, 1)
    assert db.session.get(District, "15.05.01") is not None
    remaining = db.session.scalars(select(District.code).where(District.regency_code == "15.05"))
    assert list(remaining) == ["15.05.01"]


@pytest.mark.parametrize(
    ("filename", "old", "new", "message"),
    [
        ("districts.csv", "15.05.01,15.05,", "15.05.01,15.99,", "not in the file above it"),
        ("regencies.csv", "code,province_code,name", "code,province,name", "missing columns"),
        ("provinces.csv", "15,Jambi", "15,", "has no name"),
        ("provinces.csv", "16,Sumatera Selatan", "15,Sumatera Selatan", "more than once"),
    ],
)
def test_a_broken_file_is_refused_and_nothing_written(data_dir, filename, old, new, message):
    edit(data_dir / "regencies.csv", MUARO_JAMBI, "15.05,15,Renamed")
    edit(data_dir / filename, old, new)

    with pytest.raises(RegionDataError, match=message):
        load_regions(data_dir)

    assert db.session.get(Regency, "15.05").name == "Kabupaten Muaro Jambi"


def test_cli_dry_run_reports_and_saves_nothing(app, data_dir):
    edit(data_dir / "regencies.csv", MUARO_JAMBI, "15.05,15,Renamed")

    result = app.test_cli_runner().invoke(
        args=["regions", "load", "--source", str(data_dir), "--dry-run"]
    )

    assert result.exit_code == 0, result.output
    assert "regency: 514 in file, 0 added, 1 updated, 0 removed" in result.output
    assert "Dry run" in result.output
    assert db.session.get(Regency, "15.05").name == "Kabupaten Muaro Jambi"


@pytest.fixture
def committing_cli(app):
    runner = app.test_cli_runner()
    yield runner
    # The command commits, and on SQLite a commit inside the test transaction
    # reaches the file; loading the vendored data again undoes the test's edits.
    result = runner.invoke(args=["regions", "load"])
    assert result.exit_code == 0, result.output


def test_cli_load_saves_and_a_broken_file_exits_with_the_reason(committing_cli, data_dir):
    edit(data_dir / "regencies.csv", MUARO_JAMBI, "15.05,15,Renamed")

    result = committing_cli.invoke(args=["regions", "load", "--source", str(data_dir)])
    assert result.exit_code == 0, result.output
    assert "province: 38 in file, 0 added, 0 updated" in result.output
    assert db.session.scalar(select(Regency.name).where(Regency.code == "15.05")) == "Renamed"

    drop_lines(data_dir / "provinces.csv", "15,")
    result = committing_cli.invoke(args=["regions", "load", "--source", str(data_dir)])
    assert result.exit_code == 1
    assert "regencies.csv" in result.output
