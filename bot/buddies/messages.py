"""The messages buddies see: introductions with their packet, check-ins, pause notices."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

from bot.bank import Question
from bot.buddies.hours import describe_overlap, waking_mask
from bot.buddies.packet import BEHAVIORAL, OBSERVER, SEVEN_STEPS, STAR, TECHNICAL
from bot.envelope import Button, Field, Item, Message, escape
from bot.registry import action_id
from bot.storage.buddies import GroupInfo, GroupMember

CHECKIN_ANSWERS = {"met": "Met", "not_yet": "Not yet", "skip": "Skip"}
CHECKIN_VERB = "buddy-checkin"
REJOIN_VERB = "buddy-rejoin"


def names(people: Iterable[GroupMember]) -> str:
    return join_words([f"**{escape(person.user.display)}**" for person in people])


def join_words(words: Sequence[str]) -> str:
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + " and " + words[-1]


def shared_areas(group: GroupInfo) -> list[str]:
    common = set(group.members[0].areas) if group.members else set()
    for member in group.members[1:]:
        common &= set(member.areas)
    return sorted(common)


def overlap_text(group: GroupInfo, when: datetime) -> str:
    mask = (1 << 48) - 1
    for member in group.members:
        mask &= waking_mask(member.timezone, when)
    return describe_overlap(mask, [member.timezone for member in group.members], when)


def _with_role(group: GroupInfo, role: str) -> GroupMember | None:
    return next((member for member in group.members if member.role == role), None)


def intro_message(
    group: GroupInfo,
    technical: Question | None,
    behavioral: Question | None,
    when: datetime,
) -> Message:
    areas = shared_areas(group)
    fields = (
        Field("Shared areas", ", ".join(areas) if areas else "none yet: teach each other"),
        Field("Overlapping waking hours", overlap_text(group, when), inline=False),
        Field(
            "Levels",
            ", ".join(f"{escape(m.user.display)}: {m.level}" for m in group.members),
        ),
    )
    asker = _with_role(group, TECHNICAL)
    answerer = _with_role(group, BEHAVIORAL)
    items = []
    if technical is not None and asker and answerer:
        items.append(_technical_item(technical, asker, answerer))
    if behavioral is not None and asker and answerer:
        items.append(_behavioral_item(behavioral, asker=answerer, answerer=asker))
    observers = [member for member in group.members if member.role == OBSERVER]
    if observers:
        items.append(
            Item(
                f"{names(observers)}: take notes and give feedback on both answers, "
                "then ask your own follow-up."
            )
        )
    return Message(
        title=f"Study buddies, round {group.round_number}",
        text=(
            f"Meet your study buddies: {names(group.members)}. "
            "Find an hour this round for a mock interview, and agree on a time here."
        ),
        fields=fields,
        items=tuple(items),
        footer="Roles swap the next time you meet. Midway through, I will ask how it went.",
        private=False,
        kind="buddy_intro",
    )


def _technical_item(question: Question, asker: GroupMember, answerer: GroupMember) -> Item:
    steps = "\n".join(f"{number}. {step}" for number, step in enumerate(SEVEN_STEPS, start=1))
    return Item(
        f"**Design question** ({question.area}): {escape(asker.user.display)} asks "
        f"{escape(answerer.user.display)}\n> {question.prompt}\n"
        f"**Seven-step frame**\n{steps}"
    )


def _behavioral_item(question: Question, asker: GroupMember, answerer: GroupMember) -> Item:
    star = "\n".join(f"- {part}" for part in STAR)
    return Item(
        f"**Behavioural question**: {escape(asker.user.display)} asks "
        f"{escape(answerer.user.display)}\n> {question.prompt}\n**STAR frame**\n{star}"
    )


def checkin_message(group: GroupInfo) -> Message:
    return Message(
        title="Did you meet?",
        text=f"{names(group.members)}: did your mock interview for round "
        f"{group.round_number} happen? Each of you, please answer.",
        buttons=tuple(
            Button(
                label,
                action_id(CHECKIN_VERB, group.id, answer),
                "success" if answer == "met" else "secondary",
            )
            for answer, label in CHECKIN_ANSWERS.items()
        ),
        private=False,
        kind="buddy_checkin",
    )


def paused_message(name: str, channel_id: int, rounds: int) -> Message:
    who = f"**{escape(name)}**"
    return Message(
        title="Paused from study buddies",
        text=(
            f"{who}, you did not answer the check-in {rounds} rounds in a row, so I have "
            "paused you from the buddy pool. Come back whenever you like: one press does it."
        ),
        buttons=(Button("Rejoin", action_id(REJOIN_VERB, channel_id), "primary"),),
        private=False,
        kind="buddy_paused",
    )
