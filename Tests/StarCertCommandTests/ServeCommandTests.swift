import Foundation
import StarCertTestSupport
import Testing

/// `starcert serve` as a process: it refuses what it cannot serve, answers on its port, and stops
/// cleanly on SIGTERM; `archive backup` copies the archive while it runs.
@Suite struct ServeCommandTests {
    func freePort() -> Int { 20_000 + Int.random(in: 0..<20_000) }

    func get(_ port: Int, _ path: String) throws -> String {
        try ExternalProgram.run("curl", ["-s", "http://127.0.0.1:\(port)\(path)"]).stdout
    }

    func waitUntilServing(_ port: Int) -> Bool {
        for _ in 0..<100 {
            if (try? get(port, "/healthz")) == "ok\n" { return true }
            usleep(100_000)
        }
        return false
    }

    /// `starcert serve` over the fixture's archive on a free port, its log on a pipe.
    func startServing(_ fixture: IssuingFixture) throws -> (server: Process, port: Int, log: Pipe) {
        let port = freePort()
        let server = Process()
        server.executableURL = try StarCertExecutable.url()
        server.arguments = ["serve", "--archive", fixture.archive, "--listen", "127.0.0.1:\(port)"]
        server.currentDirectoryURL = fixture.folder
        server.standardOutput = FileHandle.nullDevice
        let log = Pipe()
        server.standardError = log
        try server.run()
        return (server, port, log)
    }

    @Test func serveRefusesAProfileWithPlaceholdersOrAForeignArchive() throws {
        let fixture = try IssuingFixture()
        defer { fixture.remove() }
        try fixture.run(["issue", "four-star-certification.yaml", "-o", "out", "--date", "2026-06-10"]).expectSuccess()
        let placeholders = try fixture.run(["serve", "--issuer", "issuer-template.yaml", "--listen", "127.0.0.1:\(freePort())"])
        #expect(placeholders.status == 1 && placeholders.stderr.contains("still holds the placeholder"))
        try Data("not an archive".utf8).write(to: fixture.folder.appendingPathComponent("foreign.sqlite"))
        let foreign = try fixture.run(["serve", "--archive", "foreign.sqlite", "--listen", "127.0.0.1:\(freePort())"])
        #expect(foreign.status == 1 && foreign.stderr.contains("is not a StarCert archive"))
        let badListen = try fixture.run(["serve", "--listen", "nowhere"])
        #expect(badListen.status == 1 && badListen.stderr.contains("expected HOST:PORT"))
    }

    @Test func serveAnswersSeesNewCertificatesAndStopsOnSIGTERM() throws {
        let fixture = try IssuingFixture()
        defer { fixture.remove() }
        try fixture.run(["issue", "vetoed-certification.yaml", "-o", "warm", "--date", "2026-06-10"]).expectSuccess()
        let (server, port, log) = try startServing(fixture)
        defer { if server.isRunning { server.terminate() } }
        #expect(waitUntilServing(port))
        // A certificate issued by another process while the server runs is served at once.
        try fixture.run(["issue", "four-star-certification.yaml", "-o", "out", "--date", "2026-06-10"]).expectSuccess()
        #expect(try get(port, "/c/KB-ASM-2026-000001").contains("北京华信家电服务有限公司"))
        // A consistent copy while it runs.
        let backup = try fixture.run(["archive", "backup", "copy.sqlite"])
        #expect(backup.status == 0, "\(backup.stderr)")
        let verified = try fixture.run(["archive", "verify", "--archive", "copy.sqlite"])
        let listed = try fixture.run(["archive", "list", "--archive", "copy.sqlite"])
        #expect(verified.status == 0 && listed.stdout.contains("KB-ASM-2026-000001"))
        kill(server.processIdentifier, SIGTERM)
        server.waitUntilExit()
        #expect(server.terminationStatus == 0)
        let lines = String(decoding: log.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(lines.contains("GET /c/KB-ASM-2026-000001 200"))
    }

    /// `serve` applies the lifecycle rules at start: a certificate whose first surveillance is a
    /// month overdue shows as suspended on its public page and in the API, without anyone running
    /// `lifecycle apply`.
    @Test func serveAppliesTheLifecycleRulesAtStart() throws {
        let fixture = try IssuingFixture()
        defer { fixture.remove() }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "Asia/Shanghai")!
        func day(_ months: Int, _ days: Int = 0) -> String {
            let date = calendar.date(byAdding: .day, value: days, to: calendar.date(byAdding: .month, value: months, to: Date())!)!
            let parts = calendar.dateComponents([.year, .month, .day], from: date)
            return String(format: "%04d-%02d-%02d", parts.year!, parts.month!, parts.day!)
        }
        let issued = day(-13)
        try fixture.example("old.yaml") {
            $0.replacingOccurrences(of: "start: 2026-05-10", with: "start: \(day(-13, -3))").replacingOccurrences(of: "end: 2026-05-12", with: "end: \(day(-13, -2))")
        }
        let done = try fixture.run(["issue", "old.yaml", "-o", "out", "--date", issued])
        try done.expectSuccess()
        let number = try #require(done.stdout.firstMatch(of: /certificate (KB-ASM-\d{4}-\d{6})/)?.1)
        let (server, port, log) = try startServing(fixture)
        defer { if server.isRunning { server.terminate() } }
        #expect(waitUntilServing(port))
        let page = try get(port, "/c/\(number)")
        #expect(page.contains("暂停"), "\(page)")
        let api = try get(port, "/api/v1/certificates/\(number)")
        #expect(api.contains("\"status_code\": \"02\"") && api.contains("\"status\": \"suspended\""), "\(api)")
        kill(server.processIdentifier, SIGTERM)
        server.waitUntilExit()
        #expect(server.terminationStatus == 0)
        let lines = String(decoding: log.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(lines.contains("surveillance-overdue") && lines.contains("lifecycle applied on"), "\(lines)")
        let history = try fixture.run(["archive", "verify"])
        #expect(history.status == 0, "\(history.stdout)")
    }
}
