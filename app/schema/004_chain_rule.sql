-- Chain rule 2 (app/audit_chain.py): every column of a journal row, the connection included, is
-- inside its hash. Rows written before this migration keep rule 1 and are verified under it; rows
-- written after carry rule 2. ADD COLUMN fills the old rows without an UPDATE (the journal's
-- triggers forbid those).
ALTER TABLE journal ADD COLUMN rule INTEGER NOT NULL DEFAULT 1;
