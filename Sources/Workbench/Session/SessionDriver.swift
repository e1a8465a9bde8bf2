import Foundation
import NTKEngine

/// Ties the pure state to the world: runs effects (jobs, exports), records commands and job
/// events in the session log, and merges finished jobs. Every front end of `WorkbenchLoop`
/// drives the state through it, so keys, interactive replay and headless replay execute
/// commands identically.
final class SessionDriver {
    var state: AppState
    /// nil: effects are not carried out (restoring a session's state).
    let center: JobCenter?
    let log: SessionLog?
    /// Headless replay writes exports here, whatever folder a session recorded.
    var exportDirectoryOverride: String?
    /// Set by `.quit`.
    private(set) var quitRequested = false
    /// Files written by the last export effect.
    private(set) var lastExport: [String] = []
    /// Failure of the last export effect.
    private(set) var lastExportError: String?
    /// Jobs finished since the last `poll` that failed, as messages.
    private(set) var failedJobs: [String] = []

    init(state: AppState, center: JobCenter?, log: SessionLog?) {
        self.state = state; self.center = center; self.log = log
    }

    /// Records commands, then carries out effects.
    func apply(_ outcome: InputOutcome) {
        for inv in outcome.logged { log?.record(inv) }
        execute(outcome.effects)
    }

    /// Runs one recorded command the way every replay does: no modal stays open, a recorded
    /// `quit` does not end the replay, effects run (unless restoring). Throws with the state
    /// unchanged when the command cannot run.
    @discardableResult
    func replay(_ inv: Invocation) throws -> Outcome {
        var o = try state.perform(inv)
        state.modal = nil
        o.effects.removeAll { if case .quit = $0 { return true }; return false }
        if center != nil { execute(o.effects) }
        return o
    }

    func execute(_ effects: [Effect]) {
        guard let center else { return }
        for e in effects {
            switch e {
            case .start(let c):
                let (id, isNew) = center.startIfNew(c)
                if isNew { log?.event("job.start", ["job": id, "what": c.title, "kind": c.kindName, "hash": c.key]) }
            case .cancel(let id):
                let n = center.cancel(id: id)
                if n == 0 { state.setStatus("no running job to cancel") }
            case .export(let recorded):
                let dir = exportDirectoryOverride ?? recorded
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

    /// Refreshes job snapshots and merges finished results (called once per turn).
    func poll() {
        guard let center else { return }
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
        let driver = SessionDriver(state: state, center: nil, log: nil)
        let frontEnd = RestoreFrontEnd(file)
        WorkbenchLoop.run(driver, frontEnd)
        state = driver.state
        state.focus = .stack
        return frontEnd.errors
    }
}
