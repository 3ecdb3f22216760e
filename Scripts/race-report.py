#!/usr/bin/env python3
"""Prints the race's table from the timings and PDF checks in WORK (see Scripts/race)."""
import json
import os
import sys

work = sys.argv[1]
timings = {}
for line in open(os.path.join(work, "timings.jsonl")):
    record = json.loads(line)
    timings[record["label"]] = record


def check(name):
    return json.load(open(os.path.join(work, f"check-{name}.json")))


def median(label, key="wall"):
    return timings[label][key]["median"]


rows = []
for tool in ("starcert", "typst", "weasyprint"):
    c = check(tool)
    batch = "starcert batch jobs=2" if tool == "starcert" else f"{tool} batch"
    rows.append((tool, median(f"{tool} single"), median(f"{tool} single", "peak_mib"), c["pages"], c["bytes"],
                 median(batch), median(batch, "peak_mib")))

print(f"{'tool':<12}{'single s':>10}{'peak MiB':>10}{'pages':>7}{'PDF bytes':>11}{'batch-20 s':>12}{'batch MiB':>11}")
for tool, single, peak, pages, size, batch, batch_peak in rows:
    print(f"{tool:<12}{single:>10.3f}{peak:>10.1f}{pages:>7}{size:>11,}{batch:>12.3f}{batch_peak:>11.1f}")

star = rows[0]
# The peers put the certificate page into the report's PDF; StarCert writes it as its own file.
with_certificate = star[4] + check("starcert-certificate")["bytes"]
print(f"StarCert report + certificate PDFs: {with_certificate:,} bytes")
for peer in rows[1:]:
    print(f"StarCert vs {peer[0]}: single {peer[1] / star[1]:.1f}x faster, batch {peer[5] / star[5]:.1f}x faster, "
          f"memory {star[2] / peer[2]:.2f} of it, PDF bytes {star[4] / peer[4]:.2f} of it "
          f"({with_certificate / peer[4]:.2f} with the certificate's file)")
print(f"StarCert batch of 100: {median('starcert batch of 100'):.3f} s, peak {median('starcert batch of 100', 'peak_mib'):.1f} MiB")
print(f"StarCert batch --jobs 2 vs --jobs 1: {median('starcert batch jobs=1') / median('starcert batch jobs=2'):.2f}x")
starcert_batch = [json.loads(line) for line in open(os.path.join(work, "check-starcert-batch.jsonl"))]
print("StarCert typography over the 20 reports: "
      f"{sum(r['lines_starting_with_closing_punct'] for r in starcert_batch)} lines starting with closing punctuation, "
      f"{sum(r['lines_ending_with_opening_punct'] for r in starcert_batch)} ending with opening punctuation")
