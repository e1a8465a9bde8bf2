import Foundation
import NTKEngine

/// Ties the pure state to the world: runs effects (jobs, exports), records commands and job
/// events in the session log, and merges finished jobs. The interactive app and headless
/// replay share it, so both execute commands identically.
final class SessionDriver {
    var state: AppState
    let center: JobCenter
    let log: SessionLog?
    /// Set by `.quit`.
    private(set) var quitRequested = false
    /// Files written by the last export effect.
    private(set) var lastExport: [String] = []
    /// Failure of the last export effect.
    private(set) var lastExportError: String?
    /// Jobs finished since the last `poll` that failed, as messages.
    private(set) var failedJobs: [String] = []

    init(state: AppState, center: JobCenter, log: SessionLog?) {
        self.state = state; self.center = center; self.log = log
    }

    /// Records commands, then carries out effects.
    func apply(_ outcome: InputOutcome) {
        for inv in outcome.logged { log?.record(inv) }
        execute(outcome.effects)
    }

    func execute(_ effects: [Effect]) {
        for e in effects {
            switch e {
            case .start(let c):
                let (id, isNew) = center.startIfNew(c)
                if isNew { log?.event("job.start", ["job": id, "what": c.title, "kind": c.kindName, "hash": c.key]) }
            case .cancel(let id):
                let n = center.cancel(id: id)
                if n == 0 { state.setStatus("no running job to cancel") }
            case .export(let dir):
                lastExportError = nil
                do {
                    lastExport = try ViewExporter.export(state, directory: dir)
                    state.setStatus("exported \(lastExport.count) files to \(dir)/")
                } catch {
                    lastExport = []
                    lastExportError = "\(error)"
                    state.setStatus("export: \(error)", error: true)
                }
            case .quit:
                quitRequested = true
            }
        }
        poll()
    }

    /// Refreshes job snapshots and merges finished results (called once per frame).
    func poll() {
        state.jobs = center.snapshots()
        state.selectedJob = min(state.selectedJob, max(0, state.jobs.count - 1))
        for f in center.takeFinished() {
            state.receive(f)
            var fields: [String: Any] = ["job": f.snapshot.id, "hash": f.computation.key, "seconds": (f.seconds * 1000).rounded() / 1000]
            switch f.snapshot.status {
            case .done: fields["status"] = "done"
            case .cancelled: fields["status"] = "cancelled"
            case .failed(let m): fields["status"] = "failed"; fields["error"] = m; failedJobs.append("\(f.snapshot.title): \(m)")
            case .running: break
            }
            log?.event("job.finish", fields)
        }
        if let e = log?.lastError { state.setStatus(e, error: true) }
    }

    func takeFailedJobs() -> [String] { defer { failedJobs = [] }; return failedJobs }

    /// Rebuilds a state from recorded commands without running jobs (opening a session);
    /// returns the lines that failed, located.
    static func restore(_ file: SessionFile, into state: inout AppState) -> [SessionError] {
        var errors: [SessionError] = []
        for (line, inv) in file.commands {
            do { _ = try state.perform(inv) } catch {
                errors.append(SessionError(file: file.path, line: line, message: "\(inv.name): \(error)"))
            }
            state.modal = nil
        }
        state.focus = .stack
        return errors
    }
}
