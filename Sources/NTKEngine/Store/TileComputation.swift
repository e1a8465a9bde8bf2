import Foundation
import Synchronization

extension GramEngine {
    /// K and Θ of one tile: inputs `tile.rows` of x1 against `tile.cols` of x2 (x2 = x1 when nil).
    ///
    /// Thin wrapper over `compute`: a diagonal tile of a symmetric Gram is the symmetric Gram of
    /// its block, any other tile the x1-block × x2-block Gram. Every entry is then the same pair
    /// evaluation (same argument order) as in the untiled `compute`, so for image and SO(3)
    /// stacks the assembled matrices equal the untiled ones bit for bit. (MLP stacks start with
    /// one dgemm, whose rounding may depend on the block shape: equal to ~1e-16 relative.)
    public func computeTile(_ tile: GramTile, _ x1: InputBatch, _ x2: InputBatch?, progress: GramProgress = GramProgress()) throws -> KernelMatrices {
        let a = try x1.slice(tile.rows)
        if tile.diagonal { return try compute(a, nil, progress: progress) }
        return try compute(a, try (x2 ?? x1).slice(tile.cols), progress: progress)
    }
}

extension InputBatch {
    /// Inputs `range` (bounds checked against `count`).
    public func slice(_ range: Range<Int>) throws -> InputBatch {
        guard range.lowerBound >= 0, range.upperBound <= count, !range.isEmpty else {
            throw KernelError.shape("inputs \(range) out of 0..<\(count)")
        }
        let f = featureSize
        return try InputBatch(shape: shape, data: Array(data[(range.lowerBound * f)..<(range.upperBound * f)]))
    }
}

/// A thread-safe queue of tiles, handed out largest first.
public final class TileQueue: Sendable {
    private let remaining: Mutex<[GramTile]>
    public init(_ tiles: [GramTile]) { remaining = Mutex(Array(GramTiling.largestFirst(tiles).reversed())) }
    public func next() -> GramTile? { remaining.withLock { $0.popLast() } }
    public var count: Int { remaining.withLock { $0.count } }
}

/// Tiles done / total, pairs per second and ETA of a store-backed Gram, for a stderr line.
public final class StoreProgress: Sendable {
    private struct State { var tilesDone = 0; var pairsDone = 0; var lastPrint = Date.distantPast }
    public let tilesTotal: Int
    public let pairsTotal: Int
    private let state: Mutex<State>
    private let started = Date()
    private let pairsAtStart: Int

    /// `alreadyDone`: tiles found finished in the store.
    public init(tiling: GramTiling, scope: [GramTile], alreadyDone: Set<Int>) {
        tilesTotal = scope.count
        pairsTotal = scope.reduce(0) { $0 + $1.pairs }
        let done = scope.filter { alreadyDone.contains($0.index) }
        pairsAtStart = done.reduce(0) { $0 + $1.pairs }
        state = Mutex(State(tilesDone: done.count, pairsDone: pairsAtStart))
    }

    /// Counts a finished tile; returns a progress line if one is due (every `interval` s, and at the end).
    public func finished(_ tile: GramTile, interval: Double = 2) -> String? {
        state.withLock { s in
            s.tilesDone += 1; s.pairsDone += tile.pairs
            let now = Date()
            guard now.timeIntervalSince(s.lastPrint) >= interval || s.tilesDone == tilesTotal else { return nil }
            s.lastPrint = now
            return line(s, now: now)
        }
    }

    public var summary: String { state.withLock { line($0, now: Date()) } }
    public var tilesDone: Int { state.withLock { $0.tilesDone } }

    private func line(_ s: State, now: Date) -> String {
        let dt = max(now.timeIntervalSince(started), 1e-9)
        let rate = Double(s.pairsDone - pairsAtStart) / dt
        let left = pairsTotal - s.pairsDone
        let eta = rate > 0 ? Self.duration(Double(left) / rate) : "–"
        return String(format: "tiles %d/%d, %.1f pairs/s, ETA %@", s.tilesDone, tilesTotal, rate, eta)
    }

    static func duration(_ s: Double) -> String {
        if !s.isFinite { return "–" }
        let t = Int(s.rounded())
        if t >= 3600 { return "\(t / 3600)h\(String(format: "%02d", t % 3600 / 60))m" }
        if t >= 60 { return "\(t / 60)m\(String(format: "%02d", t % 60))s" }
        return "\(t)s"
    }
}

/// Computes tiles into a store in this process (no MPI).
public enum StoreRunner {
    /// Computes every tile of `scope` that is not finished in `store`, one after another (each
    /// tile uses all of the engine's threads). `onLine` gets progress lines; `progress` is only
    /// used for cancellation (Ctrl-C): finished tiles stay in the store.
    public static func fill(_ store: GramStore, scope: [GramTile], engine: GramEngine, x1: InputBatch, x2: InputBatch?,
                            progress: GramProgress = GramProgress(), warn: (String) -> Void,
                            onLine: (String) -> Void) throws -> StoreProgress {
        let done = try store.scan(owned: Set(scope.map(\.index)), warn: warn)
        let p = StoreProgress(tiling: store.tiling, scope: scope, alreadyDone: done)
        let queue = TileQueue(scope.filter { !done.contains($0.index) })
        while let t = queue.next() {
            if progress.isCancelled { throw KernelError.cancelled }
            let k = try engine.computeTile(t, x1, x2, progress: progress)
            try store.write(t, k)
            if let line = p.finished(t) { onLine(line) }
        }
        return p
    }
}
