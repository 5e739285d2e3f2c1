-- Schema 1. Migrations are append-only: never edit a shipped one, add the next.

CREATE TABLE rubrics (
    id        INTEGER PRIMARY KEY,
    rubric_id TEXT NOT NULL,
    name      TEXT NOT NULL,
    sha256    TEXT NOT NULL UNIQUE,   -- of `source`, so a result always names the exact text
    source    TEXT NOT NULL           -- the rubric TOML as it was when the session was loaded
);

CREATE TABLE sessions (
    id         INTEGER PRIMARY KEY,
    code       TEXT NOT NULL UNIQUE,
    title      TEXT NOT NULL,
    council    TEXT NOT NULL,
    level      TEXT NOT NULL,
    date       TEXT NOT NULL,
    time       TEXT,
    venue      TEXT NOT NULL,
    province   TEXT,
    policy     TEXT NOT NULL,         -- JSON of session::Policy
    source     TEXT NOT NULL,         -- the session TOML as loaded
    sha256     TEXT NOT NULL,
    status     TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'final')),
    final_hash TEXT,
    created_at TEXT NOT NULL
);

CREATE TABLE members (
    id           INTEGER PRIMARY KEY,
    session_id   INTEGER NOT NULL REFERENCES sessions(id),
    seat         INTEGER NOT NULL,
    name         TEXT NOT NULL,
    organisation TEXT NOT NULL,
    role         TEXT NOT NULL,
    present      INTEGER,             -- NULL: not marked yet
    UNIQUE (session_id, seat)
);

CREATE TABLE products (
    id              INTEGER PRIMARY KEY,
    session_id      INTEGER NOT NULL REFERENCES sessions(id),
    position        INTEGER NOT NULL,
    code            TEXT NOT NULL,
    name            TEXT NOT NULL,
    producer        TEXT NOT NULL,
    commune         TEXT NOT NULL,
    province        TEXT,
    rubric          INTEGER NOT NULL REFERENCES rubrics(id),
    status          TEXT NOT NULL DEFAULT 'waiting'
                    CHECK (status IN ('waiting', 'scoring', 'closed', 'knocked_out')),
    round           INTEGER NOT NULL DEFAULT 1,
    knockout_reason TEXT,
    close_override  TEXT,
    UNIQUE (session_id, code)
);

CREATE TABLE sheets (
    product_id   INTEGER NOT NULL REFERENCES products(id),
    round        INTEGER NOT NULL,
    member_id    INTEGER NOT NULL REFERENCES members(id),
    entered_by   TEXT NOT NULL,       -- member | secretary | import
    status       TEXT NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'submitted')),
    verified     INTEGER NOT NULL DEFAULT 0,  -- blind re-entry matched
    comment      TEXT NOT NULL DEFAULT '',
    submitted_at TEXT,
    PRIMARY KEY (product_id, round, member_id)
);

CREATE TABLE choices (
    product_id INTEGER NOT NULL,
    round      INTEGER NOT NULL,
    member_id  INTEGER NOT NULL,
    entry      INTEGER NOT NULL DEFAULT 1,   -- 1: the sheet; 2: the blind re-entry of a paper sheet
    criterion  TEXT NOT NULL,
    option     INTEGER NOT NULL,             -- 1-based position as printed
    points     INTEGER NOT NULL,             -- the option's points in the session's stored rubric
    entered_by TEXT NOT NULL,
    at         TEXT NOT NULL,
    PRIMARY KEY (product_id, round, member_id, entry, criterion),
    FOREIGN KEY (product_id, round, member_id) REFERENCES sheets (product_id, round, member_id)
) WITHOUT ROWID;

CREATE TABLE recusals (
    product_id INTEGER NOT NULL REFERENCES products(id),
    member_id  INTEGER NOT NULL REFERENCES members(id),
    reason     TEXT NOT NULL,
    PRIMARY KEY (product_id, member_id)
);

CREATE TABLE imports (
    session_id INTEGER NOT NULL REFERENCES sessions(id),
    sha256     TEXT NOT NULL,
    file       TEXT NOT NULL,
    rows       INTEGER NOT NULL,
    at         TEXT NOT NULL,
    PRIMARY KEY (session_id, sha256)
);

-- Append-only; each row's hash covers the previous row's hash (see store::audit).
CREATE TABLE audit (
    seq        INTEGER PRIMARY KEY,
    session_id INTEGER,
    at         TEXT NOT NULL,
    actor      TEXT NOT NULL,
    action     TEXT NOT NULL,
    target     TEXT NOT NULL,
    old        TEXT,
    new        TEXT,
    prev_hash  TEXT NOT NULL,
    hash       TEXT NOT NULL
);
CREATE INDEX audit_by_target ON audit (session_id, target);
