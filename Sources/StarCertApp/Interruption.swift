import Foundation

/// SIGINT and SIGTERM during a batch that archives: the first one lets the inputs in hand finish —
/// archived and written, so that nothing is archived and never written — and starts no other; a
/// second one ends the process at once.
public enum Interruption {
    /// Installs the handlers (once per process).
    public static func finishInputsInHand() {
        interruptionRequested = 0
        // A parent may have started this process with the signals blocked (they would then wait
        // unseen until the end): take them on this thread.
        var signals = sigset_t()
        sigemptyset(&signals)
        sigaddset(&signals, SIGINT)
        sigaddset(&signals, SIGTERM)
        pthread_sigmask(SIG_UNBLOCK, &signals, nil)
        for number in [SIGINT, SIGTERM] {
            signal(number) { received in
                interruptionRequested = received
                // The next signal of either kind ends the process.
                signal(SIGINT, SIG_DFL)
                signal(SIGTERM, SIG_DFL)
            }
        }
    }

    /// Gives SIGINT and SIGTERM back their default (the batch is over).
    public static func restoreDefaults() {
        signal(SIGINT, SIG_DFL)
        signal(SIGTERM, SIG_DFL)
    }

    /// The signal received, or nil.
    public static var received: Int32? { interruptionRequested == 0 ? nil : interruptionRequested }
}

/// Set by the signal handler alone; read by the batch between inputs.
nonisolated(unsafe) private var interruptionRequested: Int32 = 0

/// An input a batch never started because it was interrupted.
public struct Interrupted: Error, CustomStringConvertible {
    public var description: String { "not issued: the run was interrupted before this file was taken up (nothing of it was archived); issue it again" }
}
