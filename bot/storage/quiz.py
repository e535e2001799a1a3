"""SQL for quizzes, races and the spaced-review queue (migration 0004).

Functions taking a `Tx` write and run inside the caller's unit of work;
functions taking `Reader` also accept the `Database` for plain reads.
"""

from __future__ import annotations

from datetime import datetime

from bot.bank import Question
from bot.envelope import ChannelRef
from bot.record import record
from bot.storage import daily, ledger
from bot.storage.common import from_db, to_db
from bot.storage.db import Database, Row, Tx

Reader = Database | Tx


def _ids(text: str) -> tuple[str, ...]:
    return tuple(text.split(",")) if text else ()


def _optional_time(text: str | None) -> datetime | None:
    return from_db(text) if text else None


# -- channels and the ledger ------------------------------------------------


async def channel_row_id(tx: Tx, channel: ChannelRef, now: datetime, timezone: str) -> int:
    """The channel's row id, creating an unconfigured row on first sight."""
    return (await daily.ensure_channel(tx, channel, timezone, now)).id


async def channel_ref(db: Reader, channel_id: int) -> ChannelRef | None:
    row = await db.fetchone(
        "SELECT platform, workspace, native_id FROM channels WHERE id = ?", (channel_id,)
    )
    return None if row is None else ChannelRef(row[0], row[1], row[2])


@record
class LedgerEntry:
    member_id: int
    channel_id: int | None
    kind: str  # quiz, race
    points: int
    area: str
    ref: str


async def add_points(tx: Tx, entry: LedgerEntry, now: datetime) -> None:
    """Through the shared ledger helper: it files the row under its local week and month."""
    await ledger.add_points(
        tx,
        entry.member_id,
        entry.channel_id,
        entry.kind,
        entry.points,
        now,
        area=entry.area,
        ref=entry.ref,
    )


async def member_timezone(db: Reader, member_id: int) -> str | None:
    zone = await db.fetchval("SELECT timezone FROM members WHERE id = ?", (member_id,))
    return str(zone) if zone else None


# -- quiz sessions ----------------------------------------------------------


class _Progress:
    """A run through a fixed list of questions (a quiz session, a race)."""

    question_ids: tuple[str, ...]
    position: int

    @property
    def current_question_id(self) -> str:
        return self.question_ids[self.position]

    @property
    def is_last(self) -> bool:
        return self.position + 1 >= len(self.question_ids)


@record
class Session(_Progress):
    id: int
    member_id: int
    channel_id: int | None
    mode: str  # choices, flashcards
    question_ids: tuple[str, ...]
    position: int
    status: str  # active, finished, ended, expired
    last_active_at: datetime

    def moved_on(self, status: str, now: datetime) -> Session:
        """One question further on (`dataclasses.replace` inspects the fields on every call)."""
        return Session(
            self.id,
            self.member_id,
            self.channel_id,
            self.mode,
            self.question_ids,
            self.position + 1,
            status,
            now,
        )


_SESSION_COLUMNS = "id, member_id, channel_id, mode, question_ids, position, status, last_active_at"


def _session(row: Row) -> Session:
    # By position: a Row looks a name up by comparing it with each column's.
    id_, member, channel, mode, question_ids, position, status, last_active_at = row
    return Session(
        id_, member, channel, mode, _ids(question_ids), position, status, from_db(last_active_at)
    )


_GET_SESSION = f"SELECT {_SESSION_COLUMNS} FROM quiz_sessions WHERE id = ?"


async def get_session(db: Reader, session_id: int) -> Session | None:
    row = await db.fetchone(_GET_SESSION, (session_id,))
    return None if row is None else _session(row)


async def active_session(db: Reader, member_id: int) -> Session | None:
    row = await db.fetchone(
        f"SELECT {_SESSION_COLUMNS} FROM quiz_sessions WHERE member_id = ? AND status = 'active'",
        (member_id,),
    )
    return None if row is None else _session(row)


async def insert_session(
    tx: Tx,
    member_id: int,
    channel_id: int | None,
    mode: str,
    question_ids: list[str],
    now: datetime,
) -> Session:
    session_id = await tx.execute(
        "INSERT INTO quiz_sessions (member_id, channel_id, mode, question_ids, status, "
        "started_at, last_active_at) VALUES (?, ?, ?, ?, 'active', ?, ?)",
        (member_id, channel_id, mode, ",".join(question_ids), to_db(now), to_db(now)),
    )
    session = await get_session(tx, session_id)
    assert session is not None
    return session


