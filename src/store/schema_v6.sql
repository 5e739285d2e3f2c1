-- Schema 6: a kept result is stored as its figures (`scoring::Figures` as JSON): the numbers
-- without the rubric's ids, titles and option texts, which reading it back shares from the
-- product's rubric. The migration's hook (`kept::keep_figures_only`) rewrites every row kept
-- as a whole result by schemas 3 to 5; the table itself is unchanged.

-- A criteria set's parsed model beside its text (`rubric::Rubric` as JSON), so loading a
-- session reads it instead of parsing and checking the text again (about 30 ms for the 26
-- sets); the hook fills it for every stored set, and `audit verify` checks it against the text.
ALTER TABLE rubrics ADD COLUMN model TEXT;

-- Every change bumps `product_changes.n`; with `n` in this index each bump also rewrote an
-- index entry (since schema 5 the screens' query reads `member_ticks` from the table anyway).
DROP INDEX product_changes_by_session;
CREATE INDEX product_changes_by_session ON product_changes (session_id);
