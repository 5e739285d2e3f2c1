#!/usr/bin/env python3
"""Convert Decision 26/2026/QĐ-TTg, Phụ lục II (the 26 OCOP criteria sets) to rubric TOML.

Source: the HTML edition /work/shared/reference/qd-26-2026-qd-ttg.html.  The HTML is
read (not the .txt) because it keeps the table structure: every row of a criteria table
is a <tr> with a text cell and a points cell, and a cell's <p> paragraphs separate a
criterion title from the description printed under it.  The .txt flattens all of this
into " | "-separated cells and is used only by the independent cross-check script
tools/ocop_points_table.py.

Usage:  python3 tools/ocop_convert.py [--html PATH] [--out DIR] [--dump FILE]

Python 3.11 standard library only.  Output: rubrics/ocop-2026/ocop-2026-NN.toml.

Reading rules (see rubrics/ocop-2026/README.md for the quirks found this way):
  * "Phần X" rows -> parts; "(NN Điểm)" is cut from the title; max_points is the points
    column, the title figure goes to printed_points (+ note) only when they differ.
  * "N. TITLE" rows -> sections; a section directly followed by options is itself a
    criterion (same id), e.g. "7. TÍNH ĐỘC ĐÁO".
  * "N.M. title" rows -> criteria, or groups when followed by "N.M.K." rows.
  * "□ …" (or the stray "o …" bullet) rows -> options; trailing *** / **** / ***** ->
    min_stars 3 / 4 / 5; an empty points cell -> points 0, printed_points "" + note.
  * "Ghi chú / Yêu cầu / Chú ý" rows and paragraphs -> criterion notes; a note that
    eliminates the product or stops the evaluation is also the criterion's knockout.
  * "Chỉ áp dụng khi …" -> condition; "(…)" lines under a title -> description;
    "Lựa chọn một trong hai trường hợp sau:" -> description; "a. Trường hợp 1: …" ->
    case of the following options.
  * A criterion printed with no option at all (the yes/no "song ngữ" row) gets two
    added options "Không" 0 / "Có" max, each with a note saying so.
  * Misprinted option points are corrected only through the explicit MISPRINTS table
    below; every other value is kept as printed.  Any value above its criterion's
    maximum that is not in the table stops the conversion.
"""
from __future__ import annotations

import argparse
import html.parser
import re
import sys
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_HTML = Path("/work/shared/reference/qd-26-2026-qd-ttg.html")
DEFAULT_OUT = ROOT / "rubrics" / "ocop-2026"

BANDS = [(5, 90), (4, 70), (3, 50), (2, 30), (1, 0)]
PART_MAX = {"A": 40, "B": 25, "C": 35}

# (set, criterion id, 1-based option position) -> (scored points, note)
MISPRINTS: dict[tuple[int, str, int], tuple[int, str]] = {
    (4, "7", 3): (
        3,
        "Quyết định in \"13\" cho phương án này, vượt điểm tối đa 3 của tiêu chí; "
        "là lỗi in, chấm 3 điểm (mức cao nhất của tiêu chí, như phương án tương ứng ở bộ 1, 3).",
    ),
    (11, "6.1.1", 2): (
        1,
        "Quyết định in \"11\" cho phương án này, vượt điểm tối đa 2 của tiêu chí; "
        "là lỗi in, chấm 1 điểm (như phương án tương ứng ở các bộ khác và nằm giữa 0 và 2).",
    ),
}

# Points cells of section / criterion rows that print something other than one number:
# (set, row id) -> (points used, what is printed).  Kept as printed in README.md.
ODD_HEADING_POINTS: dict[tuple[int, str], tuple[int, str]] = {
    (23, "9"): (4, "4 / 1"),  # cell prints "4" and, on a second line, "1"; options go to 4
}

NOTE_MISSING_POINTS = "Quyết định không in điểm cho phương án này; tính 0 điểm."
NOTE_ADDED_OPTION = (
    "Phương án do bộ chuyển đổi thêm: Quyết định in tiêu chí này ({pts} điểm) "
    "không kèm phương án nào; chấm Không = 0, Có = {pts}."
)


