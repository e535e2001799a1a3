-- Platform deliveries already handled (Slack event_id, ...): a redelivery
-- finds its key claimed and has no second effect.
CREATE TABLE seen_events (
    key         TEXT PRIMARY KEY,
    claimed_at  TEXT NOT NULL
) WITHOUT ROWID;
