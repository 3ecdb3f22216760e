#!/usr/bin/env python3
"""Opens StarCert's HTML documents in headless Chromium (Debian's, driven by Playwright) and checks
them as a reader's browser would see them.

For each HTML file: no console errors or page errors, no request leaving the file (only data: URIs),
no element wider than the page, text contrast that passes WCAG AA (4.5:1, 3:1 for large text), and
the certificate on a single A4 landscape page, and the Han-Latin gaps drawn by markup: copying an
element gives its text as typed (no added space) and searching the page finds characters typed
without a space across a gap, and no paragraph's last line holding one Han character at the page's
width or at 390 px (孤字, punctuation not counted). Writes a
full-page screenshot (PNG) and a printed PDF next to each file.

With --pages URL...: the service's pages (`starcert serve`), each at 390 px (a phone) and 1280 px:
no console errors, no request leaving the service, nothing wider than the screen, AA contrast.

Usage: browser-check.py FILE.html...          exit 1 when any check fails
       browser-check.py --pages OUTDIR URL...
"""
import importlib.util
import os
import re
import subprocess
import sys

from playwright.sync_api import sync_playwright

CHROMIUM = os.environ.get("STARCERT_CHROMIUM", "/usr/bin/chromium")
A4_WIDTH_PX = 794       # 210 mm at 96 px per inch
A4_LANDSCAPE_PX = 1123  # 297 mm

OVERFLOW_SCRIPT = """
(limit) => {
  const wide = [];
  for (const element of document.querySelectorAll('body *')) {
    const box = element.getBoundingClientRect();
    if (box.width > 0 && (box.right > limit + 1 || box.left < -1)) {
      wide.push(element.tagName.toLowerCase() + (element.className ? '.' + element.className : '') + ' right=' + Math.round(box.right));
    }
  }
  return { scrollWidth: document.documentElement.scrollWidth, wide: wide.slice(0, 10) };
}
"""


CONTRAST_SCRIPT = """
() => {
  const parse = (value) => { const m = value.match(/rgba?\\(([^)]+)\\)/); if (!m) return null; const p = m[1].split(',').map(Number); return {r: p[0], g: p[1], b: p[2], a: p.length > 3 ? p[3] : 1}; };
  const channel = (c) => { c /= 255; return c <= 0.03928 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4); };
  const luminance = (c) => 0.2126 * channel(c.r) + 0.7152 * channel(c.g) + 0.0722 * channel(c.b);
  const background = (element) => {
    for (let e = element; e; e = e.parentElement) {
      const c = parse(getComputedStyle(e).backgroundColor);
      if (c && c.a > 0) return c;
    }
    return {r: 255, g: 255, b: 255, a: 1};
  };
  const failures = [];
  for (const element of document.querySelectorAll('body *')) {
    if (element.closest('[aria-hidden="true"]')) continue;
    const text = Array.from(element.childNodes).filter(n => n.nodeType === 3).map(n => n.textContent).join('').trim();
    if (!text) continue;
    const style = getComputedStyle(element);
    const fg = parse(style.color);
    const bg = background(element);
    const l1 = luminance(fg), l2 = luminance(bg);
    const ratio = (Math.max(l1, l2) + 0.05) / (Math.min(l1, l2) + 0.05);
    const size = parseFloat(style.fontSize);
    const large = size >= 24 || (size >= 18.66 && Number(style.fontWeight) >= 700);
    if (ratio < (large ? 3 : 4.5)) failures.push(text.slice(0, 30) + ' ratio ' + ratio.toFixed(2));
  }
  return failures.slice(0, 10);
}
"""


COPY_SCRIPT = """
() => {
  // Every element holding a Han-Latin gap: copying it gives its text as typed, and searching the
  // page for the characters on both sides of a gap (typed without a space) finds them.
  const problems = [];
  let checked = 0, found = 0;
  const elements = [...document.querySelectorAll('h1, h2, h3, h4, p, li, td, th, dd, dt, figcaption, caption')]
    .filter(e => e.querySelector('.g') && !e.querySelector('h1, h2, h3, h4, p, li, td, th, dd, dt, figcaption, caption'));
  for (const element of elements) {
    const selection = getSelection();
    selection.removeAllRanges();
    const range = document.createRange();
    range.selectNodeContents(element);
    selection.addRange(range);
    const copied = selection.toString();
    checked++;
    if (/[\u2005\u200b\u2060]/.test(copied)) problems.push('copying gives an added space: ' + copied.slice(0, 40));
    if (copied.replace(/\s+/g, '') !== element.textContent.replace(/\s+/g, '')) problems.push('copying gives other text: ' + copied.slice(0, 40));
    if (checked > 40) continue;
    const before = document.createRange();
    before.setStart(element, 0);
    before.setEndBefore(element.querySelector('.g'));
    const at = before.toString().length, text = element.textContent;
    const around = text.slice(Math.max(0, at - 3), at + 3);
    selection.removeAllRanges();
    if (window.find(around, true, false, true)) found++;
    else problems.push('searching the page does not find ' + around);
  }
  getSelection().removeAllRanges();
  return { checked, found, problems: problems.slice(0, 10) };
}
"""


