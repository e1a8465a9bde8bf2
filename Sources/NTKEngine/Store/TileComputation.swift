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
    ///
    /// With a `SelfKernelCache`, plane image stacks take a path that computes each input's
    /// self kernel once per process instead of once per tile (it includes a full pooled
    /// self-pair for GAP/group_pool readouts, so per-tile recomputation would cost about
    /// 2/tileRows of the Gram again), then evaluates the tile's pairs exactly as `compute`
    /// does (same `pair` call, same workspace type, same diagonal shortcut): bit-identical.
    public func computeTile(_ tile: GramTile, _ x1: InputBatch, _ x2: InputBatch?, cache: SelfKernelCache?,
                            progress: GramProgress = GramProgress()) throws -> KernelMatrices {
        if let cache, let ev = evaluator, ev.stack.isImageStack, sphericalEvaluator == nil {
            return try BLASThreads.singleThreaded { try cachedTile(ev, tile, x1, x2, cache: cache, progress: progress) }
        }
        return try computeTile(tile, x1, x2, progress: progress)
    }

    public func computeTile(_ tile: GramTile, _ x1: InputBatch, _ x2: InputBatch?, progress: GramProgress = GramProgress()) throws -> KernelMatrices {
        let a = try x1.slice(tile.rows)
        if tile.diagonal { return try compute(a, nil, progress: progress) }
        return try compute(a, try (x2 ?? x1).slice(tile.cols), progress: progress)
    }
}

extension GramEngine {
    func cachedTile(_ ev: KernelEvaluator, _ tile: GramTile, _ x1: InputBatch, _ x2: InputBatch?,
                    cache: SelfKernelCache, progress: GramProgress) throws -> KernelMatrices {
        let xb = x2 ?? x1
        let f = x1.featureSize
        guard xb.featureSize == f, f == spec.inputShape.reduce(1, *) else {
            throw KernelError.shape("inputs have shape \(x1.shape), the stack expects \(spec.inputShape)")
        }
        guard tile.rows.upperBound <= x1.count, tile.cols.upperBound <= xb.count else {
            throw KernelError.shape("tile \(tile.name) outside \(x1.count)×\(xb.count) inputs")
        }
        for (b, range) in [(x1, tile.rows), (xb, tile.cols)] {
            for i in range where !b.input(i).allSatisfy(\.isFinite) {
                throw KernelError.nonFinite("input \(i) contains a non-finite value")
            }
        }
        let colBatch = x2 == nil ? 0 : 1
        let s1 = try cache.selfKernels(batch: 0, tile.rows, of: x1, ev: ev, threads: threads, progress: progress)
        let s2 = try cache.selfKernels(batch: colBatch, tile.cols, of: xb, ev: ev, threads: threads, progress: progress)
        let nr = tile.rows.count, nc = tile.cols.count
        var pairs: [(Int32, Int32)] = []
        pairs.reserveCapacity(tile.pairs)
        for a in 0..<nr { for b in (tile.diagonal ? a : 0)..<nc { pairs.append((Int32(a), Int32(b))) } }
        let out = SharedOutput(count: nr * nc)
        defer { out.deallocate() }
        let next = Atomic<Int>(0)
        let diagonal = tile.diagonal, precision = self.precision
        let r0 = tile.rows.lowerBound, c0 = tile.cols.lowerBound
        let pairList = pairs
        progress.begin(total: pairList.count)
        x1.data.withUnsafeBufferPointer { b1 in
            xb.data.withUnsafeBufferPointer { b2 in
                let p1 = UncheckedPointer(b1), p2 = UncheckedPointer(b2)
                DispatchQueue.concurrentPerform(iterations: min(threads, max(1, pairList.count))) { _ in
                    switch precision {
                    case .float64: work(ev.makeWorkspace(Double.self))
                    case .float32: work(ev.makeWorkspace(Float.self))
                    }
                }
                @Sendable func work<T: KernelFloat>(_ ws: Workspace<T>) {
                    while !progress.isCancelled {
                        let q = next.add(1, ordering: .relaxed).oldValue
                        if q >= pairList.count { break }
                        let (a, b) = (Int(pairList[q].0), Int(pairList[q].1))
                        // Bounds: a < nr, b < nc and the tile lies inside both batches (checked
                        // above), so the slices are within the input buffers.
                        let i = r0 + a, j = c0 + b
                        let u = UnsafeBufferPointer(rebasing: p1.buffer[(i * f)..<((i + 1) * f)])
                        let w = UnsafeBufferPointer(rebasing: p2.buffer[(j * f)..<((j + 1) * f)])
                        let v: KernelValue
                        if diagonal && a == b, let pooled = s1[a].pooled, ev.stack.scalar.isEmpty {
                            v = pooled
                        } else {
                            v = ev.pair(u, w, s1[a], s2[b], workspace: ws)
                        }
                        out.set(a * nc + b, v)
                        if diagonal { out.set(b * nc + a, v) }
                        progress.advance(by: 1)
                    }
                }
            }
        }
        if progress.isCancelled { throw KernelError.cancelled }
        let r = KernelMatrices(nngp: Matrix(rows: nr, cols: nc, data: out.nngpArray()), ntk: Matrix(rows: nr, cols: nc, data: out.ntkArray()))
        try requireFinite(r, x1, x2, offset: (r0, c0))
        return r
    }
}

