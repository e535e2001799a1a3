-- Who and where. Platform ids are kept as text: Discord snowflakes exceed
-- 2^53 and Slack ids are alphanumeric.
-- Times are UTC ISO-8601 strings ('2026-01-05T08:00:00.000000Z'): they sort.

CREATE TABLE members (
    id           INTEGER PRIMARY KEY,
    platform     TEXT NOT NULL,
    workspace    TEXT NOT NULL,
    native_id    TEXT NOT NULL,
    display_name TEXT NOT NULL DEFAULT '',
    timezone     TEXT,                      -- NULL: use the channel's zone
    created_at   TEXT NOT NULL,
    UNIQUE (platform, workspace, native_id)
);

CREATE TABLE channels (
    id                  INTEGER PRIMARY KEY,
    platform            TEXT NOT NULL,
    workspace           TEXT NOT NULL,
    native_id           TEXT NOT NULL,
    configured          INTEGER NOT NULL DEFAULT 0,
    post_time           TEXT NOT NULL DEFAULT '09:00',   -- local HH:MM
    timezone            TEXT NOT NULL DEFAULT 'UTC',     -- IANA name
    days                TEXT NOT NULL DEFAULT 'mon,tue,wed,thu,fri,sat,sun',
    areas               TEXT NOT NULL DEFAULT '',        -- comma list; '' = all
    difficulty          TEXT NOT NULL DEFAULT '',        -- '' = any
    reveal_minutes      INTEGER NOT NULL DEFAULT 720,
    paused              INTEGER NOT NULL DEFAULT 0,
    skip_next           INTEGER NOT NULL DEFAULT 0,
    weekly_leaderboard  INTEGER NOT NULL DEFAULT 1,
    leaderboard_day     TEXT NOT NULL DEFAULT 'mon',
    created_at          TEXT NOT NULL,
    updated_at          TEXT NOT NULL,
    UNIQUE (platform, workspace, native_id)
);
