"""Load question files and report every problem at once.

A problem names the file, the entry (by id, or by position when the id is
missing) and the field, so a writer can fix a whole file in one pass.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from bot.bank.model import Question
from bot.errors import BankError

# libyaml's C parser when PyYAML was built with it: several times faster at start-up.
_SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass
class Bank:
    questions: list[Question] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.by_id = {question.id: question for question in self.questions}
        self._pools: dict[tuple[tuple[str, ...], str, bool | None], list[Question]] = {}

    def __len__(self) -> int:
        return len(self.questions)

    def get(self, question_id: str) -> Question | None:
        return self.by_id.get(question_id)

    def select(
        self,
        areas: Sequence[str] = (),
        difficulty: str = "",
        multiple_choice: bool | None = None,
    ) -> list[Question]:
        """Questions matching every filter given; an empty filter matches all.

        The bank never changes after loading, so each filter's pool is computed once
        (a daily fan-out asks for the same few pools thousands of times).
        """
        key = (tuple(areas), difficulty, multiple_choice)
        if key not in self._pools:
            self._pools[key] = [
                q
                for q in self.questions
                if (not areas or q.area in areas)
                and (not difficulty or q.difficulty == difficulty)
                and (multiple_choice is None or q.is_multiple_choice == multiple_choice)
            ]
        return list(self._pools[key])

    def random(self, rng: random.Random, **filters: Any) -> Question | None:
        pool = self.select(**filters)
        return rng.choice(pool) if pool else None


def question_files(paths: Iterable[Path]) -> list[Path]:
    """Expand directories into their YAML files, in a stable order."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files.extend(sorted(p for p in path.iterdir() if p.suffix in (".yaml", ".yml")))
        else:
            files.append(path)
    return files


def _entry_label(entry: Any, position: int) -> str:
    if isinstance(entry, dict) and isinstance(entry.get("id"), str) and entry["id"]:
        return f"entry '{entry['id']}'"
    return f"entry #{position}"


def _describe(error: Any) -> tuple[str, str]:
    location = ".".join(str(part) for part in error["loc"]) or "(entry)"
    message = error["msg"].removeprefix("Value error, ")
    if location == "(entry)" and ": " in message:
        location, message = message.split(": ", 1)
    return location, message


def _parse_file(path: Path, problems: list[str]) -> list[Any]:
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_SafeLoader)
    except FileNotFoundError:
        problems.append(f"{path}: no such file")
        return []
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" line {mark.line + 1}" if mark is not None else ""
        problems.append(f"{path}:{where}: not valid YAML: {getattr(exc, 'problem', exc)}")
        return []
    if data is None:
        return []
    if not isinstance(data, list):
        problems.append(f"{path}: the file must be a YAML list of questions (see FORMAT.md)")
        return []
    return data


def load_bank(paths: Iterable[Path]) -> Bank:
    """Load and validate; raise BankError listing every problem found."""
    problems: list[str] = []
    questions: list[Question] = []
    first_seen: dict[str, str] = {}
    for path in question_files(paths):
        for position, entry in enumerate(_parse_file(path, problems), start=1):
            where = f"{path}: {_entry_label(entry, position)}"
            try:
                question = Question.model_validate(entry)
            except ValidationError as exc:
                for error in exc.errors():
                    location, message = _describe(error)
                    problems.append(f"{where}: {location}: {message}")
                continue
            if question.id in first_seen:
                problems.append(
                    f"{where}: id: duplicate; already used by {first_seen[question.id]}"
                )
                continue
            first_seen[question.id] = f"{path} entry #{position}"
            questions.append(question)
    if problems:
        raise BankError(problems)
    return Bank(questions)
