import Foundation

/// Whole-file reads and atomic writes.
///
/// Why atomic: caches in `~/.cache/entk` are read by later runs; a run interrupted mid-write
/// must never leave a truncated `.npy` that a later run then trusts. Writing to a temporary
/// file in the same directory and `rename(2)`-ing it over the target is atomic on POSIX.
public enum AtomicFile {
    /// Reads the whole file into memory, with an error naming the file when it cannot.
    public static func read(_ path: String) throws -> [UInt8] {
        guard let data = FileManager.default.contents(atPath: path) else {
            let exists = FileManager.default.fileExists(atPath: path)
            throw DataError(path: path, exists ? "cannot be read (permissions?)" : "no such file")
        }
        return [UInt8](data)
    }

    /// Writes `bytes` to `path` atomically, creating the parent directory if needed.
    public static func write(_ bytes: [UInt8], to path: String) throws {
        try write(to: path) { tmp in
            do {
                try Data(bytes).write(to: URL(fileURLWithPath: tmp))
            } catch {
                throw DataError(path: path, "cannot write temporary file \(tmp): \(error.localizedDescription)")
            }
        }
    }

    /// Writes `text` as UTF-8 to `path` atomically (CSV exports, JSON documents).
    public static func write(_ text: String, to path: String) throws {
        try write(Array(text.utf8), to: path)
    }

    /// Lets `produce` write a temporary file in the target's directory (for C libraries that
    /// want a path, like libtiff), then moves it over `path` atomically.
    public static func write(to path: String, using produce: (_ temporaryPath: String) throws -> Void) throws {
        let url = URL(fileURLWithPath: path)
        let dir = url.deletingLastPathComponent()
        do {
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        } catch {
            throw DataError(path: dir.path, "cannot create directory: \(error.localizedDescription)")
        }
        // Temp files of killed runs (their PID is gone) are removed when the target is next written.
        AtomicFolder.removeStale(prefix: ".\(url.lastPathComponent).tmp-", in: dir.path)
        let tmp = dir.appendingPathComponent(".\(url.lastPathComponent).tmp-\(getpid())-\(UUID().uuidString)").path
        do {
            try produce(tmp)
        } catch {
            try? FileManager.default.removeItem(atPath: tmp)
            throw error
        }
        if rename(tmp, url.path) != 0 {
            let reason = String(cString: strerror(errno))
            try? FileManager.default.removeItem(atPath: tmp)
            throw DataError(path: path, "cannot move temporary file into place: \(reason)")
        }
    }
}