async def advance_session(tx: Tx, session: Session, now: datetime) -> Session:
    """Move to the next question, or finish after the last; the session as it is now.

    The caller read `session` in this transaction, so the update cannot miss.
    Moving on does not set `status`, so SQLite leaves the one-active-quiz index
    alone (14 -> 9 us a statement, measured on 5,000 sessions).
    """
    if session.is_last:
        status, sql = "finished", _FINISH_SESSION
    else:
        status, sql = session.status, _NEXT_QUESTION
    changed = await tx.execute_rowcount(sql, (to_db(now), session.id, session.position))
    assert changed == 1, (session.id, session.position)
    return session.moved_on(status, now)


_NEXT_QUESTION = (
    "UPDATE quiz_sessions SET position = position + 1, last_active_at = ?1 "
    "WHERE id = ?2 AND position = ?3 AND status = 'active'"
)
_FINISH_SESSION = (
    "UPDATE quiz_sessions SET position = position + 1, status = 'finished', "
    "last_active_at = ?1, ended_at = ?1 WHERE id = ?2 AND position = ?3 AND status = 'active'"
)


async def touch_session(tx: Tx, session_id: int, now: datetime) -> None:
    await tx.execute(
        "UPDATE quiz_sessions SET last_active_at = ? WHERE id = ? AND status = 'active'",
        (to_db(now), session_id),
    )


async def end_session(tx: Tx, session_id: int, status: str, now: datetime) -> bool:
    changed = await tx.execute_rowcount(
        "UPDATE quiz_sessions SET status = ?, ended_at = ? WHERE id = ? AND status = 'active'",
        (status, to_db(now), session_id),
    )
    return changed == 1


async def expire_idle_sessions(tx: Tx, idle_since: datetime, now: datetime) -> int:
    """End every active session whose last activity is at or before `idle_since`."""
    return await tx.execute_rowcount(
        "UPDATE quiz_sessions SET status = 'expired', ended_at = ? "
        "WHERE status = 'active' AND last_active_at <= ?",
        (to_db(now), to_db(idle_since)),
    )


@record
class QuizAnswer:
    session_id: int
    position: int
    member_id: int
    question_id: str
    area: str
    difficulty: str
    correct: bool
    choice: int | None = None
    rating: int | None = None
    points: int = 0

    @classmethod
    def of(
        cls,
        session: Session,
        question: Question,
        correct: bool,
        choice: int | None = None,
        rating: int | None = None,
        points: int = 0,
    ) -> QuizAnswer:
        """The answer to the session's current question."""
        return cls(
            session.id,
            session.position,
            session.member_id,
            question.id,
            question.area,
            question.difficulty,
            correct,
            choice,
            rating,
            points,
        )


async def insert_quiz_answer(tx: Tx, answer: QuizAnswer, now: datetime) -> bool:
    """False when this question of the session was answered already."""
    inserted = await tx.execute_rowcount(
        "INSERT OR IGNORE INTO quiz_answers (session_id, position, member_id, question_id, "
        "area, difficulty, choice, rating, correct, points, answered_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            answer.session_id,
            answer.position,
            answer.member_id,
            answer.question_id,
            answer.area,
            answer.difficulty,
            answer.choice,
            answer.rating,
            int(answer.correct),
            answer.points,
            to_db(now),
        ),
    )
    return inserted == 1


async def answered_before(db: Reader, member_id: int, question_id: str) -> bool:
    """Whether the member ever answered this multiple-choice question in a quiz."""
    found = await db.fetchval(
        "SELECT 1 FROM quiz_answers WHERE member_id = ? AND question_id = ? "
        "AND choice IS NOT NULL LIMIT 1",
        (member_id, question_id),
    )
    return found is not None


async def answered_question_ids(db: Reader, member_id: int) -> set[str]:
    rows = await db.fetchall(
        "SELECT DISTINCT question_id FROM quiz_answers WHERE member_id = ?", (member_id,)
    )
    return {row[0] for row in rows}


async def session_answers(db: Reader, session_id: int) -> list[QuizAnswer]:
    rows = await db.fetchall(
        "SELECT session_id, position, member_id, question_id, area, difficulty, choice, "
        "rating, correct, points FROM quiz_answers WHERE session_id = ? ORDER BY position",
        (session_id,),
    )
    return [
        QuizAnswer(
            session_id=row["session_id"],
            position=row["position"],
            member_id=row["member_id"],
            question_id=row["question_id"],
            area=row["area"],
            difficulty=row["difficulty"],
            correct=bool(row["correct"]),
            choice=row["choice"],
            rating=row["rating"],
            points=row["points"],
        )
        for row in rows
    ]


