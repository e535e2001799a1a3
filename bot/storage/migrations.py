"""Forward-only migrations: `migrations/NNNN_name.sql`, applied in order.

Each file runs in one transaction together with `PRAGMA user_version`, so a
database is always at exactly one recorded version. A database whose version
is newer than the newest file is refused before anything is touched.
"""

from __future__ import annotations

import logging
import re
import sqlite3
from pathlib import Path

from bot.errors import SchemaError
from bot.record import record
from bot.storage.db import Database

log = logging.getLogger(__name__)
_NAME = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")


@record
class Migration:
    version: int
    path: Path

    def statements(self) -> list[str]:
        return split_statements(self.path.read_text(encoding="utf-8"))


def discover(directory: Path) -> list[Migration]:
    found = []
    for path in sorted(directory.glob("*.sql")):
        match = _NAME.match(path.name)
        if not match:
            raise SchemaError(f"{path.name}: migration files are named NNNN_lowercase_name.sql")
        found.append(Migration(int(match.group(1)), path))
    for expected, migration in enumerate(found, start=1):
        if migration.version != expected:
            raise SchemaError(
                f"{migration.path.name}: expected version {expected:04d}; "
                "migrations must be numbered 0001, 0002, ... without gaps"
            )
    return found


def split_statements(script: str) -> list[str]:
    """Split a script into statements (executescript would COMMIT on its own)."""
    statements, pending = [], ""
    for line in script.splitlines(keepends=True):
        pending += line
        if sqlite3.complete_statement(pending):
            if pending.strip().strip(";").strip():
                statements.append(pending.strip())
            pending = ""
    if _without_comments(pending).strip():
        raise SchemaError(f"unterminated SQL statement: {pending.strip()[:60]!r}")
    return statements


def _without_comments(sql: str) -> str:
    return "\n".join(line.split("--", 1)[0] for line in sql.splitlines())


async def schema_version(db: Database) -> int:
    return int(await db.fetchval("PRAGMA user_version", default=0))


async def migrate(db: Database, directory: Path) -> list[int]:
    """Apply pending migrations; returns the versions applied (empty if none)."""
    migrations = discover(directory)
    current = await schema_version(db)
    latest = migrations[-1].version if migrations else 0
    if current > latest:
        raise SchemaError(
            f"The database {db.path} is at schema version {current}, but this studybot "
            f"only knows versions up to {latest}. It was written by a newer studybot: "
            "upgrade studybot, or point STUDYBOT_DB at another file. Nothing was changed."
        )
    applied = []
    for migration in migrations[current:]:
        await db.execute_script_in_tx(
            migration.statements(), f"PRAGMA user_version = {migration.version}"
        )
        log.info("applied migration %s", migration.path.name)
        applied.append(migration.version)
    return applied
