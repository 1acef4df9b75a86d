-- The audience vote (issue 14; app/vote_store.py, app/vote_intake.py). Votes are not journal rows
-- (ten thousand phones would bury the judges' rows and slow every replay); they are committed in
-- batches, and each batch's transaction also appends one journal row of kind 'votes_committed'
-- holding the batch's first and last vote seq, its size and the SHA-256 of its rows. So the hash
-- chain covers every vote: `roadshow verify` recomputes each batch's digest (docs/reliability.md).
CREATE TABLE votes (
    seq      INTEGER PRIMARY KEY,   -- commit order: the latest vote of a voter on a key counts
    voter    TEXT NOT NULL,         -- the phone's voter id (the signed value's payload)
    vote_id  TEXT NOT NULL,         -- the phone's id for this vote: resent, it is stored once
    key      TEXT NOT NULL,         -- what it is a vote on: 'event', a category id or a project id
    choice   TEXT NOT NULL,         -- JSON: a project id, or a number of stars
    ticket   TEXT,                  -- the ticket code it was cast with, if tickets are on
    address  TEXT NOT NULL,         -- the client address (the per-address cap, the host's patterns)
    at       REAL NOT NULL,         -- wall-clock seconds
    batch    INTEGER NOT NULL       -- the journal row (seq) that anchors the batch
);
CREATE UNIQUE INDEX votes_id ON votes (voter, vote_id);

CREATE TRIGGER votes_no_update BEFORE UPDATE ON votes
BEGIN
    SELECT RAISE(ABORT, 'votes are append-only');
END;

CREATE TRIGGER votes_no_delete BEFORE DELETE ON votes
BEGIN
    SELECT RAISE(ABORT, 'votes are append-only');
END;

-- One-time ticket codes the host printed (tickets = true). Spent by the first voter that votes with
-- one: the binding is the vote row's `ticket` column, so it is as durable as the vote.
CREATE TABLE vote_tickets (
    code       TEXT PRIMARY KEY,
    issued_at  REAL NOT NULL
);