@record
class AreaAccuracy:
    area: str
    answered: int
    correct: int

    @property
    def accuracy(self) -> float:
        return self.correct / self.answered if self.answered else 0.0


async def area_accuracy(db: Reader, member_id: int) -> list[AreaAccuracy]:
    """Multiple-choice quiz answers per area (flashcard self-ratings are not graded)."""
    rows = await db.fetchall(
        "SELECT area, COUNT(*), SUM(correct) FROM quiz_answers "
        "WHERE member_id = ? AND choice IS NOT NULL GROUP BY area ORDER BY area",
        (member_id,),
    )
    return [AreaAccuracy(row[0], int(row[1]), int(row[2])) for row in rows]


# -- races ------------------------------------------------------------------


@record
class Race(_Progress):
    id: int
    channel_id: int
    question_ids: tuple[str, ...]
    position: int
    deadline: datetime
    status: str  # active, finished


_RACE_COLUMNS = "id, channel_id, question_ids, position, deadline, status"


def _race(row: Row) -> Race:
    return Race(
        id=row["id"],
        channel_id=row["channel_id"],
        question_ids=_ids(row["question_ids"]),
        position=row["position"],
        deadline=from_db(row["deadline"]),
        status=row["status"],
    )


async def get_race(db: Reader, race_id: int) -> Race | None:
    row = await db.fetchone(f"SELECT {_RACE_COLUMNS} FROM quiz_races WHERE id = ?", (race_id,))
    return None if row is None else _race(row)


async def active_race(db: Reader, channel_id: int) -> Race | None:
    row = await db.fetchone(
        f"SELECT {_RACE_COLUMNS} FROM quiz_races WHERE channel_id = ? AND status = 'active'",
        (channel_id,),
    )
    return None if row is None else _race(row)


async def insert_race(
    tx: Tx,
    channel_id: int,
    started_by: int,
    question_ids: list[str],
    deadline: datetime,
    now: datetime,
) -> Race:
    race_id = await tx.execute(
        "INSERT INTO quiz_races (channel_id, started_by, question_ids, deadline, status, "
        "started_at) VALUES (?, ?, ?, ?, 'active', ?)",
        (channel_id, started_by, ",".join(question_ids), to_db(deadline), to_db(now)),
    )
    race = await get_race(tx, race_id)
    assert race is not None
    return race


async def advance_race(tx: Tx, race: Race, deadline: datetime, now: datetime) -> bool:
    """Close the question on screen; False if someone else closed it first."""
    status = "finished" if race.is_last else "active"
    changed = await tx.execute_rowcount(
        "UPDATE quiz_races SET position = position + 1, deadline = ?, status = ?, "
        "ended_at = CASE WHEN ? = 'finished' THEN ? ELSE NULL END "
        "WHERE id = ? AND position = ? AND status = 'active'",
        (to_db(deadline), status, status, to_db(now), race.id, race.position),
    )
    return changed == 1


async def races_past_deadline(db: Reader, now: datetime) -> list[Race]:
    rows = await db.fetchall(
        f"SELECT {_RACE_COLUMNS} FROM quiz_races WHERE status = 'active' AND deadline <= ? "
        "ORDER BY deadline",
        (to_db(now),),
    )
    return [_race(row) for row in rows]


@record
class RaceAnswer:
    race_id: int
    position: int
    member_id: int
    choice: int
    correct: bool
    points: int = 0


async def insert_race_answer(tx: Tx, answer: RaceAnswer, now: datetime) -> bool:
    """False when the member already answered this question of the race."""
    inserted = await tx.execute_rowcount(
        "INSERT OR IGNORE INTO race_answers (race_id, position, member_id, choice, correct, "
        "points, answered_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
        (
            answer.race_id,
            answer.position,
            answer.member_id,
            answer.choice,
            int(answer.correct),
            answer.points,
            to_db(now),
        ),
    )
    return inserted == 1


@record
class RaceStanding:
    name: str
    points: int
    correct: int
    answered: int


async def race_standings(db: Reader, race_id: int) -> list[RaceStanding]:
    rows = await db.fetchall(
        "SELECT COALESCE(NULLIF(m.display_name, ''), m.native_id), SUM(a.points), "
        "SUM(a.correct), COUNT(*) FROM race_answers a JOIN members m ON m.id = a.member_id "
        "WHERE a.race_id = ? GROUP BY a.member_id "
        "ORDER BY SUM(a.points) DESC, SUM(a.correct) DESC, MIN(a.answered_at)",
        (race_id,),
    )
    return [RaceStanding(row[0], int(row[1]), int(row[2]), int(row[3])) for row in rows]


