import Foundation
import NTKEngine

/// A problem in a session file, located as `file:line: message` like a compiler error.
struct SessionError: Error, CustomStringConvertible, Sendable, Hashable {
    var file: String
    var line: Int
    var message: String
    var description: String { "\(file):\(line): \(message)" }
}

/// One recorded line: a command to replay, or an event (job start/finish) kept as a record.
struct SessionEntry: Sendable {
    var line: Int
    var invocation: Invocation?
    /// `job.start` / `job.finish` for event lines.
    var event: String?
    var hash: String?
    /// `job.finish`: "done", "cancelled" or "failed", and the seconds it ran.
    var status: String? = nil
    var seconds: Double? = nil
}

/// A session log read back: header fields, entries and the lines that could not be read.
///
/// Format (JSON Lines, one object per line): a header
/// `{"entk_session":1,"entk":"0.1.0","machine":…,"seed":0,"terminal":[w,h],"created":…}`,
/// then commands `{"cmd":"stack.set-param","args":{…},"spec":{…}}` and events
/// `{"event":"job.finish","job":3,"hash":…,"status":"done","seconds":0.4}`.
/// A malformed line is reported with its location and skipped; the rest still loads.
struct SessionFile: Sendable {
    static let formatVersion = 1

    var path: String
    var entk: String?
    var seed: UInt64 = 0
    var terminal: [Int] = []
    var machine: String?
    var entries: [SessionEntry] = []
    var errors: [SessionError] = []

    var commands: [(line: Int, invocation: Invocation)] {
        entries.compactMap { e in e.invocation.map { (e.line, $0) } }
    }

    static func load(path: String) throws -> SessionFile {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw SessionError(file: path, line: 0, message: "cannot read the session file")
        }
        return parse(String(decoding: data, as: UTF8.self), path: path)
    }

    static func parse(_ text: String, path: String) -> SessionFile {
        var f = SessionFile(path: path)
        var sawHeader = false
        // Split on "\n" as a Unicode scalar: in a Swift String "\r\n" is one Character, so
        // splitting on the Character "\n" would glue a CRLF file into a single line.
        let lines = text.unicodeScalars.split(separator: "\n", omittingEmptySubsequences: false).map { String(String.UnicodeScalarView($0)) }
        for (k, raw) in lines.enumerated() {
            let n = k + 1
            let line = raw.trimmingCharacters(in: .whitespacesAndNewlines)
            if line.isEmpty { continue }
            func fail(_ m: String) { f.errors.append(SessionError(file: path, line: n, message: m)) }
            let obj: Any
            do { obj = try JSONSerialization.jsonObject(with: Data(line.utf8)) } catch {
                // The line is one JSON text, so "line 1, column C" of the parser is column C here.
                let located = JSONErrorLocation.specError(for: error, in: Data(line.utf8))
                let column = located.path.hasPrefix("line 1, ") ? String(located.path.dropFirst(8)) + ": " : ""
                fail(k == lines.count - 1 ? "truncated or malformed last line (e.g. cut off by a crash): \(column)\(located.message); skipped" : "\(column)\(located.message); skipped")
                continue
            }
            guard let d = obj as? [String: Any] else { fail("expected a JSON object; skipped"); continue }
            if let v = d["entk_session"] {
                if sawHeader { fail("a second header line; ignored"); continue }
                sawHeader = true
                guard let ver = (v as? NSNumber)?.intValue, ver <= formatVersion else {
                    fail("session format \(v) is newer than this entk understands (\(formatVersion))"); continue
                }
                f.entk = d["entk"] as? String
                f.machine = d["machine"] as? String
                f.seed = (d["seed"] as? NSNumber)?.uint64Value ?? 0
                f.terminal = (d["terminal"] as? [NSNumber])?.map(\.intValue) ?? []
                continue
            }
            if !sawHeader && f.entries.isEmpty && f.errors.isEmpty {
                fail("no header line ({\"entk_session\":1,…}); reading the commands anyway")
                sawHeader = true
            }
            if let ev = d["event"] as? String {
                f.entries.append(SessionEntry(line: n, invocation: nil, event: ev, hash: d["hash"] as? String,
                                              status: d["status"] as? String, seconds: (d["seconds"] as? NSNumber)?.doubleValue))
                continue
            }
            do {
                let inv = try Invocation.from(jsonObject: d)
                guard CommandRegistry.named(inv.name) != nil else { fail("unknown command \"\(inv.name)\"; skipped"); continue }
                f.entries.append(SessionEntry(line: n, invocation: inv))
            } catch {
                fail("\(error); skipped")
            }
        }
        return f
    }

    /// The header line of a new session.
    static func headerLine(seed: UInt64, terminal: (Int, Int)?) -> String {
        var u = utsname()
        uname(&u)
        let machine = withUnsafeBytes(of: &u.machine) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        let host = ProcessInfo.processInfo.hostName
        var d: [String: Any] = ["entk_session": formatVersion, "entk": EngineInfo.version, "machine": "\(host) \(machine)",
                                "seed": seed, "created": ISO8601DateFormatter().string(from: Date())]
        if let t = terminal { d["terminal"] = [t.0, t.1] }
        return SessionLog.encode(d)
    }
}
