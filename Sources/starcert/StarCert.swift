import ArgumentParser

@main
struct StarCert: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "starcert",
        abstract: "Evaluate after-sales service maturity against Q/BJKB 006-2026 and report the results.",
        discussion: """
            An assessment file (YAML or JSON, format 1) records what was found for every item of the \
            standard. `check` validates it, `score` scores it exactly, `init` writes a blank one, and \
            `standard` shows what the standard asks for.
            """,
        version: "0.1.0",
        subcommands: [CheckCommand.self, ScoreCommand.self, ReportCommand.self, InitCommand.self, StandardCommand.self, IssuerCommand.self, KeysCommand.self, IssueCommand.self, VerifyCommand.self, CertificateCommand.self, ArchiveCommand.self, ShareCommand.self, ServeCommand.self]
    )
}
