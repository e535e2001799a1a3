"""Errors the core raises on purpose.

    StudybotError
    ├── ConfigError          start-up refused: a setting is invalid
    ├── SchemaError          the database is newer than the code, or broken
    ├── BankError            question files do not validate
    └── UserError            a member did something we can explain; the
        │                    message is safe to show them
        ├── NotAllowed       needs admin rights
        ├── NotFound         no such command, question, post, ...
        └── Conflict         valid request, wrong moment (closed, duplicate)

Anything else that escapes a handler is a bug: the dispatcher logs it with an
incident id and the member sees a short apology quoting that id.
"""

from __future__ import annotations


class StudybotError(Exception):
    """Base of every error the core raises on purpose."""


class ConfigError(StudybotError):
    """A setting is missing or invalid; the message names it and what is allowed."""


class SchemaError(StudybotError):
    """The database cannot be used by this version of the code."""


class BankError(StudybotError):
    """Question files failed validation; `problems` lists every one."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__(
            f"{len(problems)} problem(s) in the question bank:\n" + "\n".join(problems)
        )


class UserError(StudybotError):
    """An expected failure whose message is written for the member."""


class NotAllowed(UserError):
    pass


class NotFound(UserError):
    pass


class Conflict(UserError):
    pass
