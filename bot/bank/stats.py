"""Counts of the bank by area, difficulty and kind, as a plain-text table."""

from __future__ import annotations

from collections import Counter

from bot.bank.loader import Bank
from bot.bank.model import AREAS, DIFFICULTIES


def stats_table(bank: Bank) -> str:
    """Each cell is 'total (multiple choice)'; open questions are the rest."""
    cells: Counter[tuple[str, str, str]] = Counter(
        (q.area, q.difficulty, q.kind) for q in bank.questions
    )
    follow_ups: Counter[str] = Counter(q.area for q in bank.questions if q.follow_ups)
    header = ["area", *DIFFICULTIES, "total", "choice", "open", "follow-ups"]
    rows = []
    for area in AREAS:
        per_level = [cells[area, d, "open"] + cells[area, d, "choice"] for d in DIFFICULTIES]
        choice = sum(cells[area, d, "choice"] for d in DIFFICULTIES)
        mc_per_level = [cells[area, d, "choice"] for d in DIFFICULTIES]
        rows.append(
            [
                area,
                *(f"{n} ({m})" for n, m in zip(per_level, mc_per_level, strict=True)),
                str(sum(per_level)),
                str(choice),
                str(sum(per_level) - choice),
                str(follow_ups[area]),
            ]
        )
    total = len(bank.questions)
    level_totals = [sum(1 for q in bank.questions if q.difficulty == d) for d in DIFFICULTIES]
    choice_total = sum(1 for q in bank.questions if q.is_multiple_choice)
    rows.append(
        [
            "all",
            *(f"{n} ({100 * n // max(total, 1)}%)" for n in level_totals),
            str(total),
            str(choice_total),
            str(total - choice_total),
            str(sum(follow_ups.values())),
        ]
    )
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(header, widths, strict=True))]
    lines.append("  ".join("-" * w for w in widths))
    lines += ["  ".join(cell.ljust(w) for cell, w in zip(r, widths, strict=True)) for r in rows]
    lines.append("cells: questions (of which multiple choice); last row: share of the bank")
    return "\n".join(lines)
