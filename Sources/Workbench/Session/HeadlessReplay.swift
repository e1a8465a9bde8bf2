import Foundation
import NTKEngine
import Synchronization

/// Set from a SIGINT handler: headless replay cancels its jobs, marks the remaining
/// commands as not run, and still writes `summary.json`.
final class InterruptFlag: Sendable {
    private let flag = Atomic<Bool>(false)
    init() {}
    func raise() { flag.store(true, ordering: .relaxed) }
    var isRaised: Bool { flag.load(ordering: .relaxed) }
}

/// `entk replay FILE --headless --out DIR`: replays a session without a terminal, waits for
/// every job, writes every view it visits as PNG, SVG, PDF, CSV (+ .npy, .txt) and a
/// `summary.json`, and reports failure (non-zero exit) if any line or command failed.
enum HeadlessReplay {
    struct Step {
        var line: Int
        var command: String
        var ok: Bool
        var error: String?
        var seconds: Double
        var files: [String]
    }

    struct Report {
        var steps: [Step] = []
        var loadErrors: [SessionError] = []
        var files: [String] = []
        var seconds: Double = 0
        var failed: Int { steps.filter { !$0.ok }.count + loadErrors.count }
        /// The last state, for tests and text captures.
        var finalState: AppState?
    }

    static func run(path: String, out: String, threads: Int, cacheDirectory: String? = nil, tileStore: TileStoreSettings? = nil,
                    interrupt: InterruptFlag = InterruptFlag(), progress: ((String) -> Void)? = nil) throws -> Report {
        let file = try SessionFile.load(path: path)
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        var report = Report()
        report.loadErrors = file.errors
        for e in file.errors { progress?("error: \(e)") }
        let cache = GramCache(directory: cacheDirectory ?? (out as NSString).appendingPathComponent("cache"))
        let center = JobCenter(runner: ComputeRunner(cache: cache, threads: threads, tileStore: tileStore))
        var initial = AppState()
        initial.sessionName = (path as NSString).lastPathComponent
        let driver = SessionDriver(state: initial, center: center, log: nil)
        let t0 = Date()
        var exports = 0
        for (line, inv) in file.commands {
            let ts = Date()
            var step = Step(line: line, command: inv.name, ok: true, error: nil, seconds: 0, files: [])
            do {
                if interrupt.isRaised { throw CommandError("not run: interrupted (Ctrl-C)") }
                var o = try driver.state.perform(inv)
                driver.state.modal = nil
                // Exports go to the output folder, whatever folder was recorded.
                o.effects = o.effects.map { if case .export = $0 { return .export(directory: out) }; return $0 }
                o.effects.removeAll { if case .quit = $0 { return true }; return false }
                driver.execute(o.effects)
                let deadline = Date().addingTimeInterval(600)
                while center.runningCount > 0 {
                    if interrupt.isRaised { center.cancel() }
                    if Date() > deadline { center.cancel(); throw CommandError("jobs did not finish within 10 minutes") }
                    usleep(10_000)
                }
                if interrupt.isRaised { throw CommandError("interrupted (Ctrl-C); its jobs were cancelled") }
                driver.poll()
                let failed = driver.takeFailedJobs()
                if !failed.isEmpty { throw CommandError(failed.joined(separator: "; ")) }
                if o.effects.contains(where: { if case .export = $0 { return true }; return false }) {
                    if let e = driver.lastExportError { throw CommandError(e) }
                    step.files = driver.lastExport
                }
                if inv.name.hasPrefix("view.") {
                    exports += 1
                    let prefix = String(format: "%02d-", exports)
                    step.files += try ViewExporter.export(driver.state, directory: out, prefix: prefix)
                }
            } catch {
                step.ok = false
                step.error = "\(SessionError(file: path, line: line, message: "\(inv.name): \(error)"))"
                progress?("error: \(step.error ?? "")")
            }
            step.seconds = Date().timeIntervalSince(ts)
            if step.ok { progress?(String(format: "ok   %@:%d %@ (%.2fs)%@", (path as NSString).lastPathComponent, line, inv.name, step.seconds,
                                          step.files.isEmpty ? "" : " → \(step.files.count) files")) }
            report.files += step.files
            report.steps.append(step)
        }
        report.seconds = Date().timeIntervalSince(t0)
        report.finalState = driver.state
        try writeSummary(report, path: path, out: out)
        return report
    }

    static func writeSummary(_ r: Report, path: String, out: String) throws {
        let steps: [[String: Any]] = r.steps.map { s in
            var d: [String: Any] = ["line": s.line, "cmd": s.command, "ok": s.ok, "seconds": (s.seconds * 1000).rounded() / 1000,
                                    "files": s.files.map { ($0 as NSString).lastPathComponent }]
            if let e = s.error { d["error"] = e }
            return d
        }
        var d: [String: Any] = [
            "session": path, "entk": EngineInfo.version, "commands": r.steps.count, "failed": r.failed,
            "load_errors": r.loadErrors.map(\.description), "seconds": (r.seconds * 1000).rounded() / 1000,
            "files": r.files.map { ($0 as NSString).lastPathComponent }, "steps": steps,
        ]
        if r.steps.contains(where: { $0.error?.contains("interrupted") ?? false }) { d["interrupted"] = true }
        let data = try JSONSerialization.data(withJSONObject: d, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
        try AtomicFile.write(Array(data) + [10], to: (out as NSString).appendingPathComponent("summary.json"))
    }
}
