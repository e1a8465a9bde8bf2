import Foundation

/// Appends session lines crash-safely: the file is opened `O_APPEND`, each line goes out in
/// one `write(2)` followed by `fsync`, so a `kill -9` loses at most the line being written
/// (and the reader reports a cut-off last line instead of failing).
final class SessionLog {
    let path: String
    private var fd: Int32
    private let started = Date()
    /// The last write error, shown in the status line (the app keeps working).
    private(set) var lastError: String?

    /// Opens (creating with `header` if new or empty) the log at `path`.
    init(path: String, header: @autoclosure () -> String) throws {
        self.path = path
        let dir = (path as NSString).deletingLastPathComponent
        if !dir.isEmpty { try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true) }
        fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw SessionError(file: path, line: 0, message: "cannot open for appending: \(String(cString: strerror(errno)))") }
        var st = stat()
        if fstat(fd, &st) == 0 && st.st_size == 0 { append(rawLine: header()); return }
        // A crash may have cut the last line short: end it, so the next line stays intact.
        let rfd = open(path, O_RDONLY | O_CLOEXEC)
        if rfd >= 0 {
            var last: UInt8 = 0
            if lseek(rfd, -1, SEEK_END) >= 0, read(rfd, &last, 1) == 1, last != 10 {
                var nl: UInt8 = 10
                _ = write(fd, &nl, 1)
            }
            close(rfd)
        }
    }

    deinit { if fd >= 0 { close(fd) } }

    /// Records a command with its resolved arguments.
    func record(_ inv: Invocation) {
        var d = inv.jsonObject
        d["t"] = (Date().timeIntervalSince(started) * 1000).rounded() / 1000
        append(rawLine: SessionLog.encode(d))
    }

    /// Records an event (job start/finish).
    func event(_ name: String, _ fields: [String: Any]) {
        var d = fields
        d["event"] = name
        append(rawLine: SessionLog.encode(d))
    }

    func append(rawLine: String) {
        let bytes = Array((rawLine.replacingOccurrences(of: "\n", with: " ") + "\n").utf8)
        let n = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        if n != bytes.count { lastError = "session write failed: \(String(cString: strerror(errno)))"; return }
        fsync(fd)
    }

    static func encode(_ d: [String: Any]) -> String {
        guard let data = try? JSONSerialization.data(withJSONObject: d, options: [.sortedKeys, .withoutEscapingSlashes]) else { return "{}" }
        return String(decoding: data, as: UTF8.self)
    }
}
