import Foundation
import NTKEngine
import Synchronization

/// Progress of a job made of one or more Gram stages, readable from the UI thread each
/// frame and cancellable from it: `cancel()` cancels the running `GramProgress` (the engine
/// stops at its next tile) and every later stage refuses to start.
final class JobProgress: Sendable {
    private struct Stage {
        var index = 0; var count = 1; var current: GramProgress?
        /// Another job's progress this stage waits for (shown, never cancelled from here).
        var mirror: GramProgress?
    }
    private let stage = Mutex(Stage())
    private let cancelled = Atomic<Bool>(false)
    private let noteText = Mutex<String?>(nil)
    /// Tile counts and the partial Gram of a store-backed Gram stage (nil otherwise).
    private let tileState = Mutex<(counts: TileCounts, partial: PartialGram?)?>(nil)
    let started = Date()

    init() {}

    /// Begins stage `index` of `count` and returns the progress object the engine reports to.
    func beginStage(_ index: Int, of count: Int) throws -> GramProgress {
        if isCancelled { throw KernelError.cancelled }
        let p = GramProgress()
        tileState.withLock { $0 = nil }
        stage.withLock { $0 = Stage(index: index, count: max(1, count), current: p) }
        if isCancelled { p.cancel() }
        return p
    }

    /// A remark the Jobs pane shows instead of a bare percentage, e.g. "cache hit".
    var note: String? { noteText.withLock { $0 } }
    func setNote(_ s: String?) { noteText.withLock { $0 = s } }

    /// The current stage waits for the same Gram being computed by another job: show that
    /// job's progress (cancelling this job stops only the wait).
    func follow(_ other: GramProgress) {
        stage.withLock { $0.mirror = other }
        setNote("shares a running Gram")
    }

    var isCancelled: Bool { cancelled.load(ordering: .relaxed) }

    /// The current stage computes a Gram tile by tile (`TiledGram`): its counts and finished part.
    /// `partial` nil once the Gram is assembled (the job table keeps progress objects; a
    /// 2000² partial Gram is 64 MB).
    func setTiles(_ counts: TileCounts, partial: PartialGram?) { tileState.withLock { $0 = (counts, partial) } }
    var tiles: TileCounts? { tileState.withLock { $0?.counts } }
    var partial: PartialGram? { tileState.withLock { $0?.partial ?? nil } }

    func cancel() {
        cancelled.store(true, ordering: .relaxed)
        stage.withLock { $0.current?.cancel() }
    }

    /// 0…1 over all stages.
    var fraction: Double {
        let t = tiles
        return stage.withLock { s in
            let inTile = s.current?.fraction ?? 0
            let f = s.mirror?.fraction ?? t.map { t in
                t.pairsTotal == 0 ? 0 : min(1, (Double(t.pairsDone) + inTile * Double(t.currentTilePairs)) / Double(t.pairsTotal))
            } ?? inTile
            return (Double(s.index) + f) / Double(s.count)
        }
    }

    var elapsed: Double { Date().timeIntervalSince(started) }

    /// Seconds left, from the rate so far (nil until something is done).
    var eta: Double? {
        if let e = tiles?.eta, stage.withLock({ $0.count == 1 && $0.mirror == nil }) { return e }
        let f = fraction
        guard f > 0.001 else { return nil }
        return elapsed * (1 - f) / f
    }
}
