import Foundation

/// The one lock around Cairo, Pango, fontconfig and FreeType. Each render has its own font map,
/// context and fontconfig configuration, but the libraries share state behind them that their own
/// locks do not always order (Cairo's caches of FreeType faces, which Pango's fonts lock from the
/// other side): two renders on two threads could deadlock inside them. Every call into these
/// libraries, creating and freeing their objects included, runs holding this lock, so renders on
/// parallel threads take turns inside the libraries and work in parallel outside them.
enum GraphicsLibraries {
    private static let lock = NSRecursiveLock()

    static func use<T, E: Error>(_ body: () throws(E) -> T) throws(E) -> T {
        lock.lock()
        defer { lock.unlock() }
        return try body()
    }
}
