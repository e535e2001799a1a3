"""All SQL of the project lives in this package."""

from bot.storage.db import Database, Row, Tx
from bot.storage.migrate import migrate, schema_version

__all__ = ["Database", "Row", "Tx", "migrate", "schema_version"]
