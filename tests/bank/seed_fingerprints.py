"""Fingerprints of every 8-word run in the seed guides, so the originality test
runs anywhere (CI clones the repo alone) without the guides' text in the repo.

Regenerate after the guides change, from the repo root:

    .venv/bin/python -m tests.bank.seed_fingerprints ../shared/seeds
"""

from __future__ import annotations

import hashlib
import re
import sys
from pathlib import Path

RUN = 8  # words: shorter runs are common phrases, longer ones miss light rewording
STORE = Path(__file__).with_name("seed_fingerprints.txt")


def words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", text.lower())


def runs(text: str, n: int = RUN) -> set[tuple[str, ...]]:
    tokens = words(text)
    return {tuple(tokens[i : i + n]) for i in range(len(tokens) - n + 1)}


def fingerprint(run: tuple[str, ...]) -> str:
    # 48 bits: against ~50,000 runs in the bank, a false match is ~1 in 100,000.
    return hashlib.blake2b(" ".join(run).encode(), digest_size=6).hexdigest()


def fingerprints_of(text: str) -> set[str]:
    return {fingerprint(run) for run in runs(text)}


def stored() -> set[str]:
    return set(STORE.read_text(encoding="ascii").split())


def main(folder: str) -> None:
    found: set[str] = set()
    for path in sorted(Path(folder).glob("*.txt")):
        found |= fingerprints_of(path.read_text(encoding="utf-8"))
    STORE.write_text("\n".join(sorted(found)) + "\n", encoding="ascii")
    print(f"{len(found):,} fingerprints written to {STORE.name}")


if __name__ == "__main__":
    main(sys.argv[1])
