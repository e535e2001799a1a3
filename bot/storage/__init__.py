"""All SQL of the project lives in this package."""

from bot.storage.db import Database, GroupCommit, Row, Tx
from bot.storage.migrate import migrate, schema_version

__all__ = ["Database", "GroupCommit", "Row", "Tx", "migrate", "schema_version"]
