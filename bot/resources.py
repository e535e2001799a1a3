"""Where the files that ship beside the code live.

In a checkout (or an editable install) `migrations/` and `questions/` sit next
to `bot/`; a wheel carries them inside the package as `bot/_data/`.
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def _shipped(name: str) -> Path:
    bundled = _PACKAGE / "_data" / name
    return bundled if bundled.is_dir() else _PACKAGE.parent / name


def migrations_dir() -> Path:
    return _shipped("migrations")


def questions_dir() -> Path:
    return _shipped("questions")
