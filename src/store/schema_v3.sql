-- Schema 3: settled results are kept, and every product and session counts its changes, so a
-- screen reloads only what another process changed.

-- A settled round's full result (JSON of scoring::ProductResult), computed once in the
-- transaction that settled it, with the SHA-256 of the inputs it came from (the rubric's
-- SHA-256, the policy, the knock-out and the counted choices); `audit verify` recomputes it.
CREATE TABLE kept_results (
    product_id    INTEGER NOT NULL REFERENCES products(id),
    round         INTEGER NOT NULL,
    status        TEXT NOT NULL CHECK (status IN ('closed', 'knocked_out')),
    inputs_sha256 TEXT NOT NULL,
    result        TEXT NOT NULL,
    PRIMARY KEY (product_id, round)
);

-- Bumped by the triggers below on any change to a product or to what belongs to it.
CREATE TABLE product_changes (
    product_id INTEGER PRIMARY KEY REFERENCES products(id),
    session_id INTEGER NOT NULL,
    n          INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX product_changes_by_session ON product_changes (session_id, product_id, n);
INSERT INTO product_changes (product_id, session_id) SELECT id, session_id FROM products;

-- Bumped on any change to the session row, its members or its list of products.
CREATE TABLE session_changes (
    session_id INTEGER PRIMARY KEY REFERENCES sessions(id),
    n          INTEGER NOT NULL DEFAULT 0
);
INSERT INTO session_changes (session_id) SELECT id FROM sessions;

CREATE TRIGGER session_counted AFTER INSERT ON sessions BEGIN
    INSERT INTO session_changes (session_id) VALUES (NEW.id);
END;
CREATE TRIGGER session_changed AFTER UPDATE ON sessions BEGIN
    UPDATE session_changes SET n = n + 1 WHERE session_id = NEW.id;
END;
CREATE TRIGGER member_added AFTER INSERT ON members BEGIN
    UPDATE session_changes SET n = n + 1 WHERE session_id = NEW.session_id;
END;
CREATE TRIGGER member_changed AFTER UPDATE ON members BEGIN
    UPDATE session_changes SET n = n + 1 WHERE session_id = NEW.session_id;
END;
CREATE TRIGGER member_removed AFTER DELETE ON members BEGIN
    UPDATE session_changes SET n = n + 1 WHERE session_id = OLD.session_id;
END;
CREATE TRIGGER product_added AFTER INSERT ON products BEGIN
    INSERT INTO product_changes (product_id, session_id) VALUES (NEW.id, NEW.session_id);
    UPDATE session_changes SET n = n + 1 WHERE session_id = NEW.session_id;
END;
CREATE TRIGGER product_changed AFTER UPDATE ON products BEGIN
    UPDATE product_changes SET n = n + 1 WHERE product_id = NEW.id;
END;
CREATE TRIGGER product_removed AFTER DELETE ON products BEGIN
    UPDATE session_changes SET n = n + 1 WHERE session_id = OLD.session_id;
END;
CREATE TRIGGER sheets_insert_counted AFTER INSERT ON sheets BEGIN
    UPDATE product_changes SET n = n + 1 WHERE product_id = NEW.product_id;
END;
CREATE TRIGGER sheets_update_counted AFTER UPDATE ON sheets BEGIN
    UPDATE product_changes SET n = n + 1 WHERE product_id = NEW.product_id;
END;
CREATE TRIGGER sheets_delete_counted AFTER DELETE ON sheets BEGIN
    UPDATE product_changes SET n = n + 1 WHERE product_id = OLD.product_id;
END;
CREATE TRIGGER choices_insert_counted AFTER INSERT ON choices BEGIN
    UPDATE product_changes SET n = n + 1 WHERE product_id = NEW.product_id;
END;
CREATE TRIGGER choices_update_counted AFTER UPDATE ON choices BEGIN
    UPDATE product_changes SET n = n + 1 WHERE product_id = NEW.product_id;
END;
CREATE TRIGGER choices_delete_counted AFTER DELETE ON choices BEGIN
    UPDATE product_changes SET n = n + 1 WHERE product_id = OLD.product_id;
END;
CREATE TRIGGER presence_insert_counted AFTER INSERT ON presence BEGIN
    UPDATE product_changes SET n = n + 1 WHERE product_id = NEW.product_id;
END;
CREATE TRIGGER presence_update_counted AFTER UPDATE ON presence BEGIN
    UPDATE product_changes SET n = n + 1 WHERE product_id = NEW.product_id;
END;
CREATE TRIGGER presence_delete_counted AFTER DELETE ON presence BEGIN
    UPDATE product_changes SET n = n + 1 WHERE product_id = OLD.product_id;
END;
CREATE TRIGGER presence_changes_insert_counted AFTER INSERT ON presence_changes BEGIN
    UPDATE product_changes SET n = n + 1 WHERE product_id = NEW.product_id;
END;
CREATE TRIGGER presence_changes_update_counted AFTER UPDATE ON presence_changes BEGIN
    UPDATE product_changes SET n = n + 1 WHERE product_id = NEW.product_id;
END;
CREATE TRIGGER presence_changes_delete_counted AFTER DELETE ON presence_changes BEGIN
    UPDATE product_changes SET n = n + 1 WHERE product_id = OLD.product_id;
END;
CREATE TRIGGER sheet_holds_insert_counted AFTER INSERT ON sheet_holds BEGIN
    UPDATE product_changes SET n = n + 1 WHERE product_id = NEW.product_id;
END;
CREATE TRIGGER sheet_holds_update_counted AFTER UPDATE ON sheet_holds BEGIN
    UPDATE product_changes SET n = n + 1 WHERE product_id = NEW.product_id;
END;
CREATE TRIGGER sheet_holds_delete_counted AFTER DELETE ON sheet_holds BEGIN
    UPDATE product_changes SET n = n + 1 WHERE product_id = OLD.product_id;
END;
CREATE TRIGGER sheet_reopenings_insert_counted AFTER INSERT ON sheet_reopenings BEGIN
    UPDATE product_changes SET n = n + 1 WHERE product_id = NEW.product_id;
END;
CREATE TRIGGER sheet_reopenings_update_counted AFTER UPDATE ON sheet_reopenings BEGIN
    UPDATE product_changes SET n = n + 1 WHERE product_id = NEW.product_id;
END;
CREATE TRIGGER sheet_reopenings_delete_counted AFTER DELETE ON sheet_reopenings BEGIN
    UPDATE product_changes SET n = n + 1 WHERE product_id = OLD.product_id;
END;
CREATE TRIGGER recusals_insert_counted AFTER INSERT ON recusals BEGIN
    UPDATE product_changes SET n = n + 1 WHERE product_id = NEW.product_id;
END;
CREATE TRIGGER recusals_update_counted AFTER UPDATE ON recusals BEGIN
    UPDATE product_changes SET n = n + 1 WHERE product_id = NEW.product_id;
END;
CREATE TRIGGER recusals_delete_counted AFTER DELETE ON recusals BEGIN
    UPDATE product_changes SET n = n + 1 WHERE product_id = OLD.product_id;
END;
