-- Study buddies: a pool per channel, its members, and the history of rounds,
-- groups and check-ins that the no-repeat rule reads.

CREATE TABLE buddy_pools (
    channel_id     INTEGER PRIMARY KEY REFERENCES channels (id) ON DELETE CASCADE,
    cadence        TEXT NOT NULL DEFAULT 'weekly'
                   CHECK (cadence IN ('weekly', 'biweekly', 'every4weeks')),
    day            TEXT NOT NULL DEFAULT 'mon',      -- mon..sun, in the channel's zone
    local_time     TEXT NOT NULL DEFAULT '09:00',    -- HH:MM, in the channel's zone
    group_size     INTEGER NOT NULL DEFAULT 2 CHECK (group_size BETWEEN 2 AND 4),
    repeat_window  INTEGER NOT NULL DEFAULT 6 CHECK (repeat_window >= 0),
    next_round_at  TEXT NOT NULL,                    -- UTC instant of the next round
    created_at     TEXT NOT NULL,
    updated_at     TEXT NOT NULL
);
CREATE INDEX buddy_pools_due ON buddy_pools (next_round_at);

CREATE TABLE buddy_members (
    channel_id       INTEGER NOT NULL REFERENCES buddy_pools (channel_id) ON DELETE CASCADE,
    member_id        INTEGER NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    areas            TEXT NOT NULL DEFAULT '',       -- comma list of area names
    level            TEXT NOT NULL CHECK (level IN ('junior', 'mid', 'senior')),
    timezone         TEXT NOT NULL,                  -- IANA name
    role             TEXT NOT NULL CHECK (role IN ('interviewer', 'interviewee', 'both')),
    status           TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'paused', 'left')),
    skip_next        INTEGER NOT NULL DEFAULT 0,
    missed_checkins  INTEGER NOT NULL DEFAULT 0,     -- rounds in a row without an answer
    joined_at        TEXT NOT NULL,
    updated_at       TEXT NOT NULL,
    PRIMARY KEY (channel_id, member_id)
) WITHOUT ROWID;

-- A round is claimed by inserting its row: UNIQUE (channel_id, scheduled_at)
-- makes forming it exactly-once across restarts and several processes. The
-- row, its groups and the pool's next round are written in one transaction.
CREATE TABLE buddy_rounds (
    id               INTEGER PRIMARY KEY,
    channel_id       INTEGER NOT NULL REFERENCES buddy_pools (channel_id) ON DELETE CASCADE,
    number           INTEGER NOT NULL,               -- 1, 2, ... per channel
    scheduled_at     TEXT NOT NULL,
    formed_at        TEXT NOT NULL,
    checkin_at       TEXT NOT NULL,                  -- midway to the next round
    checkin_sent_at  TEXT,
    UNIQUE (channel_id, scheduled_at),
    UNIQUE (channel_id, number)
);
CREATE INDEX buddy_rounds_checkins ON buddy_rounds (checkin_sent_at, checkin_at);

CREATE TABLE buddy_groups (
    id                     INTEGER PRIMARY KEY,
    round_id               INTEGER NOT NULL REFERENCES buddy_rounds (id) ON DELETE CASCADE,
    technical_question_id  TEXT,
    behavioral_question_id TEXT,
    intro_status           TEXT NOT NULL DEFAULT 'pending'
                           CHECK (intro_status IN ('pending', 'posting', 'posted')),
    conversation_id        TEXT,                     -- the group's private conversation
    intro_ref              TEXT                      -- where the introduction landed
);
CREATE INDEX buddy_groups_by_round ON buddy_groups (round_id);
CREATE INDEX buddy_groups_intro ON buddy_groups (intro_status);

-- role: 'technical' asks the design question, 'behavioral' asks the
-- behavioural one, 'observer' (groups of 3-4) gives feedback.
CREATE TABLE buddy_group_members (
    group_id    INTEGER NOT NULL REFERENCES buddy_groups (id) ON DELETE CASCADE,
    member_id   INTEGER NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    role        TEXT NOT NULL CHECK (role IN ('technical', 'behavioral', 'observer')),
    checkin     TEXT CHECK (checkin IN ('met', 'not_yet', 'skip')),
    checked_at  TEXT,
    PRIMARY KEY (group_id, member_id)
) WITHOUT ROWID;
CREATE INDEX buddy_group_members_by_member ON buddy_group_members (member_id, group_id);
