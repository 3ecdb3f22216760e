#!/usr/bin/python3
"""Builds StarCert's fonts from Debian's fonts-noto-cjk into Fonts/build/.

Takes the Simplified Chinese face out of each Noto CJK collection and
- converts its CFF outlines to TrueType (quadratic, within two font units: 0.002 em, which no
  print shows). Cairo 1.16 reads a CFF font's whole outline table every time it subsets it for a
  PDF, and its CFF subsetter loses track of hint counts when glyphs share subroutines, embedding
  every subroutine (about 1 MB a face); a TrueType font is subset glyph by glyph. Both the time
  to write a PDF and its size drop.
- keeps only the Simplified Chinese layout rules and makes them the default for every script. The
  collections share rules for all regions; their default (used for Latin text, which Pango tags as
  English) swaps the digits for the Japanese face's, which then look different from the digits in
  Chinese text and have no character code, so Cairo searches the whole character map for each of
  them when it writes the PDF's text layer.
- numbers the glyphs in character-code order. Cairo looks up each glyph's character in the font's
  16-bit character map when it embeds the glyph; in code order that map is a few hundred ranges
  (about 6 KB) instead of 46 KB of single entries.
- splits it in two: the face under its own family name draws the everyday characters (see
  is_common: about 9,700; 2.8 to 3.7 MB instead of 18 to 29 MB), and the whole face is installed
  as "<family> Complete", which fonts.conf binds to the family as its continuation. A report then
  touches a few megabytes of font files, not a hundred; rare characters (in names and addresses)
  come from the complete face, in the same design.
  The everyday face keeps the complete face's glyph numbers, with the rare glyphs left empty: its
  full-range character maps (format 12, which FreeType, fontconfig and HarfBuzz read) list only the
  everyday characters, so Pango takes rare ones from the complete face, while its 16-bit map
  (format 4, which only Cairo reads, to name each embedded glyph's character) stays the complete
  face's compact one; the everyday characters alone would need about 3,700 ranges (30 KB).
- writes the outlines after every other table, so that opening a face touches its first
  megabyte only (vertical metrics, unused, are left out of the everyday face).

Runs under a fontTools of 4.51 or later (Scripts/setup installs one into .build/fonts-venv).

Usage: prepare-fonts.py SOURCE_DIR OUT_DIR   (skips faces already built from the same source)
"""
import io
import os
import sys
from concurrent.futures import ProcessPoolExecutor

from fontTools.pens.cu2quPen import Cu2QuPen
from fontTools.pens.ttGlyphPen import TTGlyphPen
from fontTools import subset
from fontTools.ttLib import TTCollection, TTFont, newTable
from fontTools.ttLib.sfnt import SFNTReader
from fontTools.ttLib.ttFont import reorderFontTables, sortedTagList
from fontTools.ttLib.tables._g_l_y_f import Glyph
from fontTools.ttLib.reorderGlyphs import reorderGlyphs

FACES = [
    ("NotoSerifCJK-Regular.ttc", "NotoSerifCJKsc-Regular.ttf"),
    ("NotoSerifCJK-Bold.ttc", "NotoSerifCJKsc-Bold.ttf"),
    ("NotoSansCJK-Regular.ttc", "NotoSansCJKsc-Regular.ttf"),
    ("NotoSansCJK-Bold.ttc", "NotoSansCJKsc-Bold.ttf"),
]
FAMILY_SUFFIX = " SC"
VERSION = "ttf-8"  # changes when the conversion changes, so faces are rebuilt
COMPLETE = "Complete"  # fonts.conf binds "<family> Complete" to "<family>"


def simplified_chinese_index(path):
    """The collection index of the face whose family name ends in ' SC'."""
    for index, font in enumerate(TTCollection(path, lazy=True).fonts):
        if font["name"].getDebugName(1).endswith(FAMILY_SUFFIX):
            return index
    raise SystemExit(f"prepare-fonts: {path} has no Simplified Chinese face")


