-- Quizzes on demand, channel races, and each member's spaced-review queue.
-- Every button of these features carries only row ids; the state behind them
-- lives here, so buttons keep working after a restart.

-- A private quiz: the questions are fixed at the start, `position` is the one
-- on screen. At most one active session per member (the partial index).
CREATE TABLE quiz_sessions (
    id              INTEGER PRIMARY KEY,
    member_id       INTEGER NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    channel_id      INTEGER REFERENCES channels (id) ON DELETE SET NULL,
    mode            TEXT NOT NULL CHECK (mode IN ('choices', 'flashcards')),
    question_ids    TEXT NOT NULL,             -- comma list, in the order asked
    position        INTEGER NOT NULL DEFAULT 0,
    status          TEXT NOT NULL CHECK (status IN ('active', 'finished', 'ended', 'expired')),
    started_at      TEXT NOT NULL,
    last_active_at  TEXT NOT NULL,
    ended_at        TEXT
);
CREATE UNIQUE INDEX quiz_sessions_one_active ON quiz_sessions (member_id)
    WHERE status = 'active';
CREATE INDEX quiz_sessions_by_status ON quiz_sessions (status, last_active_at);

-- One row per question answered in a session; the primary key makes a second
-- press on the same question impossible.
CREATE TABLE quiz_answers (
    session_id   INTEGER NOT NULL REFERENCES quiz_sessions (id) ON DELETE CASCADE,
    position     INTEGER NOT NULL,
    member_id    INTEGER NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    question_id  TEXT NOT NULL,
    area         TEXT NOT NULL,
    difficulty   TEXT NOT NULL,
    choice       INTEGER,                      -- option index (multiple choice)
    rating       INTEGER,                      -- 1-4 self-rating (flashcards)
    correct      INTEGER NOT NULL,
    points       INTEGER NOT NULL DEFAULT 0,
    answered_at  TEXT NOT NULL,
    PRIMARY KEY (session_id, position)
) WITHOUT ROWID;
CREATE INDEX quiz_answers_by_member ON quiz_answers (member_id, question_id);

-- A public race in a channel; `deadline` closes the question on screen.
CREATE TABLE quiz_races (
    id            INTEGER PRIMARY KEY,
    channel_id    INTEGER NOT NULL REFERENCES channels (id) ON DELETE CASCADE,
    started_by    INTEGER NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    question_ids  TEXT NOT NULL,
    position      INTEGER NOT NULL DEFAULT 0,
    deadline      TEXT NOT NULL,
    status        TEXT NOT NULL CHECK (status IN ('active', 'finished')),
    started_at    TEXT NOT NULL,
    ended_at      TEXT
);
CREATE UNIQUE INDEX quiz_races_one_active ON quiz_races (channel_id) WHERE status = 'active';
CREATE INDEX quiz_races_by_deadline ON quiz_races (status, deadline);

-- One answer per member per race question: the primary key is the rule.
CREATE TABLE race_answers (
    race_id      INTEGER NOT NULL REFERENCES quiz_races (id) ON DELETE CASCADE,
    position     INTEGER NOT NULL,
    member_id    INTEGER NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    choice       INTEGER NOT NULL,
    correct      INTEGER NOT NULL,
    points       INTEGER NOT NULL DEFAULT 0,
    answered_at  TEXT NOT NULL,
    PRIMARY KEY (race_id, position, member_id)
) WITHOUT ROWID;

-- One FSRS card per (member, question); the columns are fsrs.Card's fields.
CREATE TABLE review_cards (
    id           INTEGER PRIMARY KEY,
    member_id    INTEGER NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    question_id  TEXT NOT NULL,
    state        INTEGER NOT NULL,             -- fsrs.State: 1 learning, 2 review, 3 relearning
    step         INTEGER,
    stability    REAL,
    difficulty   REAL,
    due          TEXT NOT NULL,
    last_review  TEXT,
    reps         INTEGER NOT NULL DEFAULT 0,   -- ratings so far (stale rating buttons carry an older count)
    source       TEXT NOT NULL,                -- quiz, flashcard, reveal
    created_at   TEXT NOT NULL,
    UNIQUE (member_id, question_id)
);
CREATE INDEX review_cards_by_due ON review_cards (member_id, due);

CREATE TABLE review_log (
    id           INTEGER PRIMARY KEY,
    card_id      INTEGER NOT NULL REFERENCES review_cards (id) ON DELETE CASCADE,
    member_id    INTEGER NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    rating       INTEGER NOT NULL CHECK (rating BETWEEN 1 AND 4),
    due_after    TEXT NOT NULL,
    reviewed_at  TEXT NOT NULL
);
CREATE INDEX review_log_by_member_time ON review_log (member_id, reviewed_at);
