#!/usr/bin/env python3
"""Measures Chinese typesetting in PDFs from the characters' positions (PyMuPDF).

    typography.py LABEL A.pdf [B.pdf ...]     one line of JSON with the sums over the files
    typography.py --verbose LABEL A.pdf ...   also prints each case found

Visual lines are rebuilt from the characters: one baseline, split where a gap wider than 0.8
em separates table cells. Per line, between neighbouring characters:
- punctuation pairs: a full-width mark whose blank lies after it (，。、；：？！）》」』】〕) followed by
  another mark; compressed when the first advances at most 0.6 em (clreq 3.1.6);
- Han–Latin boundaries: a Han character beside a Latin letter or a digit; the gap between their
  boxes (a typed space included) counts as a quarter em from 0.15 to 0.4 em, as missing below 0.1;
- Han–Han extra spacing: how far past its own advance a Han character's neighbour begins;
- line-start and line-end violations: a line opening with a closing mark or ending with an
  opening one.
Per text block (lines at one left edge and an even pitch):
- single-character last lines (孤字): a paragraph's last line holding one Han character, with at
  most punctuation after it, below a full line (paragraphs set at one pitch share a block: any line
  after a line that reaches the block's right edge is taken as a possible last line);
- lone lines at page breaks: a block of one full line at the foot of a page whose text goes on at
  the top of the next, or a last line alone at the top of a page.
The page's running header and footer (the top and bottom 8 % of the page) are left out.
"""
import json
import re
import sys

import pymupdf

CLOSING = set("，。、；：？！）》」』】〕〉")
OPENING = set("（《「『【〔〈")
MARKS = CLOSING | OPENING | set("“”‘’·…—")
NOSTART = set("，。、；：？！）》」』”’】〕〉…％")
NOEND = set("（《「『“‘【〔〈")


def is_han(c):
    o = ord(c)
    return 0x3400 <= o <= 0x4DBF or 0x4E00 <= o <= 0x9FFF or 0xF900 <= o <= 0xFAFF or 0x20000 <= o <= 0x3FFFF


def is_latin(c):
    return c.isascii() and c.isalnum()


def page_lines(page):
    """Lines of (char, x0, x1, baseline, size), split at cell gaps, body only."""
    height = page.rect.height
    chars = []
    for block in page.get_text("rawdict")["blocks"]:
        for line in block.get("lines", []):
            if abs(line["dir"][1]) > 0.01:
                continue
            for span in line["spans"]:
                for ch in span["chars"]:
                    y = ch["origin"][1]
                    if y < height * 0.08 or y > height * 0.92:
                        continue
                    chars.append((ch["c"], ch["bbox"][0], ch["bbox"][2], y, span["size"]))
    chars.sort(key=lambda c: (round(c[3] * 2), c[1]))
    rows = []
    for c in chars:
        if rows and abs(rows[-1][-1][3] - c[3]) < 0.6 and c[1] - rows[-1][-1][2] < 0.8 * c[4]:
            rows[-1].append(c)
        else:
            rows.append([c])
    lines = []
    for row in rows:
        # drop spaces at the ends, keep them inside (a typed space is part of a gap)
        while row and row[0][0].isspace():
            row = row[1:]
        while row and row[-1][0].isspace():
            row = row[:-1]
        if row:
            lines.append(row)
    return lines


def blocks_of(lines):
    """Consecutive lines at one left edge (±1 em, first-line indents included) and an even pitch."""
    blocks = []
    ordered = sorted(lines, key=lambda l: l[0][3])
    open_blocks = []
    for line in ordered:
        size = line[0][4]
        placed = False
        for block in open_blocks:
            last = block[-1]
            pitch = line[0][3] - last[0][3]
            # one column: the same left edge (a last line may end anywhere short of the right)
            same_column = abs(line[0][1] - block[0][0][1]) <= 2.1 * size
            if same_column and abs(last[0][4] - size) < 0.1 and 0.9 * size < pitch < 2.0 * size:
                if len(block) == 1 or abs(pitch - (block[-1][0][3] - block[-2][0][3])) < 0.3 * size:
                    block.append(line)
                    placed = True
                    break
        if not placed:
            block = [line]
            open_blocks.append(block)
            blocks.append(block)
        open_blocks = [b for b in open_blocks if line[0][3] - b[-1][0][3] < 2.5 * size]
    return blocks


