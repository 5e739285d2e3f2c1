-- Schema 2: the meeting model. Attendance belongs to a product, sheets have one writer at a
-- time, members may not score, knock-outs name their condition, set 26 products fix a case.

ALTER TABLE members ADD COLUMN scores INTEGER NOT NULL DEFAULT 1;
ALTER TABLE members ADD COLUMN delegated_by TEXT;
-- Schema 1 made every present member score; from now on the secretary does not by default.
UPDATE members SET scores = 0 WHERE role IN ('secretary', 'expert', 'observer');

ALTER TABLE products ADD COLUMN case_number INTEGER;          -- set 26 "Trường hợp N"
ALTER TABLE products ADD COLUMN knockout_condition TEXT;      -- the condition's exact text
ALTER TABLE products ADD COLUMN knockout_proposed_by INTEGER; -- seat

-- Who was present for a product's round: taken from the room when it opens, kept up to date
-- while it is scored, fixed when it closes.
CREATE TABLE presence (
    product_id INTEGER NOT NULL REFERENCES products(id),
    round      INTEGER NOT NULL,
    member_id  INTEGER NOT NULL REFERENCES members(id),
    present    INTEGER NOT NULL,
    PRIMARY KEY (product_id, round, member_id)
) WITHOUT ROWID;

-- Arrivals and departures while a product is being scored, with their time.
CREATE TABLE presence_changes (
    id         INTEGER PRIMARY KEY,
    product_id INTEGER NOT NULL REFERENCES products(id),
    round      INTEGER NOT NULL,
    member_id  INTEGER NOT NULL REFERENCES members(id),
    present    INTEGER NOT NULL,
    at         TEXT NOT NULL
);

-- One writer per sheet: the process (pid) and who in it holds the sheet open.
CREATE TABLE sheet_holds (
    product_id INTEGER NOT NULL,
    round      INTEGER NOT NULL,
    member_id  INTEGER NOT NULL,
    holder     TEXT NOT NULL,    -- JSON of meeting::Holder
    pid        INTEGER NOT NULL,
    host       TEXT NOT NULL,
    since      TEXT NOT NULL,
    PRIMARY KEY (product_id, round, member_id)
) WITHOUT ROWID;

-- Submitted sheets reopened for a correction, with the choices they held.
CREATE TABLE sheet_reopenings (
    id         INTEGER PRIMARY KEY,
    product_id INTEGER NOT NULL,
    round      INTEGER NOT NULL,
    member_id  INTEGER NOT NULL,
    reason     TEXT NOT NULL,
    old        TEXT NOT NULL,    -- JSON {criterion: option} before the correction
    actor      TEXT NOT NULL,
    at         TEXT NOT NULL
);

-- Blind re-entry: who made each entry of a paper sheet.
ALTER TABLE sheets ADD COLUMN first_operator TEXT;
ALTER TABLE sheets ADD COLUMN second_operator TEXT;

ALTER TABLE recusals ADD COLUMN at TEXT;

-- Products already past waiting when this schema arrived: their attendance is the room's.
INSERT INTO presence (product_id, round, member_id, present)
SELECT p.id, p.round, m.id, COALESCE(m.present, 0)
FROM products p JOIN members m ON m.session_id = p.session_id
WHERE p.status <> 'waiting';
