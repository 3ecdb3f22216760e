import StarCertCore
import StarCertTestSupport
import Testing

@Suite struct CreditCodeTests {
    @Test(arguments: [
        "91110108MA01C2XK3R",
        "91320594764430617X",
        "NA110108MA01C2XK3G",  // letters in positions 1 and 2
        "91310000MA1K4Q8R20",  // check character 0
    ])
    func validCodesAreAccepted(code: String) throws {
        #expect(try CreditCode.validate(code).get().value == code)
    }

    @Test func lowerCaseAndFullWidthInputIsNormalised() throws {
        #expect(try CreditCode.validate("91110108ma01c2xk3r").get().value == "91110108MA01C2XK3R")
        #expect(try CreditCode.validate("９１１１０１０８ＭＡ０１Ｃ２ＸＫ３Ｒ").get().value == "91110108MA01C2XK3R")
        #expect(try CreditCode.validate(" 91110108MA01C2XK3R ").get().value == "91110108MA01C2XK3R")
    }

    @Test func aWrongCheckCharacterNamesTheExpectedOne() {
        #expect(throws: CreditCode.ProblemError.self) { try CreditCode.validate("91110108MA01C2XK3Q").get() }
        guard case let .failure(error) = CreditCode.validate("91310000MA1K4Q8R2Y") else {
            Issue.record("accepted a wrong check character")
            return
        }
        #expect(error.problem == .checkCharacter(found: "Y", expected: "0"))
    }

    @Test func lettersOutsideTheCharacterSetAndWrongLengthsAreRefused() {
        guard case let .failure(letter) = CreditCode.validate("91110108MA01C2XI3R") else {
            Issue.record("accepted the letter I")
            return
        }
        #expect(letter.problem == .character("I", position: 16))
        guard case let .failure(length) = CreditCode.validate("91110108MA01C2XK3") else {
            Issue.record("accepted 17 characters")
            return
        }
        #expect(length.problem == .length(17))
    }

    /// Any single mistyped character is caught: the check character differs or the set rejects it.
    @Test func everySingleCharacterChangeIsDetected() {
        let code = Array("91110108MA01C2XK3R")
        for position in 0..<code.count {
            for replacement in CreditCode.characters where replacement != code[position] {
                var changed = code
                changed[position] = replacement
                if case .success = CreditCode.validate(String(changed)) {
                    Issue.record("\(String(changed)) passed")
                }
            }
        }
    }
}

@Suite struct AssessmentTemplateTests {
    @Test func theWorkbookPassesTheCheckOncePercentsAreFilledIn() throws {
        let standard = try Fixtures.standard()
        let blank = AssessmentTemplate.yaml(for: standard, date: CalendarDate(year: 2026, month: 11, day: 27)!)
        let unfilled = try AssessmentFixture.parse(blank)
        #expect(unfilled.errors.count == standard.items.count)
        #expect(unfilled.errors.allSatisfy { $0.message.contains("is empty; expected a whole number from 0 to 100") })

        let filled = blank.replacingOccurrences(of: "    percent:    ", with: "    percent: 85 ")
        let parsed = try AssessmentFixture.parse(filled)
        #expect(parsed.errors.isEmpty, "\(parsed.errors)")
        #expect(parsed.assessment?.kind == .selfAssessment)
        #expect(parsed.warnings.contains { $0.message.contains("still the sample from `starcert init`") })
        for item in standard.items {
            #expect(blank.contains("  \"\(item.id)\":\n"))
            for requirement in item.requirements { #expect(blank.contains("#   - \(requirement)")) }
        }
    }
}
