import Foundation
import StarCertTestSupport
import Testing
@testable import Typesetting

@Test func smoke() throws {
    let typesetter = try Typesetter(fonts: TypesettingFixtures.fonts)
    let body = TextStyle(font: .serif, size: 10.5, lineSpacing: 1.15, alignment: .justified)
    var blocks: [Block] = [.heading(Heading(Paragraph("4.2 服务体系（14 分）", style: TextStyle(font: .sans, size: 14, bold: true), spaceAfter: 6), outlineLevel: 0))]
    for _ in 0..<30 {
        blocks.append(.paragraph(Paragraph("明确售后服务专属管理部门及岗位职责分工。权责覆盖售前、售中、售后全流程服务环节。岗位配置贴合企业产品特性与实际服务规模（2025 年度），内部服务权责划分清晰、运转衔接顺畅规范。“引号”测试，ABC 123。", style: body, spaceAfter: 6)))
    }
    let doc = Document(metadata: DocumentMetadata(title: "t", author: "a", subject: "s", keywords: "k", creator: "c", creationDate: "2026-05-12T00:00:00+08:00"),
                       sequences: [PageSequence(size: .a4Portrait, margins: EdgeInsets(top: 72, right: 60, bottom: 72, left: 60), footer: RunningText(center: "第 {page} 页 共 {pages} 页", style: TextStyle(font: .sans, size: 9), rule: false), blocks: blocks)])
    let laid = typesetter.layout(doc)
    let pdf = try typesetter.pdf(laid)
    try Data(pdf).write(to: URL(fileURLWithPath: "/tmp/smoke.pdf"))
    #expect(laid.pages.count > 1)
}
