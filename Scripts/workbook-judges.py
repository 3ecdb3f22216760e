#!/usr/bin/env python3
"""The scoring workbook against programs StarCert did not write (run by Scripts/workbook-check):

1. openpyxl fills a blank `starcert init -o` workbook the way an auditor would — typing only into
   input cells: dates as dates, one percent as text "75%", one as a percent-formatted 0.9 — and
   StarCert's total must be the one computed here independently from the points on the sheet.
2. LibreOffice Calc opens that workbook and saves it again: StarCert reads the same result, and the
   formulas as LibreOffice computed them show StarCert's total and star level.
3. openpyxl inserts a column before the percents, hides a row and swaps two item rows: the same result.

    workbook-judges.py STARCERT FOLDER
"""
import datetime
import json
import os
import shutil
import subprocess
import sys

import openpyxl

starcert, folder = sys.argv[1], sys.argv[2]
problems = []


def run(*arguments, check=True):
    result = subprocess.run([starcert, *arguments], cwd=folder, capture_output=True, text=True, timeout=120)
    if check and result.returncode != 0:
        sys.exit(f"workbook-judges: starcert {' '.join(arguments)} failed:\n{result.stderr}")
    return result


def header_columns(sheet, row=3):
    return {str(cell.value).strip(): cell.column for cell in sheet[row] if cell.value is not None}


def score(name):
    return json.loads(run("score", name, "--json").stdout)


run("init", "-o", "blank.xlsx")
book = openpyxl.load_workbook(os.path.join(folder, "blank.xlsx"))
facts = book["基本信息"]
labels = {facts.cell(row, 1).value: row for row in range(4, 30) if facts.cell(row, 1).value}
values = {
    "评价类型": "初次认证", "组织名称": "北京示例家电服务有限公司", "统一社会信用代码": "91110108MA01C2XK3R",
    "地址": "北京市海淀区测试路 1 号", "评价范围": "家用空调的安装、维修与保养服务",
    "评价开始日期": datetime.date(2026, 5, 10), "评价结束日期": "2026/5/12", "评价场所": "总部\n备件库",
}
for label, value in values.items():
    facts.cell(labels[label], 2).value = value
    if isinstance(value, datetime.date):
        facts.cell(labels[label], 2).number_format = "yyyy-mm-dd"
team = book["评价组"]
team.cell(4, 2).value, team.cell(4, 3).value = "张三", "组长"
team.cell(5, 2).value, team.cell(5, 3).value = "李四", "组员"

scoring = book["评分表"]
columns = header_columns(scoring)
expected_hundredths = 0
rows = {}
for row in range(4, scoring.max_row + 1):
    item = scoring.cell(row, columns["条款"]).value
    if not item:
        continue
    rows[item] = row
    points = scoring.cell(row, columns["分值"]).value
    percent_cell = scoring.cell(row, columns["得分率（%）"])
    if points == "否决项":
        percent_cell.value = "符合"
        continue
    percent = 60 + (len(rows) * 7) % 41
    if item == "4.2.1":
        percent_cell.value = f"{percent}%"
    elif item == "4.3.1":
        percent_cell.value = percent / 100
        percent_cell.number_format = "0%"
    else:
        percent_cell.value = percent
    expected_hundredths += points * percent
    scoring.cell(row, columns["评价证据"]).value = f"记录 {item}-1\n现场核查 {item}-2"
findings = book["问题清单"]
findings.cell(4, 1).value, findings.cell(4, 2).value, findings.cell(4, 3).value = "4.2.1", "部分门店未留存整改验证记录", "一般"
book.save(os.path.join(folder, "filled.xlsx"))

result = score("filled.xlsx")
total = result.get("total")
if total != f"{expected_hundredths // 100}.{expected_hundredths % 100:02d}":
    problems.append(f"openpyxl-filled workbook: StarCert's total is {total}, computed here {expected_hundredths / 100:.2f}")

# LibreOffice Calc opens and saves it again; its formulas are computed on the way.
converted = os.path.join(folder, "lo")
os.makedirs(converted, exist_ok=True)
subprocess.run(["soffice", "--headless", "--norestore", "--convert-to", "xlsx", "--outdir", converted, os.path.join(folder, "filled.xlsx")],
               env={**os.environ, "HOME": folder}, capture_output=True, timeout=180, check=True)
shutil.copy(os.path.join(converted, "filled.xlsx"), os.path.join(folder, "resaved.xlsx"))
if score("resaved.xlsx") != result:
    problems.append(f"after LibreOffice saved it: {score('resaved.xlsx')} instead of {result}")
computed = openpyxl.load_workbook(os.path.join(folder, "resaved.xlsx"), data_only=True)["评分表"]
labels = {computed.cell(row, 1).value: row for row in range(4, computed.max_row + 1)}
lo_total = computed.cell(labels["总分"], columns["得分"]).value
lo_stars = computed.cell(labels["星级"], columns["评分档"]).value
if lo_total is None or f"{lo_total:.2f}" != total:
    problems.append(f"LibreOffice computes the total {lo_total}, StarCert {total}")
stars = "★" * result["star_level"] if result.get("star_level") else None
if lo_stars != stars:
    problems.append(f"LibreOffice shows the star level {lo_stars!r}, StarCert {stars!r} ({result})")

# Columns found by header, items by id: insert a column, hide a row, swap two items' rows.
book = openpyxl.load_workbook(os.path.join(folder, "filled.xlsx"))
scoring = book["评分表"]
scoring.insert_cols(columns["得分率（%）"])
scoring.cell(3, columns["得分率（%）"]).value = "备注"
first, second = rows["4.1.2"], rows["4.2.1"]
for column in range(2, scoring.max_column + 1):  # column A: the section, merged down its rows
    a, b = scoring.cell(first, column), scoring.cell(second, column)
    a.value, b.value = b.value, a.value
    a.number_format, b.number_format = b.number_format, a.number_format
scoring.row_dimensions[rows["4.3.1"]].hidden = True
book.save(os.path.join(folder, "rearranged.xlsx"))
if score("rearranged.xlsx") != result:
    problems.append(f"rearranged workbook: {score('rearranged.xlsx')} instead of {result}")

for problem in problems:
    print("workbook-judges: " + problem, file=sys.stderr)
if problems:
    sys.exit(1)
print(f"workbook-judges: openpyxl-filled, LibreOffice-resaved and rearranged workbooks all score {total}"
      f" ({stars or 'no star level'}); LibreOffice's formulas agree")
