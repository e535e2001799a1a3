"""All SQL of the project lives in this package."""

from bot.storage.db import Database, Row, Tx
from bot.storage.migrations import migrate, schema_version

__all__ = ["Database", "Row", "Tx", "migrate", "schema_version"]
