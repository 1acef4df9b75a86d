-- Roadshow schema v1.
-- The journal is the single source of truth: every state change (start, timer, open, close, reveal,
-- recusal, score, correction, ceremony step, ...) is one row, appended, never updated or deleted.
-- Scores are journal rows of kind 'score' (judge submissions and amendments) and 'correction'
-- (host amendments with a reason); the latest row for a (project, judge) counts.

CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE judge_tokens (
    judge      TEXT PRIMARY KEY,
    token      TEXT NOT NULL UNIQUE,
    issued_at  REAL NOT NULL
);

CREATE TABLE journal (
    seq         INTEGER PRIMARY KEY,
    at          REAL NOT NULL,          -- wall-clock seconds (Unix time)
    actor       TEXT NOT NULL,          -- 'host', 'judge:<id>' or 'system'
    kind        TEXT NOT NULL,
    data        TEXT NOT NULL,          -- JSON object
    command_id  TEXT,                   -- the client's command id: the same id is applied once
    connection  TEXT,                   -- which connection sent it (audit)
    prev_hash   TEXT NOT NULL,          -- hash of the previous row: a tamper-evident chain
    hash        TEXT NOT NULL
);

CREATE UNIQUE INDEX journal_command ON journal (actor, command_id) WHERE command_id IS NOT NULL;
CREATE INDEX journal_kind ON journal (kind);

CREATE TRIGGER journal_no_update BEFORE UPDATE ON journal
BEGIN
    SELECT RAISE(ABORT, 'the journal is append-only');
END;

CREATE TRIGGER journal_no_delete BEFORE DELETE ON journal
BEGIN
    SELECT RAISE(ABORT, 'the journal is append-only');
END;

-- Convenience for exports and ad-hoc inspection: every score submission, amendment and correction.
CREATE VIEW score_log AS
SELECT seq, at, actor, kind,
       json_extract(data, '$.project') AS project,
       json_extract(data, '$.judge')   AS judge,
       json_extract(data, '$.total')   AS total,
       json_extract(data, '$.comment') AS comment,
       json_extract(data, '$.reason')  AS reason,
       command_id, connection
FROM journal
WHERE kind IN ('score', 'correction');
