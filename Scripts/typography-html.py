#!/usr/bin/env python3
"""Measures the HTML report on a phone and on paper in headless Chromium (Debian's, via Playwright).

    typography-html.py REPORT.html PDF_PAGES [CERTIFICATE.html]

Prints one line of JSON: at 1280 px, adjacent punctuation pairs compressed (the pair spanning at
most 1.6 em) and Han–Latin boundaries with a quarter-em gap, as in Scripts/typography.py;
at 390 px, the table cells holding a number that wrap onto more than one
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

SPACING = """
() => {
  const closing = new Set([...'，。、；：？！）》」』】〕〉']);
  const marks = new Set([...'，。、；：？！）》」』】〕〉（《「『【〔〈“”‘’']);
  const han = /[\u3400-\u4dbf\u4e00-\u9fff]/, latin = /[A-Za-z0-9]/;
  let pairs = 0, compressed = 0, boundaries = 0, quarter = 0;
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const range = document.createRange();
  const box = (node, i) => { range.setStart(node, i); range.setEnd(node, i + 1); return range.getBoundingClientRect(); };
  while (walker.nextNode()) {
    const node = walker.currentNode, text = node.data;
    if (!/[\u3400-\u9fff]/.test(text) || node.parentElement.closest('svg, style, title')) continue;
    const em = parseFloat(getComputedStyle(node.parentElement).fontSize);
    for (let i = 0; i + 1 < text.length; i++) {
      const a = text[i], b = text[i + 1];
      if (closing.has(a) && marks.has(b)) {
        const ra = box(node, i), rb = box(node, i + 1);
        if (ra.width === 0 || rb.width === 0 || Math.abs(ra.top - rb.top) > 1) continue;
        pairs++;
        // Chromium may take the blank from the second mark (an opening bracket): the pair spans at
        // most 1.5 em when compressed, 2 em when not.
        if (rb.right - ra.left <= 1.6 * em) compressed++;
      }
      // across one typed space
      let j = i + 1;
      if (text[j] === ' ' && j + 1 < text.length) j++;
      if ((han.test(a) && latin.test(text[j])) || (latin.test(a) && han.test(text[j]))) {
        const ra = box(node, i), rb = box(node, j);
        if (ra.width === 0 || rb.width === 0 || Math.abs(ra.top - rb.top) > 1) continue;
        boundaries++;
        const gap = (rb.left - ra.right) / em;
        if (gap >= 0.15 && gap <= 0.4) quarter++;
      }
    }
  }
  // where no space was typed, the gap is an empty element between two text nodes
  for (const gap of document.querySelectorAll('.g')) {
    const before = gap.previousSibling, after = gap.nextSibling;
    if (!before || !after || before.nodeType !== 3 || after.nodeType !== 3 || !before.data || !after.data) continue;
    const a = before.data[before.data.length - 1], b = after.data[0];
    if (!((han.test(a) && latin.test(b)) || (latin.test(a) && han.test(b)))) continue;
    const em = parseFloat(getComputedStyle(gap.parentElement).fontSize);
    const ra = box(before, before.data.length - 1), rb = box(after, 0);
    if (ra.width === 0 || rb.width === 0 || Math.abs(ra.top - rb.top) > 1) continue;
    boundaries++;
    const width = (rb.left - ra.right) / em;
    if (width >= 0.15 && width <= 0.4) quarter++;
  }
  return { pairs, compressed, boundaries, quarter };
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

LONE = """
() => {
  // Paragraphs whose last line holds one Han character, punctuation not counted (孤字).
  const han = /[\u3400-\u4dbf\u4e00-\u9fff]/, skipped = /[，。、；：？！）》」』】〕〉（《「『【〔〈“”‘’\s]/;
  const selector = 'p, li, td, dd, figcaption';
  const blocks = [...document.querySelectorAll(selector)].filter(e => !e.querySelector(selector) && !e.closest('svg'));
  const range = document.createRange();
  let paragraphs = 0, lone = 0;
  const examples = [];
  for (const block of blocks) {
    const glyphs = [];
    const walker = document.createTreeWalker(block, NodeFilter.SHOW_TEXT);
    while (walker.nextNode()) {
      const node = walker.currentNode;
      for (let i = 0; i < node.data.length; i++) {
        if (skipped.test(node.data[i])) continue;
        range.setStart(node, i); range.setEnd(node, i + 1);
        const rect = range.getBoundingClientRect();
        if (rect.width > 0) glyphs.push([node.data[i], rect.top]);
      }
    }
    if (glyphs.length < 2 || block.querySelector('br')) continue;
    const top = glyphs[glyphs.length - 1][1];
    const last = glyphs.filter(g => Math.abs(g[1] - top) < 2);
    if (last.length === glyphs.length) continue;
    paragraphs++;
    if (last.length === 1 && han.test(last[0][0])) { lone++; examples.push(block.textContent.slice(-16)); }
  }
  return { paragraphs, lone, examples: examples.slice(0, 5) };
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
        lone = page.evaluate(LONE)
        result.update(wrapped_numeric_cells=len(phone["wrappedNumbers"]), char_per_line_labels=len(phone["charPerLine"]),
                      smallest_chart_text_px=round(phone["smallestChart"], 1) if phone["smallestChart"] else None,
                      phone_overflow_px=phone["overflow"], examples=phone["wrappedNumbers"][:5] + phone["charPerLine"][:5])
        wide = browser.new_page(viewport={"width": 1280, "height": 900})
        wide.goto("file://" + report)
        spacing = wide.evaluate(SPACING)
        lone_wide = wide.evaluate(LONE)
        result.update(single_char_last_lines_phone=lone["lone"], single_char_last_lines_1280=lone_wide["lone"],
                      wrapped_paragraphs=lone["paragraphs"] + lone_wide["paragraphs"], lone_examples=lone["examples"] + lone_wide["examples"])
        result.update(punctuation_pairs=spacing["pairs"], pairs_compressed=spacing["compressed"],
                      han_latin=spacing["boundaries"], han_latin_quarter=spacing["quarter"])
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
