"""The console: the in-memory adapter, the REPL, and `studybot run` on stdin."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

from adapters.console.memory import MemoryAdapter
from adapters.console.repl import Console, run_console
from bot.app import Studybot
from bot.envelope import Form, Message

ROOT = Path(__file__).resolve().parents[2]


async def test_help_lists_every_command_with_one_line(testbot: MemoryAdapter) -> None:
    await testbot.command("alice", "/help")
    text = testbot.last("alice").text
    for command in testbot.app.registry:
        if not command.admin:
            assert f"/{command.name}" in text


async def test_question_is_private_and_shows_area_and_difficulty(testbot: MemoryAdapter) -> None:
    [reply] = await testbot.command("alice", "/question trees hard")
    assert isinstance(reply, Message) and reply.private
    assert ("Area", "trees") in [(f.name, f.value) for f in reply.fields]
    assert ("Difficulty", "hard") in [(f.name, f.value) for f in reply.fields]
    assert testbot.inbox("bob") == [] and testbot.public() == []


async def test_answering_a_practice_question_shows_the_key_points(testbot: MemoryAdapter) -> None:
    await testbot.command("alice", "/question llm")
    question_id = testbot.last("alice").message.buttons[0].action_id.split(":")[-1]
    [form] = await testbot.press("alice", "Answer")
    assert isinstance(form, Form)
    await testbot.submit("alice", {"answer": "Attention costs <!channel> O(n^2)"})
    reply = testbot.last("alice")
    question = testbot.app.bank.get(question_id)
    assert question is not None
    assert question.key_points[0] in reply.text
    assert "\\<!channel\\>" in reply.text  # member text arrives escaped


async def test_repl_script_syntax(app: Studybot) -> None:
    out = io.StringIO()
    script = io.StringIO(
        "# comment\n/help\nalice: /question trees\nalice: [Answer]\n"
        "alice: {answer} Split on Gini\nbob: {answer} nothing open\n"
        "bob: [Nope]\n[Nope]\nhello\n:quit\n/help\n"
    )
    await run_console(app, script, out)
    text = out.getvalue()
    assert "studybot commands (private to you)" in text
    assert "Practice question (private to alice)" in text
    assert "form for alice" in text and "Split on Gini" in text
    assert "bob has no open form" in text
    assert "bob sees no [Nope] button" in text
    assert "you see no [Nope] button" in text  # the console's own speaker
    assert "Commands start with /" in text
    assert text.count("studybot commands") == 1  # nothing runs after :quit


async def test_a_card_turned_over_is_shown_as_an_edit(app: Studybot) -> None:
    out = io.StringIO()
    await run_console(app, io.StringIO("/quiz flashcards 1\n[Show key points]\n"), out)
    shown = out.getvalue().split("── ")[1:]
    assert shown[0].startswith("#general · Flashcard · question 1 of 1 (private to you)")
    assert shown[1].startswith("#general · edited in place · Flashcard · question 1 of 1")
    assert "Key points" in shown[1] and "[Again] [Hard] [Good] [Easy]" in shown[1]


async def test_speaker_and_channel_prefixes(app: Studybot) -> None:
    console = Console(app, io.StringIO())
    assert (console.split("bob #ml: /help").who, console.split("bob #ml: /help").channel) == (
        "bob",
        "ml",
    )
    assert console.split("/studybot setup time:09:00").who == "you"


def test_run_command_reads_a_script_on_stdin(tmp_path: Path) -> None:
    env = {**os.environ, "STUDYBOT_DB": str(tmp_path / "s.db")}
    for name in ("DISCORD_TOKEN", "SLACK_BOT_TOKEN"):
        env.pop(name, None)
    result = subprocess.run(
        [sys.executable, "-m", "adapters.cli", "run"],
        input="/help\n/question\n",
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=60,
        check=True,
    )
    assert "/question" in result.stdout and "Practice question" in result.stdout
    assert "Traceback" not in result.stderr


def test_run_refuses_a_bad_setting_with_a_message(tmp_path: Path) -> None:
    env = {**os.environ, "STUDYBOT_DB": str(tmp_path / "s.db"), "STUDYBOT_GRACE_HOURS": "lots"}
    result = subprocess.run(
        [sys.executable, "-m", "adapters.cli", "run"],
        input="",
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=60,
    )
    assert result.returncode == 2
    assert "STUDYBOT_GRACE_HOURS" in result.stderr and "Traceback" not in result.stderr


def test_the_readme_demo_runs_the_whole_cycle_and_ranks_correctly() -> None:
    script = (ROOT / "examples" / "daily-cycle.txt").read_text(encoding="utf-8")
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    commands = [line for line in script.splitlines() if line and not line.startswith("#")]
    assert "\n".join(commands) in readme, "README shows the demo script as shipped"
    env = {k: v for k, v in os.environ.items() if k not in ("DISCORD_TOKEN", "SLACK_BOT_TOKEN")}
    result = subprocess.run(
        [sys.executable, "-m", "adapters.cli", "run", "--db", ":memory:"],
        input=script,
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=60,
        check=True,
    )
    board = result.stdout.split("Leaderboard · This week")[1].splitlines()[1:4]
    assert board == ["1. alice 14 pts", "2. bob 12 pts", "3. carol 10 pts"]
