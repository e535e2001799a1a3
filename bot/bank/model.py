"""What one question in the bank is. `questions/schema.json` is generated from this."""

from __future__ import annotations

from typing import Annotated, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

Area = Literal[
    "fundamentals",
    "evaluation",
    "features",
    "regression",
    "trees",
    "deep-learning",
    "optimization",
    "unsupervised",
    "statistics",
    "llm",
    "coding",
    "data",
    "applied",
    "system-design",
    "mlops",
    "behavioral",
]
Difficulty = Literal["easy", "medium", "hard"]
AREAS: tuple[str, ...] = get_args(Area)
DIFFICULTIES: tuple[str, ...] = get_args(Difficulty)

Slug = Annotated[str, StringConstraints(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$", max_length=64)]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
Prompt = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=1000)]
KeyPoint = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300)]
Label = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=75)]


class Question(BaseModel):
    """One interview question. Ids are stable: history in the database hangs on them."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: Slug
    area: Area
    difficulty: Difficulty
    prompt: Prompt
    key_points: tuple[KeyPoint, ...] = Field(min_length=2, max_length=6)
    hint: Text | None = None
    choices: tuple[Label, ...] | None = Field(default=None, min_length=3, max_length=5)
    answer: Text | None = None
    explanation: Text | None = None
    follow_ups: tuple[Text, ...] = Field(default=(), max_length=3)
    tags: tuple[Slug, ...] = ()
    companies: tuple[Text, ...] = ()

    @model_validator(mode="after")
    def _choices_are_consistent(self) -> Question:
        if self.choices is None:
            for name in ("answer", "explanation"):
                if getattr(self, name) is not None:
                    raise ValueError(f"'{name}' is only allowed together with 'choices'")
            return self
        if len(set(self.choices)) != len(self.choices):
            raise ValueError("choices: options must be distinct")
        if self.answer is None:
            raise ValueError("answer: required when 'choices' is given")
        if self.answer not in self.choices:
            raise ValueError(f"answer: {self.answer!r} is not one of the choices")
        if self.explanation is None:
            raise ValueError("explanation: required when 'choices' is given")
        return self

    @property
    def is_multiple_choice(self) -> bool:
        return self.choices is not None

    @property
    def kind(self) -> str:
        return "choice" if self.is_multiple_choice else "open"
