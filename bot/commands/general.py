"""`/help`, and `/question`: a private practice question with an Answer button."""

from __future__ import annotations

import random
from collections.abc import Mapping

from bot.bank import AREAS, DIFFICULTIES, Bank, Question
from bot.envelope import Button, Context, Field, Form, FormInput, Message, escape
from bot.errors import NotFound
from bot.registry import Args, Command, Param, Registry, action_id

ANSWER_LIMIT = 4000
AREA_PARAM = Param("area", "one of the 16 areas", kind="choice", choices=AREAS)
DIFFICULTY_PARAM = Param("difficulty", "easy, medium or hard", kind="choice", choices=DIFFICULTIES)


_FIELDS: dict[str, tuple[Question, tuple[Field, ...]]] = {}  # question id -> its fields


def question_fields(question: Question) -> tuple[Field, ...]:
    """Area, difficulty and tags; built once per question (a quiz answer shows them twice)."""
    known = _FIELDS.get(question.id)
    if known is not None and known[0] is question:  # not a question reloaded since
        return known[1]
    fields = [Field("Area", question.area), Field("Difficulty", question.difficulty)]
    if question.tags:
        fields.append(Field("Tags", ", ".join(question.tags)))
    built = tuple(fields)
    _FIELDS[question.id] = (question, built)
    return built


def key_points_text(question: Question) -> str:
    return "\n".join(f"- {point}" for point in question.key_points)


def card_back_text(question: Question) -> str:
    """A flashcard or review card turned over: the prompt, then its key points."""
    return f"{question.prompt}\n\n**Key points**\n{key_points_text(question)}"


def answer_form(action: str, title: str, prompt: str, initial: str = "") -> Form:
    return Form(
        action_id=action,
        title=title,
        intro=prompt,
        inputs=(
            FormInput(
                id="answer",
                label="Your answer",
                style="paragraph",
                max_length=ANSWER_LIMIT,
                placeholder="Explain it as you would to an interviewer.",
                initial=initial,
            ),
        ),
    )


class General:
    def __init__(self, registry: Registry, bank: Bank, rng: random.Random) -> None:
        self.registry = registry
        self.bank = bank
        self.rng = rng

    def register(self) -> None:
        self.registry.add(Command("help", "List what studybot can do", self.help))
        self.registry.add(
            Command(
                "question",
                "A random practice question, just for you",
                self.question,
                params=(AREA_PARAM, DIFFICULTY_PARAM),
            )
        )
        self.registry.on_button("practice", self.open_practice)
        self.registry.on_form("practice", self.submit_practice)

    async def help(self, ctx: Context, args: Args) -> Message:
        lines = [f"`{c.usage}` {c.description}" for c in self.registry if not c.admin]
        admin = [f"`{c.usage}` {c.description}" for c in self.registry if c.admin]
        text = "\n".join(f"- {line}" for line in lines)
        if admin:
            text += "\n\n**For admins**\n" + "\n".join(f"- {line}" for line in admin)
        return Message(title="studybot commands", text=text)

    async def question(self, ctx: Context, args: Args) -> Message:
        areas = (args["area"],) if args["area"] else ()
        question = self.bank.random(self.rng, areas=areas, difficulty=args["difficulty"] or "")
        if question is None:
            raise NotFound("No question matches those filters. Try another area or difficulty.")
        return Message(
            title="Practice question",
            text=question.prompt,
            fields=question_fields(question),
            buttons=(Button("Answer", action_id("practice", question.id), style="primary"),),
            footer=f"Hint: {question.hint}" if question.hint else "",
        )

    def _question(self, question_id: str) -> Question:
        question = self.bank.get(question_id)
        if question is None:
            raise NotFound("That question is no longer in the bank. Try `/question` again.")
        return question

    async def open_practice(self, ctx: Context, parts: list[str]) -> Form:
        question = self._question(parts[0] if parts else "")
        return answer_form(action_id("practice", question.id), "Practice answer", question.prompt)

    async def submit_practice(
        self, ctx: Context, parts: list[str], values: Mapping[str, str]
    ) -> Message:
        question = self._question(parts[0] if parts else "")
        answer = values.get("answer", "").strip()
        return Message(
            title="Compare your answer with the key points",
            text=f"**Your answer**\n> {escape(answer)}\n\n**Key points**\n"
            + key_points_text(question),
            fields=question_fields(question),
        )
