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
    claimed_by   TEXT NOT NULL DEFAULT '',  -- the claiming tick's token
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
-- week and month are the event's local period in its channel's zone
-- ('w2026-01-05' is the week starting Monday 5 January, 'm2026-01' the month).
CREATE TABLE ledger (
    id          INTEGER PRIMARY KEY,
    member_id   INTEGER NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    channel_id  INTEGER REFERENCES channels (id) ON DELETE CASCADE,
    kind        TEXT NOT NULL,              -- answer, upvote, top_answer, quiz, ...
    points      INTEGER NOT NULL,
    area        TEXT,
    ref         TEXT NOT NULL DEFAULT '',
    created_at  TEXT NOT NULL,
    week        TEXT NOT NULL DEFAULT '',
    month       TEXT NOT NULL DEFAULT ''
);
CREATE INDEX ledger_by_member_time ON ledger (member_id, created_at);

-- Running totals per channel, period ('all', a week, a month) and area ('' for
-- every area), kept by a trigger in the same transaction as each ledger row:
-- a leaderboard reads at most a few index pages, whatever the ledger's size.
CREATE TABLE standings (
    channel_id  INTEGER NOT NULL REFERENCES channels (id) ON DELETE CASCADE,
    period      TEXT NOT NULL,
    area        TEXT NOT NULL,
    member_id   INTEGER NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    points      INTEGER NOT NULL,
    first_id    INTEGER NOT NULL,           -- ties go to whoever scored first
    PRIMARY KEY (channel_id, period, area, member_id)
) WITHOUT ROWID;
CREATE INDEX standings_by_rank ON standings (channel_id, period, area, points DESC, first_id);

CREATE TRIGGER ledger_into_standings AFTER INSERT ON ledger
WHEN NEW.channel_id IS NOT NULL
BEGIN
    INSERT INTO standings (channel_id, period, area, member_id, points, first_id)
    SELECT NEW.channel_id, p.period, a.area, NEW.member_id, NEW.points, NEW.id
    FROM (SELECT 'all' AS period UNION ALL SELECT NEW.week WHERE NEW.week != ''
          UNION ALL SELECT NEW.month WHERE NEW.month != '') AS p,
         (SELECT '' AS area UNION ALL SELECT NEW.area WHERE COALESCE(NEW.area, '') != '') AS a
    WHERE true
    ON CONFLICT (channel_id, period, area, member_id)
    DO UPDATE SET points = points + excluded.points;
END;

-- How many members stand at each total: a rank is 1 + the members above you,
-- a sum over the distinct totals (hundreds) rather than over the members.
CREATE TABLE standing_counts (
    channel_id  INTEGER NOT NULL REFERENCES channels (id) ON DELETE CASCADE,
    period      TEXT NOT NULL,
    area        TEXT NOT NULL,
    points      INTEGER NOT NULL,
    members     INTEGER NOT NULL,
    PRIMARY KEY (channel_id, period, area, points)
) WITHOUT ROWID;

CREATE TRIGGER standings_counted AFTER INSERT ON standings
BEGIN
    INSERT INTO standing_counts (channel_id, period, area, points, members)
    VALUES (NEW.channel_id, NEW.period, NEW.area, NEW.points, 1)
    ON CONFLICT (channel_id, period, area, points) DO UPDATE SET members = members + 1;
END;

CREATE TRIGGER standings_recounted AFTER UPDATE OF points ON standings
BEGIN
    UPDATE standing_counts SET members = members - 1
    WHERE channel_id = OLD.channel_id AND period = OLD.period AND area = OLD.area
    AND points = OLD.points;
    INSERT INTO standing_counts (channel_id, period, area, points, members)
    VALUES (NEW.channel_id, NEW.period, NEW.area, NEW.points, 1)
    ON CONFLICT (channel_id, period, area, points) DO UPDATE SET members = members + 1;
END;

-- Which weekly leaderboard posts were made (exactly once, like daily posts).
CREATE TABLE leaderboard_posts (
    channel_id  INTEGER NOT NULL REFERENCES channels (id) ON DELETE CASCADE,
    local_date  TEXT NOT NULL,
    posted_at   TEXT NOT NULL,
    PRIMARY KEY (channel_id, local_date)
) WITHOUT ROWID;
