#!/usr/bin/env python3
"""Checks the module graph from `swift package describe --type json`: imports point one way (each
library depends only on layers below it) and the server's closure holds no typesetting, Cairo or
Pango. Exit status 1 with the offending edges otherwise. Run by Scripts/test."""
import json
import subprocess
import sys

# Layers from the bottom; a library may depend only on targets of a lower layer.
LAYERS = [
    ["CPangoCairo", "CQREncode", "CJPEG", "CZlib", "CMalloc"],
    ["StarCertCore"],
    ["Typesetting", "PDFObjects", "Spreadsheet"],
    ["StarCertTemplates", "StarCertWorkbook"],
    ["StarCertDocuments"],
    ["StarCertArchive"],
    ["StarCertIssuing"],
    ["StarCertApp"],
    ["StarCertServer"],
    ["starcert", "starcert-bench"],
]
RANK = {name: rank for rank, names in enumerate(LAYERS) for name in names}
# Drawing libraries and the modules that wrap them: none may be reachable from these targets.
DRAWING = {"Typesetting", "CPangoCairo", "CQREncode", "CJPEG", "StarCertDocuments"}
WITHOUT_DRAWING = ["StarCertServer", "StarCertArchive", "PDFObjects", "StarCertTemplates", "Spreadsheet", "StarCertWorkbook"]

description = json.loads(subprocess.run(["swift", "package", "describe", "--type", "json"], check=True,
                                        capture_output=True, text=True).stdout)
targets = {t["name"]: t for t in description["targets"]}
problems = []
for name, target in targets.items():
    if target["type"] == "test" or name == "StarCertTestSupport":
        continue
    if name not in RANK:
        problems.append(f"{name}: not placed in a layer of Scripts/check-layers.py")
        continue
    for dependency in target.get("target_dependencies", []):
        if RANK.get(dependency, 99) >= RANK[name]:
            problems.append(f"{name} depends on {dependency}, which is not below it")


def closure(name, seen=None):
    seen = set() if seen is None else seen
    for dependency in targets[name].get("target_dependencies", []):
        if dependency not in seen:
            seen.add(dependency)
            closure(dependency, seen)
    return seen


for name in WITHOUT_DRAWING:
    reached = closure(name) & DRAWING
    if reached:
        problems.append(f"{name} reaches {', '.join(sorted(reached))}")
for problem in problems:
    print("check-layers: " + problem, file=sys.stderr)
if problems:
    sys.exit(1)
print("check-layers: " + " → ".join("/".join(n for n in names if n in targets) for names in LAYERS[1:])
      + f"; {', '.join(WITHOUT_DRAWING)} reach no typesetting, Cairo or Pango")
