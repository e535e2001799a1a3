"""The benchmark suite keeps working: a tiny run produces every figure (no timing asserted)."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from benchmarks import run
from benchmarks.instructions import handle_events
from benchmarks.run import Wake, arrive_at_rate, expect_rows, held_off, new_app, stolen_pct
from benchmarks.stalls import ALL_AT_ONCE, all_at_once, cpus, summary

ROOT = Path(__file__).resolve().parents[1]


def run_module(module: str, out: Path, *args: str) -> tuple[str, dict[str, Any]]:
    """`python -m module *args --out out`: what it printed, and the figures it wrote."""
    result = subprocess.run(
        [sys.executable, "-m", module, *args, "--out", str(out)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
        check=True,
    )
    return result.stdout, json.loads(out.read_text())


def test_the_suite_runs_at_a_tiny_size_and_writes_every_figure(tmp_path: Path) -> None:
    printed, figures = run_module("benchmarks.run", tmp_path / "figures.json", "--size", "tiny")
    assert figures["events"]["answers"]["count"] == 50
    assert figures["events"]["votes"]["count"] == 50
    assert figures["events"]["quiz_answers"]["count"] == 50
    assert set(figures["leaderboard"]) == {
        *("week", "month", "all", "area"),
        *("week_while_points_arrive", "caught_up_s"),
    }
    assert [phase["all_count"] for phase in figures["events_at_rate"]] == [150, 150]
    for phase in figures["events_at_rate"]:
        assert phase["loop_busy_pct"] > 0 and "cpu_stolen_pct" in phase
        assert phase["held_off"] >= 0 and phase["held_off_longest_ms"] >= 0
    assert figures["fanout"]["posted"] == figures["fanout"]["channels"] == 50
    assert figures["raw_sqlite_commits_per_s"] > 0
    assert figures["buddies"]["members"] == 100
    verdicts = (
        "events_per_s",
        "events_arriving_p99_ms",
        "leaderboard_p99_ms",
        "leaderboard_loaded_p99_ms",
        "idle_rss_mb",
    )
    for name in verdicts:
        assert name in printed
    latencies = (
        "answers",
        "quiz_answers",
        "10 in flight",
        "arriving at 500/s",
        "leaderboard area",
        "leaderboard week, 500 points/s arriving",
    )
    for latency in latencies:
        assert latency in printed  # with its p50 and p99
    assert "against a bound of" in printed
    assert "the event loop's thread busy" in printed
    assert "the loop was held off its CPU" in printed


def test_the_stolen_share_is_the_steal_counter_over_the_time_spent() -> None:
    before = [100, 0, 50, 800, 0, 0, 0, 50, 7, 0]  # user nice system idle iowait irq softirq steal
    after = [160, 0, 60, 900, 0, 0, 0, 80, 9, 0]  # guest time (after steal) is in user already
    assert stolen_pct(before, after) == pytest.approx(100 * 30 / 200)
    assert stolen_pct(None, after) is None


def test_the_stalls_are_summed_and_sorted_by_length() -> None:
    figures = summary([(1.0, 1.0006), (1.2, 1.203), (1.5, 1.525)], seconds=2.0)
    assert figures["gaps"] == 3
    assert figures["lost_pct"] == pytest.approx(100 * 0.0286 / 2)
    assert figures["longest_ms"] == pytest.approx(25.0)
    assert figures["histogram"] == {
        **{"0.5-1ms": 1, "1-2ms": 0, "2-5ms": 1, "5-10ms": 0},
        **{"10-20ms": 0, "20-50ms": 1, "50-infms": 0},
    }


def test_only_the_time_every_cpu_was_taken_at_once_counts_as_at_once() -> None:
    cpu0 = [(1.0, 1.010), (2.0, 2.020), (3.0, 3.001)]
    cpu1 = [(1.005, 1.030), (2.002, 2.004), (2.010, 2.030), (4.0, 4.5)]
    assert all_at_once([cpu0, cpu1]) == [(1.005, 1.010), (2.002, 2.004), (2.010, 2.020)]
    cpu2 = [(1.0, 1.007), (2.003, 2.015)]
    assert all_at_once([cpu0, cpu1, cpu2]) == [(1.005, 1.007), (2.003, 2.004), (2.010, 2.015)]
    assert all_at_once([cpu0]) == cpu0
    assert all_at_once([cpu0, []]) == []
    assert all_at_once([[(5.0, 5.010)], [(5.0097, 5.020)]]) == []  # overlapping by 0.3 ms


def test_the_stall_check_spins_on_every_cpu_and_prints_a_line_each(tmp_path: Path) -> None:
    printed, figures = run_module("benchmarks.stalls", tmp_path / "stalls.json", "--seconds", "0.2")
    assert len(figures) == len(cpus()) + 1 and ALL_AT_ONCE in figures
    for name in figures:
        assert f"{name}: " in printed and "of the time lost, longest" in printed


async def test_a_phase_whose_events_did_not_take_effect_is_reported(tmp_path: Path) -> None:
    """A reply can be an error message: counted as handled by the timing alone."""
    app, _ = await new_app(tmp_path, "empty")
    try:
        with pytest.raises(RuntimeError, match="answers: 0 rows after the phase, expected 3"):
            await expect_rows(app, answers=3)
        await expect_rows(app, votes=0)
    finally:
        await app.close()


def test_an_interleaved_comparison_with_a_revision_runs_and_cleans_up() -> None:
    worktrees_before = _worktrees()
    result = subprocess.run(
        [sys.executable, "-m", "benchmarks.compare", "HEAD", "--rounds", "2", "--size", "tiny"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
        check=True,
    )
    assert "round 2: votes HEAD" in result.stdout
    for kind in ("votes", "quiz_answers", "answers"):
        assert f"{kind}: this checkout / HEAD x" in result.stdout
        assert "median of 2 rounds" in result.stdout
    assert _worktrees() == worktrees_before  # its temporary worktree is gone


def _worktrees() -> list[str]:
    listed = subprocess.run(
        ["git", "-C", str(ROOT), "worktree", "list"], capture_output=True, text=True, check=True
    )
    return listed.stdout.splitlines()


async def test_the_open_loop_times_every_call_and_reports_a_failed_one() -> None:
    finished: list[int] = []

    async def ok(number: int) -> None:
        finished.append(number)

    async def broken() -> None:
        raise RuntimeError("the core failed this call")

    calls = [lambda: ok(1), broken, lambda: ok(2)]
    samples: list[float] = []
    with pytest.raises(RuntimeError, match="the core failed this call"):
        await arrive_at_rate(calls, 1_000, samples)
    assert finished == [1, 2] and len(samples) == 3


@pytest.mark.parametrize(
    ("kind", "table", "before"),
    [("votes", "votes", 0), ("answers", "answers", 10), ("quiz_answers", "quiz_answers", 0)],
)
async def test_the_instruction_count_runs_the_events_it_counts(
    tmp_path: Path, kind: str, table: str, before: int
) -> None:
    """`benchmarks.instructions` counts under valgrind what this runs in-process (not here)."""
    assert await handle_events(tmp_path, kind, events=5, members=10) == 5
    with sqlite3.connect(tmp_path / "instructions.db") as db:
        assert db.execute(f"SELECT count(*) FROM {table}").fetchone()[0] == before + 5


async def test_the_open_loop_starts_its_clocks_after_the_collection_before_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The loop's busy share is its CPU time over the phase's wall time: a full
    collection before the phase (46-77 ms at full size) must not count in it."""
    order: list[str] = []
    real_freeze, real_ticks = run.freeze_the_load, run.cpu_ticks

    def freeze() -> None:
        order.append("collect")
        real_freeze()

    def ticks() -> list[int] | None:
        order.append("clock")
        return real_ticks()

    monkeypatch.setattr(run, "freeze_the_load", freeze)
    monkeypatch.setattr(run, "cpu_ticks", ticks)
    figures = await run.bench_events_at_rate(tmp_path, run.SIZES["tiny"], 500)
    assert order == ["collect", "clock", "clock"]
    assert figures["all_count"] == 3 * run.SIZES["tiny"]["members"]


def test_a_spell_off_the_cpu_is_told_from_the_loops_own_work() -> None:
    wakes = [
        Wake(due=0.000, woke=0.0002, cpu=0.0000),
        Wake(due=0.0012, woke=0.0013, cpu=0.0004),  # on time: idle in between
        Wake(due=0.0023, woke=0.0083, cpu=0.0073),  # 6 ms late, all of it working
        Wake(due=0.0093, woke=0.0193, cpu=0.0075),  # 10 ms late, off the CPU all along
        Wake(due=0.0203, woke=0.0214, cpu=0.0079),  # 1.1 ms late, off the CPU: too short
    ]
    assert held_off(wakes) == pytest.approx([0.010])
