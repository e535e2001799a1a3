-- The leaderboard standings move to a file of their own beside the database,
-- folded from the ledger by a thread of their own (bot/storage/standings.py),
-- so keeping them no longer costs each event's transaction ~40 us per ledger
-- row. That file is rebuilt from the ledger the first time it is opened.

DROP TRIGGER ledger_into_standings;
DROP TABLE standing_counts;
DROP TABLE standings;
