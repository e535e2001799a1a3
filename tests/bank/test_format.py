"""The question-file format: validation that reports every problem at once."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from adapters.cli import main
from bot.bank import json_schema, load_bank
from bot.errors import BankError
from bot.resources import questions_dir

GOOD = """
- id: fund-one
  area: fundamentals
  difficulty: easy
  prompt: What is overfitting?
  key_points: [Fitting noise in the training data., Poor generalisation to new data.]
"""

THREE_MISTAKES = """
- id: fund-bad-area
  area: astrology
  difficulty: easy
  prompt: Q1?
  key_points: [a, b]
- id: fund-one-point
  area: fundamentals
  difficulty: medium
  prompt: Q2?
  key_points: [only one]
- id: fund-wrong-answer
  area: fundamentals
  difficulty: hard
  prompt: Q3?
  key_points: [a, b]
  choices: [x, y, z]
  answer: w
  explanation: because
"""


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_a_valid_file_loads(tmp_path: Path) -> None:
    bank = load_bank([write(tmp_path, "good.yaml", GOOD)])
    assert [q.id for q in bank.questions] == ["fund-one"]


def test_every_mistake_is_reported_with_file_entry_and_field(tmp_path: Path) -> None:
    path = write(tmp_path, "bad.yaml", THREE_MISTAKES)
    with pytest.raises(BankError) as caught:
        load_bank([path])
    problems = caught.value.problems
    assert len(problems) == 3
    assert f"{path}: entry 'fund-bad-area': area:" in problems[0]
    assert f"{path}: entry 'fund-one-point': key_points:" in problems[1]
    assert f"{path}: entry 'fund-wrong-answer': answer:" in problems[2]
    assert "'w' is not one of the choices" in problems[2]


def test_an_entry_without_id_is_named_by_position(tmp_path: Path) -> None:
    path = write(tmp_path, "noid.yaml", GOOD + "- area: fundamentals\n")
    with pytest.raises(BankError) as caught:
        load_bank([path])
    assert all(p.startswith(f"{path}: entry #2: ") for p in caught.value.problems)
    assert any("id:" in p for p in caught.value.problems)


def test_ids_must_be_unique_across_files(tmp_path: Path) -> None:
    first = write(tmp_path, "a.yaml", GOOD)
    second = write(tmp_path, "b.yaml", GOOD)
    with pytest.raises(BankError) as caught:
        load_bank([first, second])
    assert caught.value.problems == [
        f"{second}: entry 'fund-one': id: duplicate; already used by {first} entry #1"
    ]


def test_broken_yaml_names_the_line(tmp_path: Path) -> None:
    path = write(tmp_path, "broken.yaml", "- id: x\n  prompt: [unclosed\n")
    with pytest.raises(BankError) as caught:
        load_bank([path])
    assert caught.value.problems[0].startswith(f"{path}: line ")


def test_a_file_that_is_not_a_list_is_explained(tmp_path: Path) -> None:
    path = write(tmp_path, "map.yaml", "id: x\n")
    with pytest.raises(BankError, match="must be a YAML list"):
        load_bank([path])


def test_check_command_prints_every_problem_and_exits_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path, "bad.yaml", THREE_MISTAKES)
    assert main(["questions", "check", str(path)]) == 1
    out = capsys.readouterr().out
    for entry, field in [
        ("fund-bad-area", "area"),
        ("fund-one-point", "key_points"),
        ("fund-wrong-answer", "answer"),
    ]:
        assert f"{path}: entry '{entry}': {field}:" in out


def test_check_command_exits_0_on_the_shipped_bank(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["questions", "check"]) == 0
    assert "no problems" in capsys.readouterr().out


def test_stats_command_counts_by_area_difficulty_and_kind(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["questions", "stats", str(write(tmp_path, "good.yaml", GOOD))]) == 0
    rows = {line.split()[0]: line.split() for line in capsys.readouterr().out.splitlines()}
    assert rows["fundamentals"][1:3] == ["1", "(0)"]  # easy: 1, of which 0 multiple choice
    assert rows["trees"][1:3] == ["0", "(0)"]


def test_shipped_schema_matches_the_model() -> None:
    shipped = (questions_dir() / "schema.json").read_text(encoding="utf-8")
    assert json.loads(shipped) == json.loads(json_schema()), (
        "questions/schema.json is stale: run `studybot questions schema --write`"
    )
