-- Schema 4: remote seats (`council serve`): each seat's one-time code, members' optional public keys,
-- the connections made and the server that accepted them.

-- Place 0 is the room display; 1.. are the members' seats.
CREATE TABLE seat_access (
    session_id INTEGER NOT NULL REFERENCES sessions(id),
    place      INTEGER NOT NULL,
    code       TEXT NOT NULL,
    failures   INTEGER NOT NULL DEFAULT 0,
    locked     INTEGER NOT NULL DEFAULT 0,
    issued_at  TEXT NOT NULL,
    PRIMARY KEY (session_id, place)
) WITHOUT ROWID;

CREATE TABLE seat_keys (
    session_id  INTEGER NOT NULL REFERENCES sessions(id),
    place       INTEGER NOT NULL,
    fingerprint TEXT NOT NULL,   -- SHA256:… as `ssh-keygen -l` prints it
    public_key  TEXT NOT NULL,   -- the authorized_keys line
    added_at    TEXT NOT NULL,
    PRIMARY KEY (session_id, place, fingerprint)
) WITHOUT ROWID;

CREATE TABLE seat_connections (
    id                    INTEGER PRIMARY KEY,
    session_id            INTEGER NOT NULL REFERENCES sessions(id),
    place                 INTEGER NOT NULL,
    peer                  TEXT NOT NULL,
    server_pid            INTEGER NOT NULL,
    connected_at          TEXT NOT NULL,
    ended_at              TEXT,
    end_reason            TEXT,
    disconnect_requested  INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX seat_connections_open ON seat_connections (session_id) WHERE ended_at IS NULL;

-- The running seat server, so the secretary's screen can show where to connect and the host
-- key's fingerprint members check on first connect.
CREATE TABLE seat_servers (
    id          INTEGER PRIMARY KEY,
    session_id  INTEGER NOT NULL REFERENCES sessions(id),
    pid         INTEGER NOT NULL,
    listen      TEXT NOT NULL,
    addresses   TEXT NOT NULL,   -- JSON list of "host:port" to give the members
    fingerprint TEXT NOT NULL,
    started_at  TEXT NOT NULL,
    stopped_at  TEXT
);
