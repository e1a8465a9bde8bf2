import Foundation

/// Crash-safe file writes for the tile store: the bytes go to a temporary file in the target's
/// directory, are fsync'ed, and the file is renamed over the target (then the directory is
/// fsync'ed so the rename itself survives a power cut). A kill at any moment leaves either no
/// file or the complete one under the final name, never a partial one; a failed write (disk
/// full) removes the temporary file and reports the system's reason.
enum DurableFile {
    /// `write(2)`-shaped function, replaceable in tests to inject failures (e.g. ENOSPC).
    typealias Writer = (_ fd: Int32, _ buffer: UnsafeRawPointer, _ count: Int) -> Int

    static func write(_ bytes: [UInt8], to path: String, writer: Writer = { Glibc.write($0, $1, $2) }) throws {
        let url = URL(fileURLWithPath: path)
        let dir = url.deletingLastPathComponent().path
        let tmp = (dir as NSString).appendingPathComponent(TemporaryFile.name(for: url.lastPathComponent))
        let fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw StoreError("cannot create \(tmp): \(String(cString: strerror(errno)))") }
        var closed = false
        func fail(_ what: String) -> StoreError {
            let reason = String(cString: strerror(errno))
            if !closed { close(fd); closed = true }
            unlink(tmp)
            return StoreError("cannot write \(path): \(what): \(reason); nothing was left under that name")
        }
        // Bounds: `offset` only grows by what write returned (0 < n ≤ remaining), so
        // base + offset stays within bytes[0..<count].
        try bytes.withUnsafeBytes { raw in
            guard let base = raw.baseAddress else { return }
            var offset = 0
            while offset < raw.count {
                let n = writer(fd, base + offset, raw.count - offset)
                if n < 0 {
                    if errno == EINTR { continue }
                    throw fail("write failed")
                }
                if n == 0 { errno = EIO; throw fail("write made no progress") }
                offset += min(n, raw.count - offset)
            }
        }
        if fsync(fd) != 0 { throw fail("fsync failed") }
        if close(fd) != 0 { closed = true; throw fail("close failed") }
        closed = true
        if rename(tmp, path) != 0 { throw fail("rename failed") }
        let dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if dfd >= 0 { _ = fsync(dfd); close(dfd) }
    }
}

/// Names of the temporary files `DurableFile` writes, and the rule for removing ones a killed
/// writer left behind without ever touching one a live writer is still writing.
///
/// A temporary file is `.NAME.tmp-HOST-PID-RANDOM` (HOST: this machine's host name, `-`-free
/// characters kept, others as `_`). It exists only between `open` and `rename` of one tile or
/// manifest write — seconds. A leftover is **stale**, and removed by any writer of the store, if
/// - it was made on this host by a process that no longer exists (`kill(pid, 0)` fails with
///   ESRCH) and was last modified at least `deadWriterAge` (60 s) ago — the margin covers a
///   process in another PID namespace that shares the host name; or
/// - it was last modified at least `anyWriterAge` (1 h) ago, whatever made it (another node of
///   a shared filesystem, whose processes cannot be checked, or an older name without a host)
///   — unless it is from this host and its process is alive.
/// Everything else is left alone.
public enum TemporaryFile {
    public static let deadWriterAge: Double = 60
    public static let anyWriterAge: Double = 3600

    /// This machine's host name as it appears in temporary names.
    public static let host: String = {
        var buf = [CChar](repeating: 0, count: 256)
        let raw = gethostname(&buf, buf.count) == 0 ? String(cString: buf) : "unknown"
        let clean = String(raw.map { $0.isLetter || $0.isNumber || $0 == "." ? $0 : "_" })
        return clean.isEmpty ? "unknown" : clean
    }()

    static func name(for final: String) -> String {
        ".\(final).tmp-\(host)-\(getpid())-\(UUID().uuidString.prefix(8))"
    }

    /// Host and pid of a temporary name (host nil for the older `.NAME.tmp-PID-RANDOM`); nil
    /// when `name` is not a temporary file.
    public static func owner(of name: String) -> (host: String?, pid: Int32)? {
        guard name.hasPrefix("."), let r = name.range(of: ".tmp-", options: .backwards) else { return nil }
        let parts = name[r.upperBound...].split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count >= 2, let pid = Int32(parts[parts.count - 2]) else { return nil }
        let host = parts.count >= 3 ? parts[0..<(parts.count - 2)].joined(separator: "-") : nil
        return (host, pid)
    }

    /// The rule above. `isAlive` answers for a pid of this host.
    public static func isStale(name: String, age: Double, thisHost: String = host,
                               isAlive: (Int32) -> Bool = processExists) -> Bool {
        guard let o = owner(of: name) else { return false }
        if o.host == thisHost {
            if isAlive(o.pid) { return false }
            return age >= deadWriterAge
        }
        return age >= anyWriterAge
    }

    public static func processExists(_ pid: Int32) -> Bool {
        guard pid > 0 else { return false }
        return kill(pid, 0) == 0 || errno != ESRCH
    }
}
