-- Schema 8: a recusal belongs to a product's round, as its attendance does. Until now it
-- belonged to the product, so a member recused in a new round was also recused, after the
-- fact, in the rounds already closed: their kept results no longer matched what the rules
-- computed from the same tables, and `audit verify` called a legitimate meeting tampered.
-- A new round carries the previous round's recusals (`lifecycle::new_round`); a recusal or a
-- withdrawal changes only the round it is made in.
CREATE TABLE recusals_by_round (
    product_id INTEGER NOT NULL REFERENCES products(id),
    round      INTEGER NOT NULL,
    member_id  INTEGER NOT NULL REFERENCES members(id),
    reason     TEXT NOT NULL,
    at         TEXT,
    PRIMARY KEY (product_id, round, member_id)
) WITHOUT ROWID;

-- Each recusal held from the round the log recorded it in (the round in its target,
-- "CODE round R seat S") through the product's current round, as the rounds carry it now.
WITH RECURSIVE rounds(n) AS (
    SELECT 1
    UNION ALL
    SELECT n + 1 FROM rounds WHERE n < (SELECT MAX(round) FROM products)
)
INSERT INTO recusals_by_round (product_id, round, member_id, reason, at)
SELECT r.product_id, rounds.n, r.member_id, r.reason, r.at
FROM recusals r
JOIN products p ON p.id = r.product_id
JOIN members m ON m.id = r.member_id
JOIN rounds ON rounds.n <= p.round
WHERE rounds.n >= COALESCE((
    SELECT CAST(substr(a.target, length(p.code) + 8) AS INTEGER)
    FROM audit a
    WHERE a.session_id = p.session_id AND a.action = 'member.recuse'
      AND a.target LIKE p.code || ' round % seat ' || m.seat
    ORDER BY a.seq DESC LIMIT 1
), 1);

DROP TABLE recusals;
ALTER TABLE recusals_by_round RENAME TO recusals;

CREATE TRIGGER recusals_insert_counted AFTER INSERT ON recusals BEGIN
    UPDATE product_changes SET n = n + 1 WHERE product_id = NEW.product_id;
END;
CREATE TRIGGER recusals_update_counted AFTER UPDATE ON recusals BEGIN
    UPDATE product_changes SET n = n + 1 WHERE product_id = NEW.product_id;
END;
CREATE TRIGGER recusals_delete_counted AFTER DELETE ON recusals BEGIN
    UPDATE product_changes SET n = n + 1 WHERE product_id = OLD.product_id;
END;