def nfc(s: str) -> str:
    return unicodedata.normalize("NFC", s)


def clean(s: str) -> str:
    """NFC, non-breaking spaces to spaces, whitespace runs to one space, strip."""
    s = nfc(s).replace("\u00a0", " ")
    return re.sub(r"\s+", " ", s).strip()


# --------------------------------------------------------------------------- HTML


class DocParser(html.parser.HTMLParser):
    """Flatten the document into ('p', text) and ('table', rows) items.

    rows: list of cells; cell: {'paras': [text, …], 'colspan': n}.  Only top-level
    tables are kept as tables (the decision has no nested ones in Phụ lục II)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.items: list = []
        self.depth = 0
        self.rows: list | None = None
        self.cell: dict | None = None
        self.para: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "table":
            self.depth += 1
            if self.depth == 1:
                self.rows = []
        elif tag == "tr" and self.depth == 1:
            self.rows.append([])
        elif tag in ("td", "th") and self.depth == 1:
            self.cell = {"paras": [], "colspan": int(a.get("colspan") or 1)}
            self.rows[-1].append(self.cell)
        elif tag == "p":
            self.para = []
        elif tag == "br" and self.para is not None:
            self.para.append("\n")

    def handle_endtag(self, tag):
        if tag == "table":
            if self.depth == 1:
                self.items.append(("table", self.rows))
                self.rows = None
            self.depth -= 1
        elif tag in ("td", "th") and self.depth == 1:
            self.cell = None
        elif tag == "p" and self.para is not None:
            text = clean("".join(self.para))
            if self.cell is not None:
                if text:
                    self.cell["paras"].append(text)
            elif self.depth == 0:
                self.items.append(("p", text))
            self.para = None

    def handle_data(self, data):
        if self.para is not None:
            self.para.append(data)
        elif self.cell is not None and data.strip():
            self.cell["paras"].append(clean(data))


# ------------------------------------------------------------------ Phụ lục I


def read_annex1(items) -> list[dict]:
    """Leaves of the Phụ lục I classification in order (one per criteria set)."""
    start = next(i for i, (k, v) in enumerate(items) if k == "p" and v == "PHỤ LỤC I")
    table = next(v for k, v in items[start:] if k == "table")
    leaves: list[dict] = []
    category = group = None
    group_has_sub = False
    for row in table[1:]:
        stt = " ".join(row[0]["paras"])
        text = " ".join(row[1]["paras"]) if len(row) > 1 else ""
        if re.fullmatch(r"[IVX]+", stt):
            if group and not group_has_sub:
                leaves.append({"category": category, "group": group, "subgroup": None})
            category, group, group_has_sub = text, None, False
        elif re.fullmatch(r"\d+", stt):
            if group and not group_has_sub:
                leaves.append({"category": category, "group": group, "subgroup": None})
            group = re.sub(r"^Nhóm:\s*", "", text)
            group_has_sub = False
        elif re.fullmatch(r"[a-z]", stt):
            group_has_sub = True
            leaves.append(
                {"category": category, "group": group,
                 "subgroup": re.sub(r"^Phân nhóm:\s*", "", text)}
            )
    if group and not group_has_sub:
        leaves.append({"category": category, "group": group, "subgroup": None})
    return leaves


# ------------------------------------------------------------------ Phụ lục II

RE_HEADING = re.compile(r"^(\d{1,2})\.\s*(?:Bộ sản phẩm:\s*)?(.+)$")
RE_PART = re.compile(r"^Phần\s+([ABC])\b\s*:?\s*(.*)$", re.I)
RE_POINTS_IN_TITLE = re.compile(r"\s*\((\d+)\s*điểm\)\s*$", re.I)
RE_SECTION = re.compile(r"^(\d+)(?:\.(?!\d)|\s)\s*(.+)$")
RE_CRIT = re.compile(r"^(\d+\.\d+(?:\.\d+)?)\.?\s+(.+)$")
RE_OPTION = re.compile(r"^(?:□|o\s)\s*(.*)$")
RE_NOTE = re.compile(r"^(Ghi chú|Yêu cầu|Chú ý|Lưu ý)\s*:", re.I)
RE_CASE = re.compile(r"^([a-z])\.\s*(Trường hợp\s+\d+\s*:.*)$")
RE_STARS = re.compile(r"(?:\s*\*)+\s*$")
KNOCKOUT_PATTERNS = [
    r"bị loại",
    r"không đánh giá các bước tiếp theo",
    r"không xem xét các chỉ tiêu khác",
    r"không đánh giá những sản phẩm",
]


class ConvertError(Exception):
    pass


def classify(row) -> tuple[str, dict]:
    cells = row
    paras = cells[0]["paras"]
    text = " ".join(paras)
    pts_text = clean(" ".join(cells[1]["paras"])) if len(cells) > 1 else ""
    base = {"paras": paras, "text": text, "pts": pts_text, "span": len(cells) == 1,
            "paras_pts": cells[1]["paras"] if len(cells) > 1 else []}
    if not text:
        return "empty", base
    if text.startswith("Các tiêu chí"):
        return "header", base
    if text.startswith("TỔNG CỘNG"):
        return "total", base
    m = RE_PART.match(paras[0])
    if m:
        return "part", {**base, "id": m.group(1).upper(),
                        "title": clean(" ".join([m.group(2)] + paras[1:]))}
    m = RE_OPTION.match(text)
    if m:
        return "option", {**base, "body": m.group(1)}
    m = RE_CASE.match(text)
    if m:
        return "case", {**base, "case": m.group(2)}
    if RE_NOTE.match(text):
        return "note", base
    if text.startswith("Chỉ áp dụng"):
        return "condition", base
    if text.startswith("Lựa chọn một trong"):
        return "choose", base
    if text.startswith("("):
        return "desc", base
    m = RE_CRIT.match(paras[0])
    if m:
        return "crit", {**base, "id": m.group(1), "title": m.group(2)}
    m = RE_SECTION.match(paras[0])
    if m:
        return "section", {**base, "id": m.group(1), "title": m.group(2)}
    return "unknown", base


def parse_points(s: str) -> int | None:
    s = s.strip()
    if s == "":
        return None
    if not re.fullmatch(r"\d+", s):
        raise ConvertError(f"points cell not a number: {s!r}")
    return int(s)


def is_knockout(note: str) -> bool:
    low = note.lower()
    return any(re.search(p, low) for p in KNOCKOUT_PATTERNS)


def note_body(note: str) -> str:
    return re.sub(r"^(Ghi chú|Yêu cầu|Chú ý|Lưu ý)\s*:\s*", "", note, flags=re.I)


def split_title_cell(paras: list[str], first_title: str, log: list[str], where: str):
    """First paragraph = title; later ones = description or notes."""
    title = first_title
    desc: list[str] = []
    notes: list[str] = []
    for p in paras[1:]:
        if RE_NOTE.match(p):
            notes.append(p)
        else:
            if not p.startswith("("):
                log.append(f"{where}: non-parenthetical line under title taken as description: {p!r}")
            desc.append(p)
    return title, desc, notes


def convert_set(num: int, heading: str, pre: list[str], table, post: list[str],
                annex1: dict, log: list[str]) -> dict:
    where0 = f"set {num}"
    # ---- header paragraphs
    prod_type = group = None
    knockouts: list[str] = []
    header_line = None
    for p in pre:
        m = re.match(r"^\(Sản phẩm:\s*(.*)\)$", p)
        if not (m or re.match(r"^(?:Hồ sơ )?[Bb]ị loại khi:|^(Tên sản phẩm|Mã số sản phẩm|T: Mã tỉnh|Tên chủ thể|Số điện thoại|Địa chỉ)|^[_-]*$", p)):
            log.append(f"{where0}: preamble line not used: {p!r}")
        if m:
            header_line = p
            body = m.group(1)
            mm = re.match(r"^(.*?)[.,]\s*Nhóm:\s*(.*)$", body)
            if mm:
                prod_type, group = mm.group(1).strip(), mm.group(2).strip()
            else:
                prod_type = body.strip()
        m = re.match(r"^(?:Hồ sơ )?[Bb]ị loại khi:\s*(.*)$", p)
        if m:
            if not p.startswith("Hồ sơ"):
                log.append(f"{where0}: knock-out header printed as {p[:15]!r}…")
            k = m.group(1)
            if k in knockouts:
                log.append(f"{where0}: knock-out header printed twice (kept once)")
            else:
                knockouts.append(k)
    if header_line is None:
        raise ConvertError(f"{where0}: no '(Sản phẩm: …)' line")
    group_from_annex = False
    if group is None:
        group = annex1["group"]
        group_from_annex = True
        log.append(f"{where0}: no 'Nhóm:' in header, group taken from Phụ lục I: {group!r}")
    notes = [p for p in post if p.startswith("Ghi chú")]

    rubric = {
        "id": f"ocop-2026-{num:02d}",
        "name": heading,
        "set_number": num,
        "product_type": prod_type,
        "group": group,
        "subgroup": annex1["subgroup"],
        "legal_basis": f"Quyết định số 26/2026/QĐ-TTg, Phụ lục II, bộ {num}",
        "scheme": "ocop-2026",
        "max_points": 100,
        "knockouts": knockouts,
        "notes": notes,
        "parts": [],
        "_header_line": header_line,
        "_group_from_annex": group_from_annex,
        "_annex1": annex1,
    }

    rows = [classify(r) for r in table]
    # lookahead helpers
    def next_struct(i):
        for j in range(i + 1, len(rows)):
            k = rows[j][0]
            if k in ("part", "section", "crit", "option", "total"):
                return rows[j]
        return ("total", {})

    part = section = group_ = crit = None
    case = None
    total = None
    for i, (kind, r) in enumerate(rows):
        where = f"{where0} row {i}"
        if kind in ("header", "empty"):
            continue
        if kind == "unknown":
            raise ConvertError(f"{where}: unclassified row {r['text']!r}")
        if kind == "total":
            total = parse_points(r["pts"])
            continue
        if kind == "part":
            title = r["title"]
            m = RE_POINTS_IN_TITLE.search(title)
            printed = int(m.group(1)) if m else None
            if m:
                title = title[: m.start()].strip()
            pts = parse_points(r["pts"])
            part = {"id": r["id"], "title": title, "max_points": pts, "sections": []}
            if printed is not None and printed != pts:
                part["printed_points"] = printed
                part["note"] = (
                    f"Tiêu đề phần in \"({printed} Điểm)\" nhưng cột thang điểm in {pts} "
                    f"và các mục cộng lại {pts}; dùng {pts}."
                )
            if r["paras"][0] != f"Phần {r['id']}:":
                rubric.setdefault("_part_label", []).append(r["paras"][0])
            rubric["parts"].append(part)
            section = group_ = crit = None
            continue
        if kind in ("section", "crit") and (num, r["id"]) in ODD_HEADING_POINTS:
            used, printed_ = ODD_HEADING_POINTS[(num, r["id"])]
            if " / ".join(r["paras_pts"]) != printed_:
                raise ConvertError(f"{where}: ODD_HEADING_POINTS does not match {r['paras_pts']}")
            r["pts"] = str(used)
            log.append(f"{where}: points cell {printed_!r} read as {used}")
        if kind == "section":
            if part is None:
                raise ConvertError(f"{where}: section before any part")
            title, desc, cnotes = split_title_cell(r["paras"], r["title"], log, where)
            section = {"id": r["id"], "title": title, "max_points": parse_points(r["pts"]),
                       "groups": [], "criteria": []}
            if not re.match(r"^\d+\.\s", r["paras"][0]):
                section["_printed_label"] = r["paras"][0]
            part["sections"].append(section)
            group_ = None
            crit = None
            case = None
            nk, _ = next_struct(i)
            if nk == "option":
                # the section is itself a criterion
                crit = new_crit(section["id"], title, section["max_points"], None)
                crit["description"] = desc
                crit["notes"] = cnotes
                crit["_section_level"] = True
                section["criteria"].append(crit)
            elif desc or cnotes:
                raise ConvertError(f"{where}: section with sub-criteria has description {desc} {cnotes}")
            continue
        if kind == "crit":
            if section is None:
                raise ConvertError(f"{where}: criterion before any section")
            cid = r["id"]
            nk, nr = next_struct(i)
            title, desc, cnotes = split_title_cell(r["paras"], r["title"], log, where)
            if not cid.startswith(section["id"] + "."):
                raise ConvertError(f"{where}: criterion {cid} outside section {section['id']}")
            if cid.count(".") == 1 and nk == "crit" and nr["id"].startswith(cid + "."):
                group_ = {"id": cid, "title": title, "max_points": parse_points(r["pts"])}
                if desc or cnotes:
                    raise ConvertError(f"{where}: group with description")
                section["groups"].append(group_)
                crit = None
                continue
            if cid.count(".") == 1:
                group_ = None
            elif group_ is None or not cid.startswith(group_["id"] + "."):
                raise ConvertError(f"{where}: 3-level criterion {cid} outside a group")
            crit = new_crit(cid, title, parse_points(r["pts"]), group_["id"] if group_ else None)
            crit["description"] = desc
            crit["notes"] = cnotes
            if not re.match(r"^\d+\.\d+(\.\d+)?\.\s", r["paras"][0]):
                crit["_printed_label"] = r["paras"][0].split(" ")[0]
            section["criteria"].append(crit)
            case = None
            continue
        # everything below belongs to the current criterion
        if crit is None:
            raise ConvertError(f"{where}: {kind} row outside a criterion: {r['text']!r}")
        if r["pts"] and kind != "option":
            raise ConvertError(f"{where}: points on a {kind} row")
        if kind == "desc":
            crit["description"].append(r["text"])
            if r["span"]:
                crit["_spanning"] = True
        elif kind == "choose":
            crit["description"].append(r["text"])
        elif kind == "note":
            crit["notes"].append(r["text"])
            if r["span"]:
                crit["_spanning"] = True
        elif kind == "condition":
            if crit.get("condition"):
                raise ConvertError(f"{where}: two conditions")
            crit["condition"] = r["text"]
        elif kind == "case":
            case = r["case"]
            crit.setdefault("_case_labels", []).append(r["text"])
        elif kind == "option":
            opt_paras = [r["paras"][0]]
            for p_ in r["paras"][1:]:
                if RE_NOTE.match(p_):
                    crit["notes"].append(p_)
                    crit.setdefault("_note_in_option_cell", []).append(p_)
                else:
                    opt_paras.append(p_)
                    log.append(f"{where}: option cell with several paragraphs: {r['paras']!r}")
            body = RE_OPTION.match(" ".join(opt_paras)).group(1)
            m = RE_STARS.search(body)
            stars = None
            if m:
                n = m.group(0).count("*")
                if n not in (3, 4, 5):
                    raise ConvertError(f"{where}: {n} star marker")
                stars = n
                if " " in m.group(0).strip():
                    crit.setdefault("_spaced_stars", []).append(m.group(0).strip())
                body = body[: m.start()]
            body = body.strip()
            if "*" in body:
                raise ConvertError(f"{where}: '*' inside option text")
            opt = {"text": body}
            printed = r["pts"]
            pts = parse_points(printed)
            pos = len(crit["options"]) + 1
            key = (num, crit["id"], pos)
            if key in MISPRINTS:
                scored, note = MISPRINTS[key]
                opt["points"] = scored
                opt["printed_points"] = printed
                opt["note"] = note
            elif pts is None:
                opt["points"] = 0
                opt["printed_points"] = ""
                opt["note"] = NOTE_MISSING_POINTS
            else:
                opt["points"] = pts
            if stars:
                opt["min_stars"] = stars
            if case:
                opt["case"] = case
            if not r["text"].startswith("□"):
                opt["_bullet"] = r["text"][:1]
            crit["options"].append(opt)
        else:
            raise ConvertError(f"{where}: unexpected {kind}")

    if total is None:
        raise ConvertError(f"{where0}: no TỔNG CỘNG row")
    rubric["_printed_total"] = total

    # ---- post-processing: knockouts, yes/no criteria, sanity
    for part in rubric["parts"]:
        for sec in part["sections"]:
            for c in sec["criteria"]:
                kos = [note_body(n) for n in c["notes"] if is_knockout(n)]
                if len(kos) > 1:
                    raise ConvertError(f"{where0} {c['id']}: several knock-out notes")
                if kos:
                    c["knockout"] = kos[0]
                if not c["options"]:
                    m = c["max_points"]
                    note = NOTE_ADDED_OPTION.format(pts=m)
                    c["options"] = [
                        {"text": "Không", "points": 0, "note": note},
                        {"text": "Có", "points": m, "note": note},
                    ]
                    c["_added_yes_no"] = True
                for pos, o in enumerate(c["options"], 1):
                    if o["points"] > c["max_points"] and (num, c["id"], pos) not in MISPRINTS:
                        raise ConvertError(
                            f"{where0} {c['id']} option {pos}: {o['points']} > max {c['max_points']} "
                            "(add it to MISPRINTS if it is a misprint)")
    return rubric


def new_crit(cid, title, max_points, group):
    return {"id": cid, "title": title, "max_points": max_points, "group": group,
            "description": [], "notes": [], "options": []}


def extract_sets(items, log) -> list[dict]:
    annex1 = read_annex1(items)
    if len(annex1) != 26:
        raise ConvertError(f"Phụ lục I: {len(annex1)} leaves, expected 26")
    start = next(i for i, (k, v) in enumerate(items) if k == "p" and v == "PHỤ LỤC II")
    end = next(i for i, (k, v) in enumerate(items) if k == "p" and v == "PHỤ LỤC III")
    seg = items[start + 1 : end]
    # index table
    idx_table = next(v for k, v in seg if k == "table")
    index_names = {}
    for row in idx_table[1:]:
        index_names[int(row[0]["paras"][0])] = re.sub(r"^Bộ sản phẩm:\s*", "", " ".join(row[1]["paras"]))
    sets = []
    expected = 1
    i = 0
    while i < len(seg):
        k, v = seg[i]
        if k == "p" and (m := RE_HEADING.match(v)) and int(m.group(1)) == expected:
            heading_raw = v
            heading = m.group(2)
            pre = []
            i += 1
            while not (seg[i][0] == "table" and seg[i][1] and
                       " ".join(seg[i][1][0][0]["paras"]).startswith("Các tiêu chí")):
                if seg[i][0] == "p":
                    pre.append(seg[i][1])
                i += 1
            table = seg[i][1]
            i += 1
            post = []
            while i < len(seg):
                if seg[i][0] == "p":
                    mm = RE_HEADING.match(seg[i][1])
                    if mm and int(mm.group(1)) == expected + 1:
                        break
                    post.append(seg[i][1])
                i += 1
            r = convert_set(expected, heading, pre, table, post, annex1[expected - 1], log)
            r["_heading_raw"] = heading_raw
            r["_index_name"] = index_names.get(expected)
            sets.append(r)
            expected += 1
            continue
        i += 1
    if len(sets) != 26:
        raise ConvertError(f"found {len(sets)} sets, expected 26")
    return sets


# ------------------------------------------------------------------ TOML


def q(s: str) -> str:
    s = nfc(s)
    out = ['"']
    for ch in s:
        if ch == "\\":
            out.append("\\\\")
        elif ch == '"':
            out.append('\\"')
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\t":
            out.append("\\t")
        elif ord(ch) < 0x20 or ord(ch) == 0x7F:
            out.append(f"\\u{ord(ch):04X}")
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


def qlist(xs: list[str]) -> str:
    if not xs:
        return "[]"
    return "[\n" + "".join(f"  {q(x)},\n" for x in xs) + "]"


def to_toml(r: dict) -> str:
    L: list[str] = []
    a = L.append
    a(f"# {r['id']}: Quyết định số 26/2026/QĐ-TTg, Phụ lục II, bộ {r['set_number']}.")
    a("# Generated by tools/ocop_convert.py from the HTML edition; do not edit by hand.")
    a("# Quirks of the printed text are listed in rubrics/ocop-2026/README.md.")
    a("")
    a("[rubric]")
    a(f"id = {q(r['id'])}")
    a(f"name = {q(r['name'])}")
    a(f"set_number = {r['set_number']}")
    if r["product_type"]:
        a(f"product_type = {q(r['product_type'])}")
    a(f"group = {q(r['group'])}")
    if r["subgroup"]:
        a(f"subgroup = {q(r['subgroup'])}")
    a(f"legal_basis = {q(r['legal_basis'])}")
    a(f"scheme = {q(r['scheme'])}")
    a(f"max_points = {r['max_points']}")
    a(f"knockouts = {qlist(r['knockouts'])}")
    a(f"notes = {qlist(r['notes'])}")
    for stars, mp in BANDS:
        a("")
        a("[[bands]]")
        a(f"stars = {stars}")
        a(f"min_points = {mp}")
    for p in r["parts"]:
        a("")
        a("[[parts]]")
        a(f"id = {q(p['id'])}")
        a(f"title = {q(p['title'])}")
        a(f"max_points = {p['max_points']}")
        if "printed_points" in p:
            a(f"printed_points = {p['printed_points']}")
            a(f"note = {q(p['note'])}")
        for s in p["sections"]:
            a("")
            a("[[parts.sections]]")
            a(f"id = {q(s['id'])}")
            a(f"title = {q(s['title'])}")
            a(f"max_points = {s['max_points']}")
            for g in s["groups"]:
                a("")
                a("[[parts.sections.groups]]")
                a(f"id = {q(g['id'])}")
                a(f"title = {q(g['title'])}")
                a(f"max_points = {g['max_points']}")
            for c in s["criteria"]:
                a("")
                a("[[parts.sections.criteria]]")
                a(f"id = {q(c['id'])}")
                a(f"title = {q(c['title'])}")
                a(f"max_points = {c['max_points']}")
                if c["group"]:
                    a(f"group = {q(c['group'])}")
                if c["description"]:
                    a(f"description = {q(' '.join(c['description']))}")
                if c["notes"]:
                    a(f"notes = {qlist(c['notes'])}")
                if c.get("condition"):
                    a(f"condition = {q(c['condition'])}")
                if c.get("knockout"):
                    a(f"knockout = {q(c['knockout'])}")
                for o in c["options"]:
                    a("")
                    a("[[parts.sections.criteria.options]]")
                    a(f"text = {q(o['text'])}")
                    a(f"points = {o['points']}")
                    if "min_stars" in o:
                        a(f"min_stars = {o['min_stars']}")
                    if "case" in o:
                        a(f"case = {q(o['case'])}")
                    if "printed_points" in o:
                        a(f"printed_points = {q(o['printed_points'])}")
                    if "note" in o:
                        a(f"note = {q(o['note'])}")
    a("")
    return "\n".join(L)


# ------------------------------------------------------------------ checks / dump


def arithmetic_report(r: dict) -> list[str]:
    """Printed totals that the text itself does not add up to."""
    out = []
    parts_sum = 0
    for p in r["parts"]:
        ssum = 0
        for s in p["sections"]:
            csum = 0
            for g in s["groups"]:
                gsum = sum(c["max_points"] for c in s["criteria"] if c["group"] == g["id"])
                if gsum != g["max_points"]:
                    out.append(f"group {g['id']}: printed {g['max_points']}, criteria sum {gsum}")
            for c in s["criteria"]:
                csum += c["max_points"]
                best = max(o["points"] for o in c["options"])
                if best != c["max_points"]:
                    out.append(f"criterion {c['id']}: max {c['max_points']}, best option {best}")
                # star markers monotone
                marked = [(o["min_stars"], o["points"]) for o in c["options"] if "min_stars" in o]
                for s1, p1 in marked:
                    for s2, p2 in marked:
                        if s2 > s1 and p2 < p1:
                            out.append(f"criterion {c['id']}: {s2}★ marker on {p2} < {s1}★ on {p1}")
            if csum != s["max_points"]:
                out.append(f"section {s['id']}: printed {s['max_points']}, criteria sum {csum}")
            ssum += s["max_points"]
        if ssum != p["max_points"]:
            out.append(f"part {p['id']}: printed {p['max_points']}, sections sum {ssum}")
        if p["max_points"] != PART_MAX[p["id"]]:
            out.append(f"part {p['id']}: {p['max_points']} instead of {PART_MAX[p['id']]}")
        parts_sum += p["max_points"]
    if parts_sum != 100 or r["_printed_total"] != 100:
        out.append(f"total: parts sum {parts_sum}, printed TỔNG CỘNG {r['_printed_total']}")
    return out


def dump(sets, path: Path):
    L = []
    for r in sets:
        L.append(f"=== SET {r['set_number']}: {r['name']}  [{r['product_type']} / {r['group']} / {r['subgroup']}]")
        for k in r["knockouts"]:
            L.append(f"  KO: {k}")
        for n in r["notes"]:
            L.append(f"  NOTE: {n}")
        for p in r["parts"]:
            L.append(f" PART {p['id']} {p['title']} ({p['max_points']}) {p.get('printed_points', '')}")
            for s in p["sections"]:
                L.append(f"  SEC {s['id']}. {s['title']} ({s['max_points']})")
                for g in s["groups"]:
                    L.append(f"   GRP {g['id']} {g['title']} ({g['max_points']})")
                for c in s["criteria"]:
                    L.append(f"   CRIT {c['id']} {c['title']} ({c['max_points']})"
                             + (f" [grp {c['group']}]" if c["group"] else ""))
                    for d in c["description"]:
                        L.append(f"     DESC {d}")
                    for n in c["notes"]:
                        L.append(f"     NOTE {n}")
                    if c.get("condition"):
                        L.append(f"     COND {c['condition']}")
                    if c.get("knockout"):
                        L.append(f"     KO {c['knockout']}")
                    for o in c["options"]:
                        extra = ""
                        if "min_stars" in o:
                            extra += " " + "*" * o["min_stars"]
                        if "printed_points" in o:
                            extra += f" (printed {o['printed_points']!r})"
                        if "case" in o:
                            extra += f" [{o['case']}]"
                        L.append(f"     - {o['points']}: {o['text']}{extra}")
        for line in arithmetic_report(r):
            L.append(f"  !! {line}")
    path.write_text("\n".join(L) + "\n", encoding="utf-8")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--html", type=Path, default=DEFAULT_HTML)
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT)
    ap.add_argument("--dump", type=Path, help="write a readable outline for proof-reading")
    ap.add_argument("--only", type=int, action="append", help="write only these set numbers")
    args = ap.parse_args(argv)

    parser = DocParser()
    parser.feed(args.html.read_text(encoding="utf-8"))
    log: list[str] = []
    sets = extract_sets(parser.items, log)
    args.out.mkdir(parents=True, exist_ok=True)
    import tomllib

    for r in sets:
        if args.only and r["set_number"] not in args.only:
            continue
        text = to_toml(r)
        tomllib.loads(text)  # must parse
        (args.out / f"{r['id']}.toml").write_text(text, encoding="utf-8")
    for line in log:
        print("note:", line, file=sys.stderr)
    for r in sets:
        for line in arithmetic_report(r):
            print(f"arithmetic: set {r['set_number']}: {line}", file=sys.stderr)
    if args.dump:
        dump(sets, args.dump)
    return 0


if __name__ == "__main__":
    sys.exit(main())
