import Dispatch
import Foundation
import NTKEngine
import Synchronization

/// What the UI shows of a job (a copy taken under the lock once per frame).
struct JobSnapshot: Sendable, Hashable {
    enum Status: Sendable, Hashable {
        case running, done, cancelled
        case failed(String)
    }
    var id: Int
    var title: String
    var key: String
    var status: Status
    var fraction: Double
    var elapsed: Double
    var eta: Double?
    /// "cache hit", "reusing the Gram", "shares a running Gram" (nil for a plain computation).
    var note: String? = nil
    /// Tiles done/total of a store-backed Gram, and its finished part (the heatmap draws it).
    var tiles: TileCounts? = nil
    var partial: PartialGram? = nil
    var isRunning: Bool { status == .running }
}

/// Background jobs on Dispatch. Workers write results into a Mutex-protected table; the UI
/// polls `snapshots()` and `takeFinished()` every frame (no `DispatchQueue.main.async`,
/// which never runs beside a getch loop). Cancellation is cooperative through `JobProgress`.
final class JobCenter: Sendable {
    private struct Entry: Sendable {
        var id: Int
        var computation: Computation
        var progress: JobProgress
        var status: JobSnapshot.Status = .running
        var result: ComputeResult?
        var seconds: Double = 0
        var delivered = false
    }

    /// A finished job handed to the UI once.
    struct Finished: Sendable {
        var snapshot: JobSnapshot
        var computation: Computation
        var result: ComputeResult?
        var seconds: Double
    }

    let runner: ComputeRunner
    private let entries = Mutex<[Entry]>([])
    private let nextID = Atomic<Int>(1)

    init(runner: ComputeRunner) { self.runner = runner }

    /// Starts `c` unless the same computation is already running; returns the job id.
    @discardableResult
    func start(_ c: Computation) -> Int { startIfNew(c).id }

    /// Like `start`, also saying whether a new job was started.
    func startIfNew(_ c: Computation) -> (id: Int, isNew: Bool) {
        let key = c.key
        if let existing = entries.withLock({ $0.first { $0.computation.key == key && $0.status == .running }?.id }) {
            return (existing, false)
        }
        let id = nextID.add(1, ordering: .relaxed).oldValue
        let progress = JobProgress()
        entries.withLock { $0.append(Entry(id: id, computation: c, progress: progress)) }
        let runner = self.runner
        DispatchQueue.global(qos: .userInitiated).async { [self] in
            let t0 = Date()
            let status: JobSnapshot.Status
            var result: ComputeResult?
            do {
                result = try runner.run(c, progress: progress)
                status = .done
            } catch KernelError.cancelled {
                status = .cancelled
            } catch {
                status = progress.isCancelled ? .cancelled : .failed("\(error)")
            }
            let secs = Date().timeIntervalSince(t0)
            entries.withLock { all in
                if let k = all.firstIndex(where: { $0.id == id }) {
                    all[k].status = status; all[k].result = result; all[k].seconds = secs
                }
            }
        }
        return (id, true)
    }

    func snapshots() -> [JobSnapshot] {
        entries.withLock { $0.map(JobCenter.snapshot) }
    }

    private static func snapshot(_ e: Entry) -> JobSnapshot {
        let running = e.status == .running
        return JobSnapshot(id: e.id, title: e.computation.title, key: e.computation.key, status: e.status,
                           fraction: running ? e.progress.fraction : (e.status == .done ? 1 : e.progress.fraction),
                           elapsed: running ? e.progress.elapsed : e.seconds, eta: running ? e.progress.eta : nil,
                           note: e.progress.note, tiles: e.progress.tiles, partial: running ? e.progress.partial : nil)
    }

    /// Jobs that finished since the last call (each delivered once); results are released
    /// from the table, the UI keeps them in its state.
    func takeFinished() -> [Finished] {
        entries.withLock { all in
            var out: [Finished] = []
            for k in all.indices where all[k].status != .running && !all[k].delivered {
                all[k].delivered = true
                out.append(Finished(snapshot: JobCenter.snapshot(all[k]), computation: all[k].computation,
                                    result: all[k].result, seconds: all[k].seconds))
                all[k].result = nil
            }
            return out
        }
    }

    var runningCount: Int { entries.withLock { $0.filter { $0.status == .running }.count } }

    /// Cancels job `id` (or every running job when nil); returns how many were asked to stop.
    @discardableResult
    func cancel(id: Int? = nil) -> Int {
        entries.withLock { all in
            var n = 0
            for e in all where e.status == .running && (id == nil || e.id == id) { e.progress.cancel(); n += 1 }
            return n
        }
    }

    /// Blocks until no job is running (headless replay and tests), polling every 10 ms.
    func waitForAll(timeout: Double = 600) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while runningCount > 0 {
            if Date() > deadline { return false }
            usleep(10_000)
        }
        return true
    }
}
