"""Reading quiz screens the way a member would, and the few facts tests check in the database."""

from __future__ import annotations

from adapters.console.memory import MemoryAdapter
from bot.bank import Question
from bot.envelope import Button, ButtonPress, Message


def shown_question(bot: MemoryAdapter, user: str, *, public: bool = False) -> Question:
    """The bank question on the newest quiz screen `user` sees (a public race if asked)."""
    log = bot.public() if public else bot.inbox(user)
    for delivered in reversed(log):
        for question in bot.app.bank.questions:
            if delivered.message.text == question.prompt:
                return question
    raise AssertionError(f"{user} sees no quiz question")


def right_option(question: Question) -> str:
    assert question.answer is not None
    return question.answer


def wrong_option(question: Question, which: int = 0) -> str:
    wrong = [choice for choice in question.choices or () if choice != question.answer]
    return wrong[which]


async def answer(
    bot: MemoryAdapter, user: str, *, correct: bool, channel: str = "general"
) -> Question:
    question = shown_question(bot, user)
    label = right_option(question) if correct else wrong_option(question)
    await bot.press(user, label, channel=channel)
    return question


def button_on(bot: MemoryAdapter, user: str, label: str) -> Button:
    """The newest button with this label that `user` sees, kept for a later press."""
    return bot.find_button(user, label)[1]


async def press_stale(bot: MemoryAdapter, user: str, button: Button) -> list[Message]:
    """A press of a button that is no longer on screen (its message was edited since), as
    a double click or a slow client still sends it; the replies."""
    press = ButtonPress(bot.context(user, "general"), button.action_id)
    return messages(await bot.app.handle(press))


def messages(replies: object) -> list[Message]:
    assert isinstance(replies, list)
    return [reply for reply in replies if isinstance(reply, Message)]


async def member_of(bot: MemoryAdapter, name: str) -> int:
    value = await bot.app.db.fetchval("SELECT id FROM members WHERE native_id = ?", (name,))
    assert value is not None, name
    return int(value)


async def ledger(bot: MemoryAdapter, name: str) -> list[tuple[str, int, str]]:
    rows = await bot.app.db.fetchall(
        "SELECT l.kind, l.points, l.area FROM ledger l JOIN members m ON m.id = l.member_id "
        "WHERE m.native_id = ? ORDER BY l.id",
        (name,),
    )
    return [(row[0], row[1], row[2]) for row in rows]
