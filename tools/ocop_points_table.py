#!/usr/bin/env python3
"""Independent points table of Decision 26/2026/QĐ-TTg, Phụ lục II (cross-check data).

Reads ONLY the plain-text edition /work/shared/reference/qd-26-2026-qd-ttg.txt (not the
HTML, not the rubric TOML files) and writes tests/data/ocop-2026-points.tsv:

    # comment lines start with '#'
    set_number <TAB> criterion_id <TAB> option_position (1-based) <TAB> points

one row per option of every criterion, in printed order.  The file is meant to be compared
with what tools/ocop_convert.py (which reads the HTML) produced.

How the text is read
  * In the .txt every table cell is followed by a line " | ".  Cells are read in order;
    a cell is the lines between two separators, joined with spaces.
  * A criteria set starts at the cell "Các tiêu chí" and ends at the cell "TỔNG CỘNG".
  * A cell starting with "N." / "N" + space (section) or "N.M" / "N.M.K" (criterion,
    group) is a numbered heading; the next cell is its points.
  * A cell starting with "□" (or the stray bullet "o ") is an option; the next cell is
    its points.  The option belongs to the latest numbered heading (so a section that is
    directly followed by options, e.g. "7. TÍNH ĐỘC ĐÁO", is a criterion with id "7").
  * A heading without options whose next heading is its child ("6" -> "6.1",
    "6.1" -> "6.1.1") is a container (section / group) and is not listed.
  * Every other cell (notes, descriptions, conditions, cases, part titles) is ignored.

Scored points (the same quirk rules as rubrics/ocop-2026/README.md)
  * empty points cell of an option -> 0;
  * a heading with no option at all that is not a container (the yes/no row
    "Ghi nhãn hàng hóa có sử dụng song ngữ") -> two options: 0 and the heading's points;
  * an option printed above its criterion's maximum is a misprint with a stray leading
    digit ("11" under a 2-point criterion, "13" under a 3-point criterion): the leading
    digit is dropped (-> 1, -> 3) and the result must not exceed the maximum;
  * a heading points cell printing two numbers on two lines ("4" / "1", set 23 section 9)
    is read as its first number (only used for the checks below).
Every other value is taken as printed.
"""
from __future__ import annotations

import re
import sys
import unicodedata
from pathlib import Path

SRC = Path("/work/shared/reference/qd-26-2026-qd-ttg.txt")
OUT = Path(__file__).resolve().parent.parent / "tests" / "data" / "ocop-2026-points.tsv"

HEADING = re.compile(r"^(\d+(?:\.\d+){0,2})(?:\.|\s)")


def cells_of(text: str) -> list[str]:
    lines = unicodedata.normalize("NFC", text).split("\n")
    start = lines.index("PHỤ LỤC II")
    end = lines.index("PHỤ LỤC III")
    cells, cur = [], []
    for line in lines[start + 1 : end]:
        if line.strip() == "|":
            cells.append(" ".join(x.strip() for x in cur).strip())
            cur = []
        else:
            cur.append(line)
    cells.append(" ".join(x.strip() for x in cur).strip())
    return [re.sub(r"\s+", " ", c.replace("\u00a0", " ")) for c in cells]


def number(cell: str, what: str) -> int | None:
    if cell == "":
        return None
    parts = cell.split()
    if not all(p.isdigit() for p in parts):
        raise SystemExit(f"not a number for {what}: {cell!r}")
    if len(parts) > 1:
        print(f"note: {what}: points cell {cell!r} read as {parts[0]}", file=sys.stderr)
    return int(parts[0])


def read_sets(cells: list[str]):
    sets = []
    cur = None
    i = 0
    while i < len(cells):
        c = cells[i]
        if c == "Các tiêu chí":
            cur = []  # list of [id, max, [points...]]
            sets.append(cur)
            i += 1
            continue
        if cur is None:
            i += 1
            continue
        if c.startswith("TỔNG CỘNG"):
            cur = None
            i += 2
            continue
        if c.startswith("□") or c.startswith("o "):
            if not cur:
                raise SystemExit(f"option before any heading: {c!r}")
            cur[-1][2].append(cells[i + 1])
            i += 2
            continue
        m = HEADING.match(c)
        if m:
            hid = m.group(1)
            cur.append([hid, number(cells[i + 1], f"set {len(sets)} heading {hid}"), []])
            i += 2
            continue
        i += 1
    return sets


def main() -> int:
    sets = read_sets(cells_of(SRC.read_text(encoding="utf-8")))
    if len(sets) != 26:
        raise SystemExit(f"{len(sets)} criteria tables, expected 26")
    rows = []
    summary = []
    for n, headings in enumerate(sets, 1):
        crit_count = opt_count = total = 0
        for k, (hid, mx, opts) in enumerate(headings):
            if not opts:
                nxt = headings[k + 1][0] if k + 1 < len(headings) else ""
                if nxt.startswith(hid + "."):
                    continue  # section or group
                scored = [0, mx]  # yes/no row printed without options
                print(f"note: set {n} {hid}: no options, read as 0 / {mx}", file=sys.stderr)
            else:
                scored = []
                for p in opts:
                    v = number(p, f"set {n} {hid}")
                    if v is None:
                        print(f"note: set {n} {hid}: option without points, read as 0", file=sys.stderr)
                        v = 0
                    if v > mx:
                        fixed = int(str(v)[1:])
                        if fixed > mx:
                            raise SystemExit(f"set {n} {hid}: {v} > {mx}, not a stray digit")
                        print(f"note: set {n} {hid}: misprint {v} > max {mx}, read as {fixed}",
                              file=sys.stderr)
                        v = fixed
                    scored.append(v)
            crit_count += 1
            opt_count += len(scored)
            total += mx
            for pos, v in enumerate(scored, 1):
                rows.append(f"{n}\t{hid}\t{pos}\t{v}")
        summary.append(f"# set {n}: {crit_count} criteria, {opt_count} options, "
                       f"criterion maxima sum to {total}")
    OUT.parent.mkdir(parents=True, exist_ok=True)
    header = [
        "# Decision 26/2026/QĐ-TTg, Phụ lục II: points of every option, read from the .txt",
        "# by tools/ocop_points_table.py (independent of tools/ocop_convert.py).",
        "# Lines starting with '#' are comments.  Columns:",
        "# set_number\tcriterion_id\toption_position\tpoints",
    ]
    OUT.write_text("\n".join(header + summary + rows) + "\n", encoding="utf-8")
    print(f"wrote {OUT} ({len(rows)} option rows)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
