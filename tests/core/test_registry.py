from __future__ import annotations

import pytest

from bot.envelope import Context, Message
from bot.errors import NotFound, UserError
from bot.registry import Args, Command, Param, Registry, action_id, action_ids, parse_action_id


async def noop(ctx: Context, args: Args) -> Message:
    return Message()


@pytest.fixture
def registry() -> Registry:
    registry = Registry()
    registry.add(
        Command(
            "quiz",
            "a quiz",
            noop,
            params=(
                Param("area", "area", kind="choice", choices=("trees", "llm")),
                Param("difficulty", "level", kind="choice", choices=("easy", "hard")),
                Param("count", "how many", kind="integer", min_value=1, max_value=20, default=5),
            ),
        )
    )
    registry.add(Command("answer", "answer", noop, params=(Param("text", "t", kind="text"),)))
    registry.add(Command("studybot setup", "setup", noop, params=(Param("time", "HH:MM"),)))
    registry.add(Command("studybot pause", "pause", noop))
    return registry


def test_positional_choices_fill_the_param_that_accepts_them(registry: Registry) -> None:
    command, raw = registry.parse("/quiz hard 3")
    assert command.name == "quiz"
    assert raw == {"difficulty": "hard", "count": "3"}
    assert command.convert_args(raw) == {"area": None, "difficulty": "hard", "count": 3}


def test_named_arguments(registry: Registry) -> None:
    _, raw = registry.parse("/quiz count:7 area=llm")
    assert raw == {"count": "7", "area": "llm"}


def test_free_text_is_kept_verbatim(registry: Registry) -> None:
    _, raw = registry.parse('/answer It\'s "bias": the model   underfits')
    assert raw == {"text": 'It\'s "bias": the model   underfits'}


def test_free_text_may_be_named_or_left_out(registry: Registry) -> None:
    assert registry.parse("/answer text:short")[1] == {"text": "short"}
    assert registry.parse("/answer text: a whole   answer")[1] == {"text": "a whole   answer"}
    assert registry.parse("/answer note: text:s are fine")[1] == {"text": "note: text:s are fine"}
    assert registry.parse("/answer")[1] == {}


def test_a_long_answer_is_kept_whole(registry: Registry) -> None:
    text = " ".join(f"word{i}" for i in range(400)) + ' and "quoted: text"'
    assert registry.parse(f"/answer {text}")[1] == {"text": text}
    assert registry.parse(f"/studybot answer {text}")[1] == {"text": text}


def test_subcommands_and_the_studybot_prefix(registry: Registry) -> None:
    assert registry.parse("/studybot setup 09:00")[0].name == "studybot setup"
    assert registry.parse("/studybot quiz llm")[0].name == "quiz"
    with pytest.raises(NotFound, match="needs one of: pause, setup"):
        registry.parse("/studybot")


def test_bad_values_say_what_is_accepted(registry: Registry) -> None:
    command = registry.get("quiz")
    with pytest.raises(UserError, match=r"whole number from 1 to 20\. You gave `50`"):
        command.convert_args({"count": "50"})
    with pytest.raises(UserError, match="must be one of: trees, llm"):
        command.convert_args({"area": "astrology"})
    with pytest.raises(UserError, match="Too many arguments"):
        registry.parse("/quiz llm hard 3 extra")


def test_action_ids_round_trip_and_stay_short() -> None:
    assert parse_action_id(action_id("vote", 12)) == ("vote", ["12"])
    with pytest.raises(ValueError, match="too long"):
        action_id("x", "y" * 200)


def test_action_ids_for_each_option_differ_only_in_their_last_part() -> None:
    ids = action_ids("quiz-answer", 7, 2, last=range(3))
    assert ids == [action_id("quiz-answer", 7, 2, index) for index in range(3)]
    assert len(action_ids("x", "y" * 93, last=["a"])[0]) == 100  # at the limit
    with pytest.raises(ValueError, match="too long"):
        action_ids("x", "y" * 93, last=["a", "bb"])  # the longest one is over it
