from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from bot.errors import SchemaError
from bot.resources import migrations_dir
from bot.storage import Database, migrate, schema_version
from bot.storage.migrations import discover, split_statements


async def test_all_migrations_apply_to_an_empty_database(tmp_path: Path) -> None:
    db = await Database.open(tmp_path / "s.db")
    try:
        applied = await migrate(db, migrations_dir())
        assert applied == [m.version for m in discover(migrations_dir())]
        assert await schema_version(db) == applied[-1]
        tables = {r[0] for r in await db.fetchall("SELECT name FROM sqlite_master")}
        assert {"members", "channels", "daily_posts", "answers", "votes", "ledger"} <= tables
    finally:
        await db.close()


async def test_running_migrations_twice_is_a_no_op(tmp_path: Path) -> None:
    db = await Database.open(tmp_path / "s.db")
    try:
        await migrate(db, migrations_dir())
        assert await migrate(db, migrations_dir()) == []
    finally:
        await db.close()


async def test_a_newer_database_is_refused_and_left_untouched(tmp_path: Path) -> None:
    path = tmp_path / "newer.db"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE future (x)")
        conn.execute("PRAGMA user_version = 999")
    before = path.read_bytes()
    db = await Database.open(path)
    try:
        with pytest.raises(
            SchemaError, match=r"schema version 999.*newer studybot.*Nothing was changed"
        ):
            await migrate(db, migrations_dir())
        assert await schema_version(db) == 999
    finally:
        await db.close()
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT name FROM sqlite_master").fetchall() == [("future",)]
    assert len(path.read_bytes()) == len(before)


async def test_a_failing_migration_leaves_no_trace(tmp_path: Path) -> None:
    folder = tmp_path / "migrations"
    folder.mkdir()
    (folder / "0001_ok.sql").write_text("CREATE TABLE a (x);\n")
    (folder / "0002_broken.sql").write_text(
        "CREATE TABLE b (x);\nINSERT INTO nowhere VALUES (1);\n"
    )
    db = await Database.open(tmp_path / "s.db")
    try:
        with pytest.raises(sqlite3.OperationalError):
            await migrate(db, folder)
        assert await schema_version(db) == 1
        names = {r[0] for r in await db.fetchall("SELECT name FROM sqlite_master")}
        assert names == {"a"}
    finally:
        await db.close()


def test_gaps_in_numbering_are_refused(tmp_path: Path) -> None:
    (tmp_path / "0001_a.sql").write_text("SELECT 1;")
    (tmp_path / "0003_c.sql").write_text("SELECT 1;")
    with pytest.raises(SchemaError, match="expected version 0002"):
        discover(tmp_path)


def test_statements_split_keeps_triggers_whole() -> None:
    script = (
        "CREATE TABLE t (x);\n"
        "CREATE TRIGGER tr AFTER INSERT ON t BEGIN\n  UPDATE t SET x = 1;\nEND;\n"
        "-- a comment;\n"
    )
    statements = split_statements(script)
    assert len(statements) == 2
    assert statements[1].startswith("CREATE TRIGGER") and statements[1].endswith("END;")
