import Dispatch
import Foundation

/// Runs one job per input on worker threads. Each worker makes its own state (a pipeline with its
/// own fonts and Pango context): no Pango or Cairo object crosses threads.
public enum Batch {
    /// Runs `work` for inputs `0..<count` on at most `jobs` workers; `completed` gets each result as
    /// it is done (in completion order, one at a time). When a worker cannot be made, the inputs
    /// not yet taken get `failure(error)` instead. Once `stops()` says so, no input is taken up
    /// any more: those in hand finish, the others get `failure(Interrupted())`.
    public static func run<Worker, Outcome: Sendable>(
        _ count: Int, jobs: Int, stops: @escaping @Sendable () -> Bool = { false },
        makeWorker: @escaping @Sendable () throws -> Worker,
        work: @escaping @Sendable (Worker, Int) -> Outcome,
        failure: @escaping @Sendable (Int, any Error) -> Outcome,
        completed: @escaping @Sendable (Outcome) -> Void
    ) {
        let state = BatchState(total: count)
        DispatchQueue.concurrentPerform(iterations: max(1, min(jobs, count))) { _ in
            let worker: Worker
            do {
                worker = try makeWorker()
            } catch {
                while let index = state.next() { state.complete { completed(failure(index, error)) } }
                return
            }
            while !stops(), let index = state.next() {
                let outcome = work(worker, index)
                state.complete { completed(outcome) }
            }
        }
        while let index = state.next() { state.complete { completed(failure(index, Interrupted())) } }
    }
}

/// The shared queue position and the completion lock.
private final class BatchState: @unchecked Sendable {
    private let lock = NSLock()
    private let total: Int
    private var issued = 0

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

    func complete(_ report: () -> Void) {
        lock.lock()
        defer { lock.unlock() }
        report()
    }
}