def to_truetype(font):
    """Replaces the CFF outlines by TrueType ones (cubic curves approximated within 2 units)."""
    order = font.getGlyphOrder()
    glyphs = font.getGlyphSet()
    glyf = newTable("glyf")
    glyf.glyphOrder = order
    glyf.glyphs = {}
    for name in order:
        pen = TTGlyphPen(glyphs)
        glyphs[name].draw(Cu2QuPen(pen, 2.0, reverse_direction=True))
        glyf[name] = pen.glyph()
    font["glyf"] = glyf
    font["loca"] = newTable("loca")
    maxp = font["maxp"]
    maxp.tableVersion = 0x00010000
    for field in ("maxTwilightPoints", "maxStorage", "maxFunctionDefs", "maxInstructionDefs",
                  "maxStackElements", "maxSizeOfInstructions", "maxComponentElements"):
        setattr(maxp, field, 0)
    maxp.maxZones = 1
    del font["CFF "]
    if "VORG" in font:
        del font["VORG"]
    font.sfntVersion = "\x00\x01\x00\x00"
    font["post"].formatType = 3.0


def simplified_chinese_only(font):
    """Keeps the Simplified Chinese language system of each script, as its default."""
    for tag in ("GSUB", "GPOS"):
        if tag not in font:
            continue
        table = font[tag]
        for record in table.table.ScriptList.ScriptRecord:
            script = record.Script
            chinese = next((entry.LangSys for entry in script.LangSysRecord if entry.LangSysTag == "ZHS "), None)
            if chinese is not None:
                script.DefaultLangSys = chinese
            script.LangSysRecord = []
            script.LangSysCount = 0
        table.prune_features()
        table.prune_lookups()


def in_code_order(font):
    """Renumbers the glyphs: .notdef, then each mapped glyph at its lowest code, then the rest."""
    order = font.getGlyphOrder()
    codes = font.getBestCmap()
    placed = {order[0]}
    ordered = [order[0]]
    for code in sorted(codes):
        if codes[code] not in placed:
            placed.add(codes[code])
            ordered.append(codes[code])
    ordered += [name for name in order if name not in placed]
    reorderGlyphs(font, ordered)


def is_common(code):
    """Whether a character belongs in the everyday face: the ideographs of GB 2312, and all but
    Hangul of the rest. Rarer ideographs (in names and addresses) come from the complete face."""
    if 0x3400 <= code <= 0x4DBF or 0x4E00 <= code <= 0x9FFF or 0xF900 <= code <= 0xFAFF or code >= 0x20000:
        try:
            chr(code).encode("gb2312")
            return True
        except UnicodeEncodeError:
            return False
    return not (0x1100 <= code <= 0x11FF or 0x3130 <= code <= 0x318F or 0xA960 <= code <= 0xA97F or 0xAC00 <= code <= 0xD7FF)


def keep_only_common(font, complete):
    """Empties the glyphs that no everyday character reaches (through the layout rules too) and
    drops the rare characters from the full-range character maps."""
    options = subset.Options()
    options.notdef_outline = True
    subsetter = subset.Subsetter(options)
    codes = [code for code in font.getBestCmap() if is_common(code)]
    subsetter.populate(unicodes=codes)
    reduced = TTFont(complete)  # glyph names differ from the font's in memory; numbers do not
    numbers = {name: number for number, name in enumerate(reduced.getGlyphOrder())}
    subsetter.subset(reduced)
    kept = {numbers[name] for name in reduced.getGlyphOrder()}
    glyf = font["glyf"]
    for number, name in enumerate(font.getGlyphOrder()):
        if number not in kept:
            glyf[name] = Glyph()
    common = set(codes)
    for table in font["cmap"].tables:
        if table.format == 12:
            table.cmap = {code: name for code, name in table.cmap.items() if code in common}
    for tag in ("vhea", "vmtx"):  # vertical metrics: only for vertical text, which StarCert does not set
        if tag in font:
            del font[tag]


def rename_as_complete(font):
    """Appends " Complete" to the family names (and the PostScript and unique names)."""
    names = font["name"]
    family = names.getDebugName(16) or names.getDebugName(1)
    style = names.getDebugName(17) or names.getDebugName(2)
    for record in names.names:
        if record.nameID in (1, 16):
            record.string = f"{family} {COMPLETE}"
        elif record.nameID == 4:
            record.string = f"{family} {COMPLETE}" + ("" if style == "Regular" else f" {style}")
        elif record.nameID in (3, 6):
            record.string = record.toUnicode().replace("-", f"{COMPLETE}-", 1)