# -- review cards -----------------------------------------------------------


@record
class CardRow:
    id: int
    member_id: int
    question_id: str
    state: int
    step: int | None
    stability: float | None
    difficulty: float | None
    due: datetime
    last_review: datetime | None
    reps: int


_CARD_COLUMNS = (
    "id, member_id, question_id, state, step, stability, difficulty, due, last_review, reps"
)


def _card(row: Row) -> CardRow:
    return CardRow(
        id=row["id"],
        member_id=row["member_id"],
        question_id=row["question_id"],
        state=row["state"],
        step=row["step"],
        stability=row["stability"],
        difficulty=row["difficulty"],
        due=from_db(row["due"]),
        last_review=_optional_time(row["last_review"]),
        reps=row["reps"],
    )


async def get_card(db: Reader, card_id: int) -> CardRow | None:
    row = await db.fetchone(f"SELECT {_CARD_COLUMNS} FROM review_cards WHERE id = ?", (card_id,))
    return None if row is None else _card(row)


async def find_card(db: Reader, member_id: int, question_id: str) -> CardRow | None:
    row = await db.fetchone(
        f"SELECT {_CARD_COLUMNS} FROM review_cards WHERE member_id = ? AND question_id = ?",
        (member_id, question_id),
    )
    return None if row is None else _card(row)


async def insert_card(
    tx: Tx, member_id: int, question_id: str, state: int, source: str, now: datetime
) -> bool:
    """A new card, due now (FSRS's convention for cards never reviewed); False if the
    member already has one for this question (it is left as it is)."""
    inserted = await tx.execute_rowcount(
        "INSERT INTO review_cards (member_id, question_id, state, step, due, source, created_at) "
        "VALUES (?, ?, ?, 0, ?, ?, ?) ON CONFLICT (member_id, question_id) DO NOTHING",
        (member_id, question_id, state, to_db(now), source, to_db(now)),
    )
    return inserted == 1


async def bring_forward(tx: Tx, member_id: int, question_id: str, now: datetime) -> None:
    """A missed card that is scheduled later becomes due now."""
    await tx.execute(
        "UPDATE review_cards SET due = MIN(due, ?) WHERE member_id = ? AND question_id = ?",
        (to_db(now), member_id, question_id),
    )


async def save_review(tx: Tx, before: CardRow, after: CardRow, rating: int, now: datetime) -> bool:
    """Store a rated card and its log line; False if it was rated meanwhile."""
    changed = await tx.execute_rowcount(
        "UPDATE review_cards SET state = ?, step = ?, stability = ?, difficulty = ?, due = ?, "
        "last_review = ?, reps = reps + 1 WHERE id = ? AND reps = ?",
        (
            after.state,
            after.step,
            after.stability,
            after.difficulty,
            to_db(after.due),
            to_db(after.last_review) if after.last_review else None,
            before.id,
            before.reps,
        ),
    )
    if changed != 1:
        return False
    await tx.execute(
        "INSERT INTO review_log (card_id, member_id, rating, due_after, reviewed_at) "
        "VALUES (?, ?, ?, ?, ?)",
        (before.id, before.member_id, rating, to_db(after.due), to_db(now)),
    )
    return True


async def due_cards(db: Reader, member_id: int, now: datetime, limit: int) -> list[CardRow]:
    rows = await db.fetchall(
        f"SELECT {_CARD_COLUMNS} FROM review_cards WHERE member_id = ? AND due <= ? "
        "ORDER BY due, id LIMIT ?",
        (member_id, to_db(now), limit),
    )
    return [_card(row) for row in rows]


async def count_due(db: Reader, member_id: int, now: datetime) -> int:
    count = await db.fetchval(
        "SELECT COUNT(*) FROM review_cards WHERE member_id = ? AND due <= ?",
        (member_id, to_db(now)),
    )
    return int(count)


async def count_cards(db: Reader, member_id: int) -> int:
    count = await db.fetchval("SELECT COUNT(*) FROM review_cards WHERE member_id = ?", (member_id,))
    return int(count)


async def earliest_due_after(db: Reader, member_id: int, now: datetime) -> datetime | None:
    due = await db.fetchval(
        "SELECT MIN(due) FROM review_cards WHERE member_id = ? AND due > ?",
        (member_id, to_db(now)),
    )
    return from_db(due) if due else None


async def reviews_since(db: Reader, member_id: int, since: datetime) -> int:
    count = await db.fetchval(
        "SELECT COUNT(*) FROM review_log WHERE member_id = ? AND reviewed_at >= ?",
        (member_id, to_db(since)),
    )
    return int(count)