def typography_script(name):
    """A measuring script of Scripts/typography-html.py, which `Scripts/typography` runs on the peers' content."""
    spec = importlib.util.spec_from_file_location("typography_html", os.path.join(os.path.dirname(os.path.abspath(__file__)), "typography-html.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return getattr(module, name)


LONE_SCRIPT = typography_script("LONE")


def compare_with_pdf(path, shown):
    """The scores and percentages the browser shows must be those of the PDF rendered beside it."""
    pdf = os.path.splitext(path)[0] + ".pdf"
    if not os.path.exists(pdf):
        return []
    printed = subprocess.run(["pdftotext", pdf, "-"], capture_output=True, text=True, check=True).stdout
    numbers = re.compile(r"\d+\.\d+%?")
    in_pdf, in_html = set(numbers.findall(printed)), set(numbers.findall(shown))
    problems = [f"the PDF shows {n} but the HTML does not" for n in sorted(in_pdf - in_html)]
    problems += [f"the HTML shows {n} but the PDF does not" for n in sorted(in_html - in_pdf)]
    return problems


def check(browser, path):
    problems = []
    landscape = os.path.basename(path).startswith("certificate")
    width = A4_LANDSCAPE_PX if landscape else A4_WIDTH_PX
    page = browser.new_page(viewport={"width": width, "height": 1100})
    page.on("console", lambda message: message.type == "error" and problems.append(f"console error: {message.text}"))
    page.on("pageerror", lambda error: problems.append(f"page error: {error}"))

    def on_request(request):
        url = request.url
        if not (url.startswith("data:") or url == "file://" + os.path.abspath(path)):
            problems.append(f"request leaves the file: {url[:120]}")

    page.on("request", on_request)
    page.goto("file://" + os.path.abspath(path), wait_until="load")
    for media in ("screen", "print"):
        page.emulate_media(media=media)
        result = page.evaluate(OVERFLOW_SCRIPT, width)
        if result["scrollWidth"] > width + 1:
            problems.append(f"{media}: the page is {result['scrollWidth']} px wide, wider than {width} px")
        for element in result["wide"]:
            problems.append(f"{media}: element wider than the page: {element}")
    for failure in page.evaluate(CONTRAST_SCRIPT):
        problems.append(f"contrast below WCAG AA: {failure}")
    problems += compare_with_pdf(path, page.evaluate("document.body.innerText"))
    for phone in (False, True):
        if phone:
            page.set_viewport_size({"width": 390, "height": 844})
        lines = page.evaluate(LONE_SCRIPT)
        if lines["lone"]:
            problems.append(f"{'390 px' if phone else 'page width'}: {lines['lone']} paragraph(s) end with one character on the last line, e.g. …{lines['examples'][0]}")
    page.set_viewport_size({"width": width, "height": 1100})
    copying = page.evaluate(COPY_SCRIPT)
    problems += copying["problems"]
    if "zh" in path and not landscape and copying["checked"] < 2:
        problems.append(f"only {copying['checked']} elements with Han-Latin gaps were copied: the check does not reach the text")
    page.emulate_media(media="screen")
    base = os.path.splitext(path)[0]
    page.screenshot(path=base + ".png", full_page=True)
    page.emulate_media(media="print")
    pdf = page.pdf(path=base + ".browser.pdf", prefer_css_page_size=True, print_background=True)
    if landscape:
        pages = pdf.count(b"/Type /Page") - pdf.count(b"/Type /Pages")
        if pages != 1:
            problems.append(f"the certificate prints on {pages} pages, not one")
    page.close()
    return problems


def check_page(browser, url, width, out):
    """One page of the service at one width."""
    problems = []
    origin = re.match(r"https?://[^/]+", url).group(0)
    page = browser.new_page(viewport={"width": width, "height": 900})
    page.on("console", lambda message: message.type == "error" and problems.append(f"console error: {message.text}"))
    page.on("pageerror", lambda error: problems.append(f"page error: {error}"))

    def on_request(request):
        if not (request.url.startswith("data:") or request.url.startswith(origin)):
            problems.append(f"request leaves the service: {request.url[:120]}")

    page.on("request", on_request)
    response = page.goto(url, wait_until="load")
    if response is not None and response.status == 404:
        # The error page itself: the browser reports the 404 it was asked to show.
        problems[:] = [p for p in problems if "status of 404" not in p]
    result = page.evaluate(OVERFLOW_SCRIPT, width)
    if result["scrollWidth"] > width + 1:
        problems.append(f"the page is {result['scrollWidth']} px wide, wider than the {width} px screen")
    for element in result["wide"]:
        problems.append(f"element wider than the screen: {element}")
    for failure in page.evaluate(CONTRAST_SCRIPT):
        problems.append(f"contrast below WCAG AA: {failure}")
    smallest = page.evaluate("() => Math.min(...Array.from(document.querySelectorAll('body *')).filter(e => e.innerText && e.innerText.trim()).map(e => parseFloat(getComputedStyle(e).fontSize)))")
    if smallest < 12:
        problems.append(f"text as small as {smallest} px")
    name = re.sub(r"[^A-Za-z0-9]+", "-", url[len(origin):]).strip("-")[:60] or "home"
    page.screenshot(path=os.path.join(out, f"{name}-{width}.png"), full_page=True)
    page.close()
    return problems


def main():
    arguments = sys.argv[1:]
    if not arguments:
        raise SystemExit(__doc__)
    failed = 0
    if arguments[0] == "--pages":
        out, urls = arguments[1], arguments[2:]
        os.makedirs(out, exist_ok=True)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
            for url in urls:
                for width in (390, 1280):
                    problems = check_page(browser, url, width, out)
                    print(f"browser-check: {url} at {width} px: {'ok' if not problems else f'{len(problems)} problem(s)'}")
                    for problem in problems:
                        print(f"  {problem}")
                    failed += bool(problems)
            browser.close()
        print(f"{len(urls) * 2 - failed} passed, {failed} failed")
        sys.exit(1 if failed else 0)
    files = arguments
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        for path in files:
            problems = check(browser, path)
            status = "ok" if not problems else f"{len(problems)} problem(s)"
            print(f"browser-check: {path}: {status}")
            for problem in problems:
                print(f"  {problem}")
            failed += bool(problems)
        browser.close()
    print(f"{len(files) - failed} passed, {failed} failed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
