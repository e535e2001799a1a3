"""The question bank: model, loading with full error reports, stats."""

import json

from pydantic import TypeAdapter

from bot.bank.loader import Bank, load_bank, question_files
from bot.bank.model import AREAS, DIFFICULTIES, Question
from bot.bank.stats import stats_table


def json_schema() -> str:
    """The JSON Schema of a question file, for editors (`questions/schema.json`)."""
    schema = TypeAdapter(list[Question]).json_schema()
    schema["title"] = "studybot question file"
    return json.dumps(schema, indent=2, sort_keys=True) + "\n"


__all__ = [
    "AREAS",
    "DIFFICULTIES",
    "Bank",
    "Question",
    "json_schema",
    "load_bank",
    "question_files",
    "stats_table",
]