def measure(paths, verbose):
    totals = dict(pages=0, lines=0, pairs=0, pairs_compressed=0, han_latin=0, han_latin_quarter=0,
                  han_latin_none=0, han_latin_other=0, han_han_max_extra_em=0.0, han_han_over_0_1em=0,
                  line_start_violations=0, line_end_violations=0, single_char_last_lines=0,
                  lone_lines_at_breaks=0)
    cases = []
    for path in paths:
        doc = pymupdf.open(path)
        pages = []
        for number, page in enumerate(doc, 1):
            lines = page_lines(page)
            pages.append((number, lines, page.rect.width))
            totals["pages"] += 1
            totals["lines"] += len(lines)
            for line in lines:
                text = "".join(c[0] for c in line)
                if text[0] in NOSTART:
                    totals["line_start_violations"] += 1
                    cases.append((path, number, "starts", text[:20]))
                if text[-1] in NOEND:
                    totals["line_end_violations"] += 1
                    cases.append((path, number, "ends", text[-20:]))
                for i in range(len(line) - 1):
                    a, b = line[i], line[i + 1]
                    em = a[4]
                    if a[0] in CLOSING and b[0] in MARKS and a[2] - a[1] > 0.9 * em:
                        totals["pairs"] += 1
                        if b[1] - a[1] <= 0.6 * em:
                            totals["pairs_compressed"] += 1
                        elif verbose:
                            cases.append((path, number, "pair", a[0] + b[0]))
                    if is_han(a[0]) and is_han(b[0]):
                        extra = (b[1] - a[2]) / em
                        totals["han_han_max_extra_em"] = max(totals["han_han_max_extra_em"], round(extra, 3))
                        if extra > 0.1:
                            totals["han_han_over_0_1em"] += 1
                # Han–Latin boundaries, across at most one typed space
                for i in range(len(line) - 1):
                    a = line[i]
                    j = i + 1
                    if line[j][0] == " " and j + 1 < len(line):
                        j += 1
                    b = line[j]
                    if not ((is_han(a[0]) and is_latin(b[0])) or (is_latin(a[0]) and is_han(b[0]))):
                        continue
                    if j == i + 2 and line[i + 1][0] != " ":
                        continue
                    gap = (b[1] - a[2]) / a[4]
                    totals["han_latin"] += 1
                    if 0.15 <= gap <= 0.4:
                        totals["han_latin_quarter"] += 1
                    elif gap < 0.1:
                        totals["han_latin_none"] += 1
                        if verbose:
                            cases.append((path, number, "no gap", "".join(c[0] for c in line[max(0, i - 3):j + 4])))
                    else:
                        totals["han_latin_other"] += 1
                        if verbose:
                            cases.append((path, number, "gap %.2f em" % gap, "".join(c[0] for c in line[max(0, i - 3):j + 4])))
        # blocks: single-character last lines, lone lines at page breaks
        page_blocks = [(number, blocks_of(lines), width) for number, lines, width in pages]
        for number, blocks, _ in page_blocks:
            for block in blocks:
                # paragraphs set one after another at one pitch make one block: any line after a
                # full one (to the block's right edge) may be a paragraph's last
                right = max(line[-1][2] for line in block)
                for before, last in zip(block, block[1:]):
                    glyphs = [c for c in last if c[0] not in MARKS and not c[0].isspace()]
                    full = before[-1][2] - before[0][1]
                    if len(glyphs) == 1 and is_han(glyphs[0][0]) and full > 8 * last[0][4] and before[-1][2] > right - last[0][4]:
                        totals["single_char_last_lines"] += 1
                        cases.append((path, number, "孤字", "".join(c[0] for c in before[-6:]) + "/" + "".join(c[0] for c in last)))
        for (number, blocks, _), (_, following, _) in zip(page_blocks, page_blocks[1:]):
            if not blocks or not following:
                continue
            bottom = max(blocks, key=lambda b: b[-1][0][3])
            top = min(following, key=lambda b: b[0][0][3])
            size = bottom[-1][0][4]
            width_bottom = bottom[-1][-1][2] - bottom[-1][0][1]
            width_top = top[0][-1][2] - top[0][0][1]
            continues = abs(bottom[-1][0][1] - top[0][0][1]) < 2.1 * size and abs(bottom[-1][-1][2] - top[0][-1][2]) > -1
            ends_full = width_bottom > 15 * size and width_bottom > 0.97 * max(width_top, 1) and bottom[-1][-1][0] not in "。！？"
            opens_item = top[0][0][0] in "—•■" or re.match(r"\d+[.、]", "".join(c[0] for c in top[0][:4]))
            if continues and ends_full and not opens_item and abs(top[0][0][4] - size) < 0.1:
                if len(bottom) == 1 or len(top) == 1:
                    totals["lone_lines_at_breaks"] += 1
                    cases.append((path, number, "lone line", "".join(c[0] for c in bottom[-1][:12]) + " | " + "".join(c[0] for c in top[0][:12])))
    return totals, cases


def main(argv):
    verbose = "--verbose" in argv
    argv = [a for a in argv if a != "--verbose"]
    label, paths = argv[0], argv[1:]
    totals, cases = measure(paths, verbose)
    print(json.dumps(dict(tool=label, files=len(paths), **totals), ensure_ascii=False))
    if verbose:
        for path, page, kind, text in cases:
            print("  %s p%d %s: %s" % (path.rsplit("/", 2)[-2] if "/" in path else path, page, kind, text))


if __name__ == "__main__":
    main(sys.argv[1:])
