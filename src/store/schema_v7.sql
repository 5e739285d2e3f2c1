-- Schema 7, first: each sheet keeps how many criteria it has answered on each entry, so the
-- screens read every sheet's progress from the sheets instead of counting all the choices.
ALTER TABLE sheets ADD COLUMN answered INTEGER NOT NULL DEFAULT 0;   -- choices of entry 1
ALTER TABLE sheets ADD COLUMN reentered INTEGER NOT NULL DEFAULT 0;  -- choices of entry 2

-- The triggers below keep the counts and bump `product_changes` as schema 5 did, for every
-- choice but those a sheet import inserts (`entered_by = 'import'`, which only the store's
-- import writes): an import inserts some 30 000 choices in one transaction, and per row the
-- trigger's UPDATE cost about as much as the insert, so the import adds each sheet's counts
-- and each product's changes once itself (`store::sheets`, `keep_imported_counts`). The
-- import's overwrites of stored choices still go through `choices_update_counted`.
DROP TRIGGER choices_insert_counted;
CREATE TRIGGER choices_insert_counted AFTER INSERT ON choices WHEN NEW.entered_by <> 'import'
BEGIN
    UPDATE product_changes SET n = n + 1, member_ticks = member_ticks + (NEW.entered_by = 'member')
    WHERE product_id = NEW.product_id;
    UPDATE sheets SET answered = answered + (NEW.entry = 1), reentered = reentered + (NEW.entry = 2)
    WHERE product_id = NEW.product_id AND round = NEW.round AND member_id = NEW.member_id;
END;
DROP TRIGGER choices_delete_counted;
CREATE TRIGGER choices_delete_counted AFTER DELETE ON choices BEGIN
    UPDATE product_changes SET n = n + 1, member_ticks = member_ticks + (OLD.entered_by = 'member')
    WHERE product_id = OLD.product_id;
    UPDATE sheets SET answered = answered - (OLD.entry = 1), reentered = reentered - (OLD.entry = 2)
    WHERE product_id = OLD.product_id AND round = OLD.round AND member_id = OLD.member_id;
END;
-- Council never moves a choice to another sheet or entry; should an UPDATE ever do it, the
-- counts move with it (an update of the option alone does not fire this).
CREATE TRIGGER choices_moved_counted AFTER UPDATE OF product_id, round, member_id, entry ON choices
BEGIN
    UPDATE sheets SET answered = answered - (OLD.entry = 1), reentered = reentered - (OLD.entry = 2)
    WHERE product_id = OLD.product_id AND round = OLD.round AND member_id = OLD.member_id;
    UPDATE sheets SET answered = answered + (NEW.entry = 1), reentered = reentered + (NEW.entry = 2)
    WHERE product_id = NEW.product_id AND round = NEW.round AND member_id = NEW.member_id;
END;

-- A change of the counts comes with a change of the choices, which is counted already: a
-- member's tick bumps `n` once, so `n - member_ticks` (what the other seats watch) stays put.
DROP TRIGGER sheets_update_counted;
CREATE TRIGGER sheets_update_counted AFTER UPDATE ON sheets
WHEN OLD.answered = NEW.answered AND OLD.reentered = NEW.reentered
BEGIN
    UPDATE product_changes SET n = n + 1 WHERE product_id = NEW.product_id;
END;

UPDATE sheets SET
    answered = (SELECT COUNT(*) FROM choices c WHERE c.product_id = sheets.product_id
                AND c.round = sheets.round AND c.member_id = sheets.member_id AND c.entry = 1),
    reentered = (SELECT COUNT(*) FROM choices c WHERE c.product_id = sheets.product_id
                 AND c.round = sheets.round AND c.member_id = sheets.member_id AND c.entry = 2);

-- Then: a kept result's figures are packed as bytes (`scoring::packed`) instead of JSON;
-- the column keeps its name and declared type (SQLite stores the bytes as a BLOB). The
-- migration's hook (`kept::pack_kept_figures`) packs every row kept by schema 6.