/// Per-input self kernels of a process, computed on first use and shared by all its tiles.
public final class SelfKernelCache: Sendable {
    private let table = Mutex<[Int: SelfKernel]>([:])
    public init() {}

    func selfKernels(batch: Int, _ range: Range<Int>, of x: InputBatch, ev: KernelEvaluator, threads: Int,
                     progress: GramProgress) throws -> [SelfKernel] {
        @Sendable func key(_ i: Int) -> Int { batch &* (1 << 40) &+ i }
        let missing = table.withLock { t in range.filter { t[key($0)] == nil } }
        if !missing.isEmpty {
            let f = x.featureSize
            let next = Atomic<Int>(0)
            x.data.withUnsafeBufferPointer { buf in
                let p = UncheckedPointer(buf)
                DispatchQueue.concurrentPerform(iterations: min(threads, missing.count)) { _ in
                    let ws = ev.makeWorkspace()
                    while !progress.isCancelled {
                        let q = next.add(1, ordering: .relaxed).oldValue
                        if q >= missing.count { break }
                        let i = missing[q]  // in range ⊂ 0..<x.count (checked by the caller)
                        let sk = ev.selfKernel(UnsafeBufferPointer(rebasing: p.buffer[(i * f)..<((i + 1) * f)]), workspace: ws)
                        table.withLock { $0[key(i)] = sk }
                    }
                }
            }
            if progress.isCancelled { throw KernelError.cancelled }
        }
        return try table.withLock { t in
            try range.map { i in
                guard let s = t[key(i)] else { throw KernelError.shape("self kernel of input \(i) missing") }
                return s
            }
        }
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

    public static func duration(_ s: Double) -> String {
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
    /// used for cancellation (Ctrl-C): finished tiles stay in the store. `onResume` gets the
    /// tiles found finished before any is computed, `onTile` each tile once it is in the store
    /// (the workbench draws the Gram from them while it is computed).
    public static func fill(_ store: GramStore, scope: [GramTile], engine: GramEngine, x1: InputBatch, x2: InputBatch?,
                            progress: GramProgress = GramProgress(), warn: (String) -> Void,
                            onLine: (String) -> Void, onResume: (Set<Int>) -> Void = { _ in },
                            onTile: (GramTile, KernelMatrices) -> Void = { _, _ in }) throws -> StoreProgress {
        let done = try store.scan(owned: Set(scope.map(\.index)), warn: warn)
        onResume(done)
        let p = StoreProgress(tiling: store.tiling, scope: scope, alreadyDone: done)
        let queue = TileQueue(scope.filter { !done.contains($0.index) })
        let cache = SelfKernelCache()
        while let t = queue.next() {
            if progress.isCancelled { throw KernelError.cancelled }
            let k = try engine.computeTile(t, x1, x2, cache: cache, progress: progress)
            try store.write(t, k)
            onTile(t, k)
            if let line = p.finished(t) { onLine(line) }
        }
        return p
    }
}
