import Foundation

/// Where sessions, the last-session pointer, caches and the config live (XDG dirs).
enum SessionPaths {
    static var environment: [String: String] { ProcessInfo.processInfo.environment }

    /// `$XDG_STATE_HOME/entk` (default `~/.local/state/entk`).
    static func stateDirectory(_ env: [String: String] = environment) -> String {
        if let x = env["XDG_STATE_HOME"], !x.isEmpty { return x + "/entk" }
        return (env["HOME"] ?? NSHomeDirectory()) + "/.local/state/entk"
    }

    /// `$XDG_CONFIG_HOME/entk` (default `~/.config/entk`).
    static func configDirectory(_ env: [String: String] = environment) -> String {
        if let x = env["XDG_CONFIG_HOME"], !x.isEmpty { return x + "/entk" }
        return (env["HOME"] ?? NSHomeDirectory()) + "/.config/entk"
    }

    static func lastSessionPointer(_ env: [String: String] = environment) -> String { stateDirectory(env) + "/last-session" }

    /// The session remembered by the last run, if it still exists.
    static func lastSession(_ env: [String: String] = environment) -> String? {
        guard let d = FileManager.default.contents(atPath: lastSessionPointer(env)) else { return nil }
        let p = String(decoding: d, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        return FileManager.default.fileExists(atPath: p) ? p : nil
    }

    static func remember(_ path: String, _ env: [String: String] = environment) {
        let abs = (path as NSString).isAbsolutePath ? path : FileManager.default.currentDirectoryPath + "/" + path
        try? FileManager.default.createDirectory(atPath: stateDirectory(env), withIntermediateDirectories: true)
        let tmp = lastSessionPointer(env) + ".tmp"
        if FileManager.default.createFile(atPath: tmp, contents: Data((abs + "\n").utf8)) {
            _ = rename(tmp, lastSessionPointer(env))
        }
    }

    /// A fresh session file name under the state dir.
    static func newSession(_ env: [String: String] = environment) -> String {
        let f = DateFormatter()
        f.dateFormat = "yyyyMMdd-HHmmss"
        return stateDirectory(env) + "/sessions/session-\(f.string(from: Date())).jsonl"
    }

    /// The session's cache folder: `name.jsonl` → `name.cache/`.
    static func cacheDirectory(forSession path: String) -> String {
        (path.hasSuffix(".jsonl") ? String(path.dropLast(6)) : path) + ".cache"
    }

    /// The bundled demo sessions folder: `$ENTK_SESSIONS_DIR`, `./sessions`, or the
    /// `sessions/` folder of the source tree this binary was built from.
    static func demoDirectory(_ env: [String: String] = environment) -> String? {
        var candidates: [String] = []
        if let d = env["ENTK_SESSIONS_DIR"] { candidates.append(d) }
        candidates.append(FileManager.default.currentDirectoryPath + "/sessions")
        // `make install`: PREFIX/bin/entk next to PREFIX/share/entk/sessions.
        if let exe = Bundle.main.executableURL?.resolvingSymlinksInPath() {
            candidates.append(exe.deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("share/entk/sessions").path)
        }
        let src = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("sessions").path
        candidates.append(src)
        return candidates.first { FileManager.default.fileExists(atPath: $0 + "/demo-symmetry.jsonl") }
    }
}
