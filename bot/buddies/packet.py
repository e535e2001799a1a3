"""What a buddy group practises: roles, the two questions, and the answer frames."""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence

from bot.bank import Bank, Question

TECHNICAL_AREAS = ("system-design", "applied")
BEHAVIORAL_AREA = "behavioral"
TECHNICAL, BEHAVIORAL, OBSERVER = "technical", "behavioral", "observer"

SEVEN_STEPS = (
    "Clarify the goal, users and constraints (scale, latency, privacy).",
    "Frame it as an ML task: inputs, output, the metric that matters offline and online.",
    "Data: sources, labels, sampling, leakage risks.",
    "Features and representation.",
    "Model: a simple baseline first, then what would beat it and why.",
    "Evaluation: offline metrics, then an A/B test with guardrails.",
    "Serving and monitoring: latency, drift, retraining, failure modes.",
)
STAR = (
    "**Situation**: the context, briefly.",
    "**Task**: what you owned and what success meant.",
    "**Action**: what _you_ did, step by step.",
    "**Result**: the measured outcome, and what you learned.",
)

# Who asks the design question first, by preferred role.
_ASKER_RANK = {"interviewer": 0, "both": 1, "interviewee": 2}


def assign_roles(
    members: Sequence[int],
    preferred: Mapping[int, str],
    past: Iterable[tuple[int, int, str]],
    rng: random.Random,
) -> list[tuple[int, str]]:
    """One member asks the design question, another the behavioural one.

    `past` holds (round number, member, role) from earlier groups these members
    shared. Whoever asked the design question less often (and longer ago) asks
    it now, so roles swap the next time the same members meet; a first
    meeting follows the preferred roles.
    """
    history = list(past)
    times: dict[str, Counter[int]] = {TECHNICAL: Counter(), BEHAVIORAL: Counter()}
    latest: dict[str, dict[int, int]] = {TECHNICAL: {}, BEHAVIORAL: {}}
    for number, member, role in history:
        if role in times:
            times[role][member] += 1
            latest[role][member] = max(latest[role].get(member, 0), number)
    tie_breaks = {member: rng.random() for member in members}

    def pick(role: str, among: Sequence[int], rank: Mapping[str, int]) -> int:
        return min(
            among,
            key=lambda m: (
                times[role][m],
                latest[role].get(m, 0),
                rank.get(preferred.get(m, "both"), 1),
                tie_breaks[m],
            ),
        )

    technical = pick(TECHNICAL, members, _ASKER_RANK)
    rest = [member for member in members if member != technical]
    behavioral = pick(BEHAVIORAL, rest, {})
    return [
        (m, TECHNICAL if m == technical else BEHAVIORAL if m == behavioral else OBSERVER)
        for m in members
    ]


def pick_packet(
    bank: Bank, shared_areas: Iterable[str], avoid: set[str], rng: random.Random
) -> tuple[Question | None, Question | None]:
    """A design or applied question (from a shared area when possible) and a behavioural one."""
    shared = [area for area in TECHNICAL_AREAS if area in set(shared_areas)]
    technical = _pick(bank, [shared, list(TECHNICAL_AREAS)], avoid, rng)
    behavioral = _pick(bank, [[BEHAVIORAL_AREA]], avoid, rng)
    return technical, behavioral


def _pick(
    bank: Bank, area_choices: list[list[str]], avoid: set[str], rng: random.Random
) -> Question | None:
    """The first area list with an unseen open question wins; seen ones are a last resort."""
    for areas in area_choices:
        if not areas:
            continue
        fresh = [q for q in bank.select(areas=areas, multiple_choice=False) if q.id not in avoid]
        if fresh:
            return rng.choice(fresh)
    everything = bank.select(areas=area_choices[-1], multiple_choice=False)
    return rng.choice(everything) if everything else None
