-- Scratch space for Store.reserve_wal: one large row written and deleted at start-up grows the
-- write-ahead log to its working size, so later commits overwrite space the file already has and
-- their fsync has no file size to flush. The table is always empty afterwards.
CREATE TABLE wal_reserve (b BLOB);
