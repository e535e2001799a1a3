"""The daily cycle's messages, as neutral replies."""

from __future__ import annotations

from bot.bank import Question
from bot.commands.general import key_points_text, question_fields
from bot.daily.config import ChannelConfig, describe_reveal
from bot.envelope import Button, Field, Item, Message, escape
from bot.registry import action_id
from bot.storage.daily import Answer
from bot.storage.ledger import Standing

VOTE_RULES = (
    "One upvote per answer, never your own; press again to withdraw it. "
    "Voting closes when the next question is posted."
)


def daily_post(post_id: int, question: Question, reveal_at_text: str) -> Message:
    buttons = [Button("Answer", action_id("daily-answer", post_id), style="primary")]
    if question.hint:
        buttons.append(Button("Hint", action_id("hint", question.id)))
    return Message(
        kind="daily_post",
        private=False,
        title=f"Question of the day · {question.area} · {question.difficulty}",
        text=question.prompt,
        fields=question_fields(question),
        buttons=tuple(buttons),
        footer=f"Answers stay hidden until the reveal, {reveal_at_text}. "
        "Answer with the button or `/answer`; you can edit until then.",
    )


def reveal(question: Question, answers: list[Answer], review_button: bool) -> Message:
    items = tuple(
        Item(
            text=f"**{escape(answer.author)}**\n{escape(answer.body)}",
            buttons=(Button("Upvote", action_id("vote", answer.id)),),
        )
        for answer in answers
    )
    text = f"**Key points**\n{key_points_text(question)}\n\n"
    text += VOTE_RULES if answers else "Nobody answered this one. Tomorrow is another chance."
    buttons = (Button("Add to my review", action_id("review-add", question.id)),)
    return Message(
        kind="reveal",
        private=False,
        title=f"The answers are in ({len(answers)})",
        text=text,
        items=items,
        buttons=buttons if review_button else (),
    )


def leaderboard(title: str, standings: list[Standing], mine: Standing | None) -> Message:
    if standings:
        lines = [f"{s.rank}. **{escape(s.name)}** {s.points} pts" for s in standings]
        text = "\n".join(lines)
    else:
        text = "No points in this window yet. Answer a question to open the board."
    footer = (
        f"You are #{mine.rank} with {mine.points} pts."
        if mine
        else "You have no points in this window yet."
    )
    return Message(kind="leaderboard", title=title, text=text, footer=footer)


def config_view(config: ChannelConfig, next_post: str) -> Message:
    status = "paused" if config.paused else "active"
    if config.skip_next and not config.paused:
        status += ", the next post will be skipped"
    weekly = f"on ({config.leaderboard_day})" if config.weekly_leaderboard else "off"
    return Message(
        kind="config",
        title="Daily question settings for this channel",
        fields=(
            Field("Time", config.post_time),
            Field("Time zone", config.timezone),
            Field("Days", ", ".join(config.days)),
            Field("Areas", ", ".join(config.areas) or "all"),
            Field("Difficulty", config.difficulty or "any"),
            Field("Reveal after", describe_reveal(config.reveal_minutes)),
            Field("Weekly leaderboard", weekly),
            Field("Status", status),
            Field("Next post", next_post),
        ),
    )
