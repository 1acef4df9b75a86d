-- Pictures shown on the board (issue 16): the event's logo and sponsor strip, each project's picture,
-- each judge's portrait. Stored re-encoded (app/media.py) in the database itself, so a backup
-- (SQLite's online backup) carries them and a restore is serving the copy. One row per slot:
-- 'logo', 'sponsors', 'project:<id>', 'judge:<id>'. Who set or removed one is in the journal
-- (media_set / media_removed, with the picture's sha256).
CREATE TABLE media (
    slot    TEXT PRIMARY KEY,
    mime    TEXT NOT NULL,
    width   INTEGER NOT NULL,
    height  INTEGER NOT NULL,
    sha256  TEXT NOT NULL,
    data    BLOB NOT NULL,
    at      REAL NOT NULL
);
