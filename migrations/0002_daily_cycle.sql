-- The daily question cycle: posts, blind answers, votes, and the points ledger.

-- One row per channel and local date, claimed *before* the post is sent: the
-- UNIQUE constraint is what makes posting exactly-once across restarts,
-- misfire catch-ups and several processes.
CREATE TABLE daily_posts (
    id           INTEGER PRIMARY KEY,
    channel_id   INTEGER NOT NULL REFERENCES channels (id) ON DELETE CASCADE,
    local_date   TEXT NOT NULL,            -- YYYY-MM-DD in the channel's zone
    question_id  TEXT NOT NULL,
    status       TEXT NOT NULL CHECK (status IN ('claimed', 'posted', 'revealed', 'closed', 'skipped')),
    claimed_at   TEXT NOT NULL,
    posted_at    TEXT,
    reveal_at    TEXT NOT NULL,
    revealed_at  TEXT,
    closed_at    TEXT,
    post_ref     TEXT,                     -- the platform's message reference
    UNIQUE (channel_id, local_date)
);
CREATE INDEX daily_posts_by_channel ON daily_posts (channel_id, id);
CREATE INDEX daily_posts_by_status ON daily_posts (status, reveal_at);

CREATE TABLE answers (
    id          INTEGER PRIMARY KEY,
    post_id     INTEGER NOT NULL REFERENCES daily_posts (id) ON DELETE CASCADE,
    member_id   INTEGER NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    body        TEXT NOT NULL,
    edits       INTEGER NOT NULL DEFAULT 0,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    UNIQUE (post_id, member_id)
);
CREATE INDEX answers_by_member ON answers (member_id, created_at);

CREATE TABLE votes (
    answer_id   INTEGER NOT NULL REFERENCES answers (id) ON DELETE CASCADE,
    voter_id    INTEGER NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    created_at  TEXT NOT NULL,
    PRIMARY KEY (answer_id, voter_id)
) WITHOUT ROWID;

-- Append-only: a withdrawn vote is a negative event, never a deleted row.
CREATE TABLE ledger (
    id          INTEGER PRIMARY KEY,
    member_id   INTEGER NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    channel_id  INTEGER REFERENCES channels (id) ON DELETE CASCADE,
    kind        TEXT NOT NULL,              -- answer, upvote, top_answer, quiz, ...
    points      INTEGER NOT NULL,
    area        TEXT,
    ref         TEXT NOT NULL DEFAULT '',
    created_at  TEXT NOT NULL
);
CREATE INDEX ledger_by_channel_time ON ledger (channel_id, created_at);
CREATE INDEX ledger_by_member_time ON ledger (member_id, created_at);

-- Which weekly leaderboard posts were made (exactly once, like daily posts).
CREATE TABLE leaderboard_posts (
    channel_id  INTEGER NOT NULL REFERENCES channels (id) ON DELETE CASCADE,
    local_date  TEXT NOT NULL,
    posted_at   TEXT NOT NULL,
    PRIMARY KEY (channel_id, local_date)
) WITHOUT ROWID;
