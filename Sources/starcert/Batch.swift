import Dispatch
import Foundation

/// Runs one job per input on `jobs` worker threads. Each worker makes its own state (a renderer
/// with its own fonts and Pango context): no Pango or Cairo object crosses threads.
enum Batch {
    /// What one input produced: lines for standard output and standard error, and whether it failed.
    struct Outcome: Sendable {
        var out: [String] = []
        var err: [String] = []
        var failed = false
    }

    /// Runs `work` for every input and prints each outcome as it completes (in completion order).
    /// Returns how many inputs failed.
    static func run<Worker>(
        _ inputs: [String], jobs: Int, makeWorker: @escaping @Sendable () throws -> Worker,
        work: @escaping @Sendable (Worker, String) -> Outcome
    ) -> Int {
        let state = BatchState(total: inputs.count)
        let workers = max(1, min(jobs, inputs.count))
        DispatchQueue.concurrentPerform(iterations: workers) { _ in
            let worker: Worker
            do {
                worker = try makeWorker()
            } catch {
                state.finishAll(with: "starcert: error: \(error)")
                return
            }
            while let index = state.next() {
                let outcome = work(worker, inputs[index])
                state.complete(outcome)
            }
        }
        state.endProgress()
        return state.failures
    }
}

/// The shared queue position, the printing of outcomes and the progress line, behind one lock.
private final class BatchState: @unchecked Sendable {
    private let lock = NSLock()
    private let total: Int
    private var issued = 0
    private var done = 0
    private(set) var failures = 0
    private let started = Date()
    private let showsProgress = isatty(STDERR_FILENO) == 1

    init(total: Int) {
        self.total = total
    }

    func next() -> Int? {
        lock.lock()
        defer { lock.unlock() }
        guard issued < total else { return nil }
        issued += 1
        return issued - 1
    }

    func complete(_ outcome: Batch.Outcome) {
        lock.lock()
        defer { lock.unlock() }
        done += 1
        if outcome.failed { failures += 1 }
        if showsProgress { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
        outcome.err.forEach(Console.err)
        outcome.out.forEach { Console.out($0) }
        if showsProgress {
            let rate = Double(done) / max(Date().timeIntervalSince(started), 0.001)
            FileHandle.standardError.write(Data(String(format: "[%d/%d] %.1f files/s", done, total, rate).utf8))
        }
    }

    /// A worker could not start: every input not yet taken fails with `message`.
    func finishAll(with message: String) {
        lock.lock()
        let remaining = total - issued
        issued = total
        lock.unlock()
        guard remaining > 0 else { return }
        var outcome = Batch.Outcome(err: [message], failed: true)
        complete(outcome)
        outcome.err = []
        for _ in 1..<remaining { complete(outcome) }
    }

    func endProgress() {
        if showsProgress { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
    }
}
