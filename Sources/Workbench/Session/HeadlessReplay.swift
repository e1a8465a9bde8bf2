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
        /// Work done, for tests that bound it: jobs started and Gram matrices computed (not
        /// answered from the cache).
        var jobs = 0
        var gramsComputed = 0
        var failed: Int { steps.filter { !$0.ok }.count + loadErrors.count }
        /// The last state, for tests and text captures.
        var finalState: AppState?
    }

    static func run(path: String, out: String, threads: Int, cacheDirectory: String? = nil, tileStore: TileStoreSettings? = nil,
                    interrupt: InterruptFlag = InterruptFlag(), progress: ((String) -> Void)? = nil) throws -> Report {
        let file = try SessionFile.load(path: path)
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        for e in file.errors { progress?("error: \(e)") }
        let cache = GramCache(directory: cacheDirectory ?? (out as NSString).appendingPathComponent("cache"))
        let center = JobCenter(runner: ComputeRunner(cache: cache, threads: threads, tileStore: tileStore))
        var initial = AppState()
        initial.sessionName = (path as NSString).lastPathComponent
        let driver = SessionDriver(state: initial, center: center, log: nil)
        driver.exportDirectoryOverride = out
        let frontEnd = FrontEnd(file: file, out: out, interrupt: interrupt, progress: progress)
        let t0 = Date()
        WorkbenchLoop.run(driver, frontEnd)
        var report = frontEnd.report
        report.seconds = Date().timeIntervalSince(t0)
        report.jobs = center.snapshots().count
        report.gramsComputed = cache.stats.computed
        report.finalState = driver.state
        try writeSummary(report, path: path, out: out)
        return report
    }

    /// The headless front end of `WorkbenchLoop`: every recorded command in order; after each
    /// one it waits for the jobs, collects failures and exports the view it visited.
    final class FrontEnd: LoopFrontEnd {
        private let path: String, out: String
        private let commands: [(line: Int, invocation: Invocation)]
        private let interrupt: InterruptFlag
        private let progress: ((String) -> Void)?
        private var next = 0, exports = 0
        private var started = Date()
        private(set) var report = Report()

        init(file: SessionFile, out: String, interrupt: InterruptFlag, progress: ((String) -> Void)?) {
            path = file.path; self.out = out; commands = file.commands; self.interrupt = interrupt; self.progress = progress
            report.loadErrors = file.errors
        }

        func next(_ driver: SessionDriver) -> LoopStep {
            // After Ctrl-C the remaining commands are reported as not run.
            while next < commands.count, interrupt.isRaised {
                let (line, inv) = commands[next]
                next += 1
                started = Date()
                record(Step(line: line, command: inv.name, ok: true, error: nil, seconds: 0, files: []), inv,
                       error: CommandError("not run: interrupted (Ctrl-C)"))
            }
            guard next < commands.count else { return .stop }
            defer { next += 1 }
            started = Date()
            return .command(line: commands[next].line, commands[next].invocation)
        }

        func replayed(line: Int, _ inv: Invocation, _ result: Result<Outcome, any Error>, driver: SessionDriver) {
            var step = Step(line: line, command: inv.name, ok: true, error: nil, seconds: 0, files: [])
            do {
                let o = try result.get()
                try waitForJobs(driver)
                driver.poll()
                let failed = driver.takeFailedJobs()
                if !failed.isEmpty { throw CommandError(failed.joined(separator: "; ")) }
                if o.effects.contains(where: { if case .export = $0 { return true }; return false }) {
                    if let e = driver.lastExportError { throw CommandError(e) }
                    step.files = driver.lastExport
                }
                if inv.name.hasPrefix("view.") {
                    exports += 1
                    step.files += try ViewExporter.export(driver.state, directory: out, prefix: String(format: "%02d-", exports))
                }
                record(step, inv, error: nil)
            } catch {
                record(step, inv, error: error)
            }
        }

        /// Waits for every job the command started (10 minutes at most; Ctrl-C cancels them).
        private func waitForJobs(_ driver: SessionDriver) throws {
            guard let center = driver.center else { return }
            let deadline = Date().addingTimeInterval(600)
            while center.runningCount > 0 {
                if interrupt.isRaised { center.cancel() }
                if Date() > deadline { center.cancel(); throw CommandError("jobs did not finish within 10 minutes") }
                usleep(10_000)
            }
            if interrupt.isRaised { throw CommandError("interrupted (Ctrl-C); its jobs were cancelled") }
        }

        private func record(_ s: Step, _ inv: Invocation, error: (any Error)?) {
            var step = s
            if let error {
                step.ok = false
                step.error = "\(SessionError(file: path, line: step.line, message: "\(inv.name): \(error)"))"
                progress?("error: \(step.error ?? "")")
            }
            step.seconds = Date().timeIntervalSince(started)
            if step.ok {
                progress?(String(format: "ok   %@:%d %@ (%.2fs)%@", (path as NSString).lastPathComponent, step.line, inv.name, step.seconds,
                                 step.files.isEmpty ? "" : " → \(step.files.count) files"))
            }
            report.files += step.files
            report.steps.append(step)
        }
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
