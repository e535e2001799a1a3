"""The `studybot` command: run the bot, check and count the question bank."""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import sqlite3
import sys
from collections.abc import Sequence
from pathlib import Path

from adapters.console.repl import run_console
from adapters.discord import cli as discord_cli
from bot import runtime
from bot.app import Studybot
from bot.bank import json_schema, load_bank, stats_table
from bot.dispatch import new_incident_id
from bot.errors import BankError, StudybotError
from bot.resources import questions_dir
from bot.runtime import tune_garbage_collector
from bot.scheduler import Scheduler
from bot.settings import Settings, load_settings

log = logging.getLogger("studybot")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="studybot", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    run = sub.add_parser("run", help="start the bot (on the console when no platform token is set)")
    run.add_argument(
        "--console", action="store_true", help="use the console even if tokens are set"
    )
    run.add_argument("--config", type=Path, help="a YAML settings file (or STUDYBOT_CONFIG)")
    run.add_argument("--db", help="database file (or STUDYBOT_DB); ':memory:' keeps nothing")

    questions = sub.add_parser("questions", help="check and count question files")
    qsub = questions.add_subparsers(dest="action", required=True)
    check = qsub.add_parser("check", help="validate files; list every problem; exit 1 if any")
    check.add_argument("paths", nargs="*", type=Path, help="files or folders (default: the bank)")
    stats = qsub.add_parser("stats", help="counts by area, difficulty and kind")
    stats.add_argument("paths", nargs="*", type=Path)
    schema = qsub.add_parser("schema", help="print the JSON Schema of question files")
    schema.add_argument("--write", action="store_true", help="write questions/schema.json")
    discord_cli.add_parser(sub)
    return parser


def _bank_paths(paths: Sequence[Path]) -> list[Path]:
    return list(paths) or [questions_dir()]


def questions_command(args: argparse.Namespace) -> int:
    if args.action == "schema":
        if args.write:
            (questions_dir() / "schema.json").write_text(json_schema(), encoding="utf-8")
        else:
            sys.stdout.write(json_schema())
        return 0
    try:
        bank = load_bank(_bank_paths(args.paths))
    except BankError as error:
        for problem in error.problems:
            print(problem)
        print(f"{len(error.problems)} problem(s) found.", file=sys.stderr)
        return 1
    if args.action == "check":
        print(f"OK: {len(bank)} questions, no problems.")
    else:
        print(stats_table(bank))
    return 0


async def _run(settings: Settings, force_console: bool) -> None:
    app = await Studybot.create(settings)
    tune_garbage_collector()
    scheduler = Scheduler(app)
    try:
        await app.start()
        if force_console or not settings.has_platform_token:
            await run_console(app, on_ready=scheduler.start)
        else:
            await serve_platforms(app, settings, scheduler)
    finally:
        scheduler.shutdown()
        await app.close()


async def serve_platforms(app: Studybot, settings: Settings, scheduler: Scheduler) -> None:
    """Run every platform whose token is set, side by side, until stopped."""
    services = []
    if settings.discord_token is not None:
        from adapters.discord.runner import serve_discord

        services.append(serve_discord(app, settings))
    if settings.slack_bot_token is not None:
        from adapters.slack.runner import serve_slack

        services.append(serve_slack(app, settings))
    await scheduler.start()
    await asyncio.gather(*services)


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.command == "questions":
        return questions_command(args)
    if args.command == "discord":
        return discord_cli.run(args)
    try:
        overrides = {"db": args.db} if args.db else {}
        settings = load_settings(args.config, **overrides)
        console = args.console or not settings.has_platform_token
        # On the console, routine INFO lines would drown the conversation.
        explicit_level = "STUDYBOT_LOG_LEVEL" in os.environ
        logging.basicConfig(
            level=settings.log_level if explicit_level or not console else "WARNING",
            format="%(asctime)s %(levelname)s %(name)s: %(message)s",
            stream=sys.stderr,
        )
        runtime.run(_run(settings, args.console))
    except StudybotError as error:
        print(f"studybot: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except sqlite3.Error as error:
        print(
            f"studybot: cannot use the database ({error}). Check STUDYBOT_DB and that "
            "no other program holds the file.",
            file=sys.stderr,
        )
        return 2
    except Exception:
        incident = new_incident_id()
        log.exception("incident %s: studybot stopped", incident)
        print(
            f"studybot: stopped by an unexpected error (incident {incident}, see the log).",
            file=sys.stderr,
        )
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
