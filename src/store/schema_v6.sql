-- Schema 6: a kept result is stored as its figures (`scoring::Figures` as JSON): the numbers
-- without the rubric's ids, titles and option texts, which reading it back shares from the
-- product's rubric. The migration's hook (`kept::keep_figures_only`) rewrites every row kept
-- as a whole result by schemas 3 to 5; the table itself is unchanged.
SELECT 1;
