import Foundation

extension AppState {
    /// How each computation's last run in a session ended, by key: "took 8m12s last time",
    /// "cancelled after 40s last time", "failed last time", "interrupted last time".
    static func jobHistory(_ file: SessionFile) -> [String: String] {
        var out: [String: String] = [:]
        for e in file.entries {
            guard let h = e.hash else { continue }
            switch e.event {
            case "job.start": out[h] = "interrupted last time (no finish recorded)"
            case "job.finish":
                let t = e.seconds.map { " " + AppState.duration($0) } ?? ""
                switch e.status {
                case "done": out[h] = "took\(t) last time"
                case "cancelled": out[h] = "cancelled after\(t) last time"
                case "failed": out[h] = "failed last time"
                default: break
                }
            default: break
            }
        }
        return out
    }
}
