"""`@record`: equal and hashable by fields like a frozen dataclass; mypy refuses assignment."""

from __future__ import annotations

import dataclasses
import textwrap
from pathlib import Path

from mypy import api as mypy_api

from bot.envelope import Button, UserRef
from bot.record import record

ROOT = Path(__file__).resolve().parents[2]


@record
class Point:
    x: int
    y: int = 0


def test_equal_records_hash_alike_and_work_as_keys() -> None:
    seen = {Point(1, 2): "first"}
    assert Point(1, 2) == Point(1, 2) and Point(1, 2) != Point(2, 1)
    assert hash(Point(1, 2)) == hash(Point(1, 2))
    assert seen[Point(1, 2)] == "first"
    assert len({UserRef("console", "local", "ada"), UserRef("console", "local", "ada")}) == 1


def test_records_are_dataclasses_that_replace_returns_new_copies_of() -> None:
    button = Button("Show", "reveal:1")
    shown = dataclasses.replace(button, label="Shown")
    assert (button.label, shown.label) == ("Show", "Shown")
    assert [f.name for f in dataclasses.fields(Point)] == ["x", "y"]


def test_mypy_treats_a_record_as_frozen(tmp_path: Path) -> None:
    (tmp_path / "mypy.ini").write_text(f"[mypy]\nmypy_path = {ROOT}\n")
    (tmp_path / "snippet.py").write_text(
        textwrap.dedent(
            """
            from bot.record import record

            @record
            class Point:
                x: int

            Point(1).x = 2
            """
        )
    )
    report, _, status = mypy_api.run(
        [
            "--config-file",
            str(tmp_path / "mypy.ini"),
            "--no-incremental",
            str(tmp_path / "snippet.py"),
        ]
    )
    assert status == 1
    assert 'Property "x" defined in "Point" is read-only' in report
