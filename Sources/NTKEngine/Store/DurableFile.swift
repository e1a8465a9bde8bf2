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
        let tmp = (dir as NSString).appendingPathComponent(".\(url.lastPathComponent).tmp-\(getpid())-\(UUID().uuidString.prefix(8))")
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
