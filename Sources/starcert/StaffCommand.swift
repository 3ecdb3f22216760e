import ArgumentParser
import Foundation
import StarCertArchive
import StarCertCore
import StarCertIssuing

/// `--roles auditor,reviewer`: one or more roles, each named once.
struct RoleList: ExpressibleByArgument {
    let roles: Set<Archive.Role>

    init?(argument: String) {
        var roles: Set<Archive.Role> = []
        for part in argument.split(separator: ",", omittingEmptySubsequences: false) {
            guard let role = Archive.Role(rawValue: part.trimmingCharacters(in: .whitespaces)), roles.insert(role).inserted else { return nil }
        }
        self.roles = roles
    }

    static var allValueStrings: [String] { Archive.Role.allCases.map(\.rawValue) }
}

struct StaffCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "staff", abstract: "The body's people: their roles and personal signing keys.",
        subcommands: [Add.self, List.self, Retire.self])

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add a person with their roles; a personal ECDSA P-256 key (staff-ID.key, mode 0600) is made in the keys folder.")
        @Argument(help: "The person's name, as assessments name them.") var name: String
        @Option(help: "Comma-separated roles: auditor, reviewer, decider.") var roles: RoleList
        @Option(help: "The folder of the issuer's key (it signs the record) and of the staff keys.") var keys: String = "."
        @Option(help: "A P-256 private key (PEM) the person keeps themselves, instead of a new one.") var key: String?
        @OptionGroup var archiveOptions: ArchiveOptions

        func run() throws {
            let added = try running {
                try Staffing.add(name: name, roles: roles.roles, archive: try archiveOptions.open(.readWrite), keys: URL(fileURLWithPath: keys), ownKey: key)
            }
            Console.out("added \(Console.escapedLine(added.staff.name)) (staff \(added.staff.id ?? 0): \(added.staff.roles)); their key: \(Console.escapedLine(added.keyPath))")
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the body's people, their roles and whether they are retired.")
        @OptionGroup var archiveOptions: ArchiveOptions

        func run() throws {
            let staff = try running { try archiveOptions.open(.readOnly).staff() }
            var table = TextTable(columns: [("id", .right), ("name", .left), ("roles", .left), ("added", .left), ("status", .left)])
            for person in staff {
                table.add([String(person.id ?? 0), Console.escapedLine(person.name), person.roles, String(person.addedAt.prefix(10)),
                           person.retiredAt.map { "retired " + $0.prefix(10) } ?? "active"])
            }
            Console.out(table.render())
        }
    }

    struct Retire: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Retire a person: kept in the record, never able to act again.")
        @Argument(help: "The person's name.") var name: String
        @Option(help: "Why.") var reason: String = ""
        @Option(help: "The folder of the issuer's key, which signs the record.") var keys: String = "."
        @OptionGroup var archiveOptions: ArchiveOptions

        func run() throws {
            let retired = try running {
                try Staffing.retire(name: name, reason: reason, archive: try archiveOptions.open(.readWrite), keys: URL(fileURLWithPath: keys))
            }
            Console.out("retired \(Console.escapedLine(retired.name))")
        }
    }
}
