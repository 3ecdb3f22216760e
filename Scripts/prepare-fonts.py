#!/usr/bin/python3
"""Builds StarCert's fonts from Debian's fonts-noto-cjk into Fonts/build/.

Takes the Simplified Chinese face out of each Noto CJK collection and removes its CFF
subroutines. Cairo 1.16's font subsetter loses track of hint counts when glyphs share
subroutines and then embeds every subroutine of the font (about 1 MB a face); with the
subroutines expanded it embeds only the glyphs a document uses.

Usage: prepare-fonts.py SOURCE_DIR OUT_DIR   (skips faces already built from the same source)
"""
import os
import sys
from concurrent.futures import ProcessPoolExecutor

from fontTools.ttLib import TTFont

FACES = [
    ("NotoSerifCJK-Regular.ttc", "NotoSerifCJKsc-Regular.otf"),
    ("NotoSerifCJK-Bold.ttc", "NotoSerifCJKsc-Bold.otf"),
    ("NotoSansCJK-Regular.ttc", "NotoSansCJKsc-Regular.otf"),
    ("NotoSansCJK-Bold.ttc", "NotoSansCJKsc-Bold.otf"),
]
FAMILY_SUFFIX = " SC"


def simplified_chinese_index(path):
    """The collection index of the face whose family name ends in ' SC'."""
    from fontTools.ttLib import TTCollection
    collection = TTCollection(path, lazy=True)
    for index, font in enumerate(collection.fonts):
        if font["name"].getDebugName(1).endswith(FAMILY_SUFFIX):
            return index
    raise SystemExit(f"prepare-fonts: {path} has no Simplified Chinese face")


def build(source, target):
    stamp = target + ".source"
    signature = f"{source} {os.path.getsize(source)} {int(os.path.getmtime(source))}"
    if os.path.exists(target) and os.path.exists(stamp) and open(stamp).read() == signature:
        return f"{os.path.basename(target)}: up to date"
    font = TTFont(source, fontNumber=simplified_chinese_index(source), lazy=False)
    font["CFF "].cff.desubroutinize()
    temporary = target + ".tmp"
    font.save(temporary, reorderTables=False)
    os.replace(temporary, target)
    with open(stamp, "w") as handle:
        handle.write(signature)
    return f"{os.path.basename(target)}: built"


def main():
    if len(sys.argv) != 3:
        raise SystemExit(__doc__)
    source_dir, out_dir = sys.argv[1], sys.argv[2]
    os.makedirs(out_dir, exist_ok=True)
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