def complete_name(target):
    return target[: -len(".ttf")] + f"-{COMPLETE}.ttf"


def save(font, target):
    """Writes the font with the outlines last: opening a face (character maps, metrics, layout
    rules) then reads only its first megabyte, and each glyph drawn the part where it lies."""
    compiled = io.BytesIO()
    font.save(compiled, reorderTables=False)
    tags = [tag for tag in sortedTagList(SFNTReader(compiled).keys()) if tag != "glyf"]
    temporary = target + ".tmp"
    with open(temporary, "wb") as output:
        reorderFontTables(compiled, output, tableOrder=tags)
    os.replace(temporary, target)


def check_pair(everyday_path, complete_path):
    """Stops the build unless the two faces agree as the renderer relies on: the same glyph
    numbers and 16-bit character map, the everyday characters (only they) in the everyday face's
    full map, each drawn with the complete face's outline."""
    everyday, complete = TTFont(everyday_path, lazy=True), TTFont(complete_path, lazy=True)

    def numbered(font, format):
        order = {name: number for number, name in enumerate(font.getGlyphOrder())}
        table = next(table for table in font["cmap"].tables if table.platformID == 3 and table.format == format)
        return {code: order[name] for code, name in table.cmap.items()}

    def lengths(font):
        offsets = font["loca"]
        return [offsets[number + 1] - offsets[number] for number in range(len(offsets) - 1)]

    problems = []
    if len(everyday.getGlyphOrder()) != len(complete.getGlyphOrder()):
        problems.append("the glyph counts differ")
    if numbered(everyday, 4) != numbered(complete, 4):
        problems.append("the 16-bit character maps differ")
    full, whole = numbered(everyday, 12), numbered(complete, 12)
    if set(full) != {code for code in whole if is_common(code)}:
        problems.append("the full character map does not list exactly the everyday characters")
    everyday_lengths, complete_lengths = lengths(everyday), lengths(complete)
    drawn = [code for code, number in full.items() if number != whole.get(code) or everyday_lengths[number] != complete_lengths[number]]
    if drawn:
        problems.append(f"{len(drawn)} everyday characters are not drawn as in the complete face (first: U+{min(drawn):04X})")
    if problems:
        raise SystemExit(f"prepare-fonts: {os.path.basename(everyday_path)}: " + "; ".join(problems))


def build(source, target):
    stamp = target + ".source"
    complete = complete_name(target)
    signature = f"{VERSION} {source} {os.path.getsize(source)} {int(os.path.getmtime(source))}"
    if all(os.path.exists(path) for path in (target, complete, stamp)) and open(stamp).read() == signature:
        return f"{os.path.basename(target)}: up to date"
    # Keeping the source's timestamps makes the build, and so the PDFs, the same on every machine.
    font = TTFont(source, fontNumber=simplified_chinese_index(source), recalcTimestamp=False)
    to_truetype(font)
    simplified_chinese_only(font)
    in_code_order(font)
    save(font, complete)
    keep_only_common(font, complete)
    save(font, target)
    whole = TTFont(complete, lazy=True, recalcTimestamp=False)
    rename_as_complete(whole)
    save(whole, complete)
    check_pair(target, complete)
    with open(stamp, "w") as handle:
        handle.write(signature)
    return f"{os.path.basename(target)}: built"


def main():
    if len(sys.argv) != 3:
        raise SystemExit(__doc__)
    source_dir, out_dir = sys.argv[1], sys.argv[2]
    os.makedirs(out_dir, exist_ok=True)
    wanted = {name for _, target in FACES for name in (target, complete_name(target))}
    for name in os.listdir(out_dir):  # faces of an earlier conversion would duplicate the families
        face = name[: -len(".source")] if name.endswith(".source") else name
        if face.endswith((".otf", ".ttf")) and face not in wanted:
            os.remove(os.path.join(out_dir, name))
    jobs = []
    for source_name, target_name in FACES:
        source = os.path.join(source_dir, source_name)
        if not os.path.exists(source):
            raise SystemExit(f"prepare-fonts: {source} is missing; install Debian's fonts-noto-cjk")
        jobs.append((source, os.path.join(out_dir, target_name)))
    with ProcessPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
        for message in pool.map(build, *zip(*jobs)):
            print(f"prepare-fonts: {message}")


if __name__ == "__main__":
    main()
