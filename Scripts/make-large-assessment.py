#!/usr/bin/env python3
"""Writes a large synthetic assessment (every item with many evidence lines and findings)
for benchmarks: make-large-assessment.py OUT.yaml [LINES_PER_ITEM]"""
import sys

ITEMS = ["4.1.2", "4.2.1", "4.2.2", "4.2.3", "4.3.1", "4.3.2", "4.3.3", "4.4.1", "4.4.2", "4.4.3",
         "4.4.4", "4.5", "4.6", "4.7", "4.8", "4.9", "4.10", "4.11", "4.12", "4.13"]
PHRASES = ["抽查 2025 年度服务工单", "核对《售后服务管理手册》第 {n} 章", "访谈区域服务主管与一线工程师",
           "现场查看备件库账实相符情况", "复核顾客回访记录及满意度数据", "检查服务商季度考评表"]


def main():
    out = sys.argv[1]
    lines_per_item = int(sys.argv[2]) if len(sys.argv) > 2 else 30
    text = ["format: 1", "standard: Q/BJKB 006-2026", "kind: initial", "report_no: KB-ASM-2026-9999",
            "organization:", "  name: 广州大型综合家电售后服务集团有限公司",
            "  name_en: Guangzhou Large Integrated Appliance After-Sales Service Group Co., Ltd.",
            "  credit_code: 9144030071526726XG", "  address: 广东省广州市天河区珠江新城花城大道 88 号 20 层",
            "  scope: 家用及商用空调、冰箱、洗衣机、厨房电器的安装、维修、保养、备件供应、以旧换新及客户咨询服务",
            "audit:", "  start: 2026-09-01", "  end: 2026-09-05", "  team:",
            "    - {name: 王建国, role: leader}", "    - {name: 刘晓梅, role: member}",
            "veto:", '  "4.1.1":', "    passed: true", "    evidence: [营业执照及许可证有效]", "items:"]
    for index, item in enumerate(ITEMS):
        text += [f'  "{item}":', f"    percent: {60 + (index * 5) % 40}", "    evidence:"]
        for n in range(lines_per_item):
            phrase = PHRASES[n % len(PHRASES)].format(n=n + 1)
            text.append(f"      - {phrase}，样本 {n + 1}：记录完整，处理时限符合服务级别协议要求，问题已闭环。")
        text.append("    findings:")
        for n in range(lines_per_item // 5):
            text.append(f"      - {{text: 第 {n + 1} 项：部分记录缺少主管复核签字，需补充整改验证证据, severity: minor}}")
    with open(out, "w", encoding="utf-8") as handle:
        handle.write("\n".join(text) + "\n")


if __name__ == "__main__":
    main()
