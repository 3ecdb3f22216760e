#!/usr/bin/env python3
"""Measures the HTML report on a phone and on paper in headless Chromium (Debian's, via Playwright).

    typography-html.py REPORT.html PDF_PAGES [CERTIFICATE.html]

Prints one line of JSON: at 390 px, the table cells holding a number that wrap onto more than one
line, the short labels (at most six characters) set one character per line, the smallest chart
text in CSS pixels and the page's overflow; printed by Chromium on A4, the number of pages
against the PDF's; for a certificate, the smallest text at 390 px and whether it fits the width.
"""
import json
import re
import sys

from playwright.sync_api import sync_playwright

CHROMIUM = "/usr/bin/chromium"

PHONE = """
() => {
  const number = /^[\\s\\d.,:%/+\\-−–★☆]+(分|项|%|份)?$/;
  const linesOf = (element) => {
    const range = document.createRange();
    range.selectNodeContents(element);
    const tops = new Set();
    for (const rect of range.getClientRects()) { if (rect.width > 0) tops.add(Math.round(rect.top)); }
    return tops.size;
  };
  const wrappedNumbers = [], charPerLine = [];
  for (const cell of document.querySelectorAll('td, th, dd, dt')) {
    const text = cell.textContent.trim();
    if (!text) continue;
    const lines = linesOf(cell);
    if (number.test(text) && /\\d/.test(text) && lines > 1) wrappedNumbers.push(text);
    const chars = [...text.replace(/\\s/g, '')];
    if (chars.length > 1 && chars.length <= 6 && lines >= chars.length) charPerLine.push(text);
  }
  let smallestChart = null;
  for (const text of document.querySelectorAll('svg.chart text, .chart text, .bars *')) {
    if (!text.textContent.trim()) continue;
    const rect = text.getBoundingClientRect();
    if (rect.height === 0) continue;
    const svg = text.closest('svg');
    let size = parseFloat(getComputedStyle(text).fontSize);
    if (svg && svg.viewBox && svg.viewBox.baseVal && svg.viewBox.baseVal.width) {
      size *= svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
    }
    smallestChart = smallestChart === null ? size : Math.min(smallestChart, size);
  }
  return { wrappedNumbers, charPerLine, smallestChart,
           overflow: document.documentElement.scrollWidth - document.documentElement.clientWidth };
}
"""

SMALLEST_TEXT = """
() => {
  let smallest = null;
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode;
    if (!node.textContent.trim()) continue;
    const element = node.parentElement;
    const range = document.createRange();
    range.selectNodeContents(node);
    const rect = range.getBoundingClientRect();
    if (rect.width === 0) continue;
    let size = parseFloat(getComputedStyle(element).fontSize);
    const svg = element.closest('svg');
    if (svg && svg.viewBox && svg.viewBox.baseVal && svg.viewBox.baseVal.width) {
      size *= svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
    }
    smallest = smallest === null ? size : Math.min(smallest, size);
  }
  return { smallest, overflow: document.documentElement.scrollWidth - document.documentElement.clientWidth };
}
"""


def pdf_pages(data):
    return len(re.findall(rb"/Type\s*/Page[^s]", data))


def main(argv):
    report, pdf_page_count = argv[0], int(argv[1])
    certificate = argv[2] if len(argv) > 2 else None
    result = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        page = browser.new_page(viewport={"width": 390, "height": 844})
        page.goto("file://" + report)
        phone = page.evaluate(PHONE)
        result.update(wrapped_numeric_cells=len(phone["wrappedNumbers"]), char_per_line_labels=len(phone["charPerLine"]),
                      smallest_chart_text_px=round(phone["smallestChart"], 1) if phone["smallestChart"] else None,
                      phone_overflow_px=phone["overflow"], examples=phone["wrappedNumbers"][:5] + phone["charPerLine"][:5])
        printed = page.pdf(format="A4", prefer_css_page_size=True)
        result.update(printed_pages=pdf_pages(printed), pdf_pages=pdf_page_count,
                      printed_type3_fonts=printed.count(b"/Type3"))
        if certificate:
            page.goto("file://" + certificate)
            shown = page.evaluate(SMALLEST_TEXT)
            result.update(certificate_smallest_text_px=round(shown["smallest"], 1), certificate_overflow_px=shown["overflow"])
        browser.close()
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main(sys.argv[1:])
