-- PIN sign-in attempts (app/signin.py): one token bucket per client address and per (address, judge
-- number), saved on every attempt so that a restart does not clear a lockout. Wall-clock seconds.
CREATE TABLE signin_attempts (
    key      TEXT PRIMARY KEY,
    tokens   REAL NOT NULL,
    updated  REAL NOT NULL
);
