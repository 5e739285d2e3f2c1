-- Schema 5: the choices members tick on their own seats are also counted apart. A member's
-- screen shows only that member's sheet and the product's state, so another member's tick
-- (most of a meeting's commits) changes nothing it shows: it watches `n - member_ticks`, the
-- secretary's board watches `n`.
ALTER TABLE product_changes ADD COLUMN member_ticks INTEGER NOT NULL DEFAULT 0;

DROP TRIGGER choices_insert_counted;
CREATE TRIGGER choices_insert_counted AFTER INSERT ON choices BEGIN
    UPDATE product_changes SET n = n + 1, member_ticks = member_ticks + (NEW.entered_by = 'member')
    WHERE product_id = NEW.product_id;
END;
DROP TRIGGER choices_update_counted;
CREATE TRIGGER choices_update_counted AFTER UPDATE ON choices BEGIN
    UPDATE product_changes SET n = n + 1, member_ticks = member_ticks + (NEW.entered_by = 'member')
    WHERE product_id = NEW.product_id;
END;
DROP TRIGGER choices_delete_counted;
CREATE TRIGGER choices_delete_counted AFTER DELETE ON choices BEGIN
    UPDATE product_changes SET n = n + 1, member_ticks = member_ticks + (OLD.entered_by = 'member')
    WHERE product_id = OLD.product_id;
END;
