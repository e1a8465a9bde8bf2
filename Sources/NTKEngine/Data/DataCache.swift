import Foundation

/// Where fetched and imported datasets live, and the message to show when they are missing.
///
/// Why: entk never touches the network at run time. `scripts/fetch-data.sh` (run by
/// `make data`) fills the cache once; loaders only read it and, if a file is absent, say so
/// and name the command that fetches it.
public enum DataCache {
    /// The cache directory: `$ENTK_DATA_DIR`, else `$XDG_CACHE_HOME/entk`, else `~/.cache/entk`.
    public static func directory(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        if let d = environment["ENTK_DATA_DIR"], !d.isEmpty { return d }
        if let x = environment["XDG_CACHE_HOME"], !x.isEmpty { return (x as NSString).appendingPathComponent("entk") }
        let home = environment["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? NSHomeDirectory()
        return (home as NSString).appendingPathComponent(".cache/entk")
    }

    /// `directory/relative`, or an error naming `make data` if no such file exists.
    /// `alternatives` are tried in order (e.g. the plain and the `.gz` file name).
    public static func require(_ alternatives: [String], in directory: String, dataset: String) throws -> String {
        for rel in alternatives {
            let p = (directory as NSString).appendingPathComponent(rel)
            if FileManager.default.fileExists(atPath: p) { return p }
        }
        let first = (directory as NSString).appendingPathComponent(alternatives.first ?? "")
        throw DataError(path: first, "\(dataset) is not in the data cache. Run `make data` (scripts/fetch-data.sh) once to fetch it, or set ENTK_DATA_DIR to a folder that has it.")
    }
}
