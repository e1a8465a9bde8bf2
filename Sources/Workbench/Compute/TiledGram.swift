import Foundation
import NTKEngine
import Synchronization

/// Where workbench Grams keep their tiles: the tile store of `entk kernel` (docs/cluster.md),
/// so a cancelled job or a killed workbench resumes from its finished tiles, and the CLI and the
/// workbench share tiles (same SHA-256 key: canonical spec, input bytes, precision, tiling).
struct TileStoreSettings: Sendable {
    /// Folder of keyed stores, `<cache>/gram-store` in the app (`<root>/<key>` per Gram).
    var root: String
    /// Tile rows (nil: an existing store's, else `GramTiling.defaultTileRows`, as `entk kernel`).
    var tileRows: Int?
    /// Called once per tile computed (not for resumed ones): tests count computations with it.
    var onTileComputed: (@Sendable (GramTile) -> Void)?

    init(root: String, tileRows: Int? = nil, onTileComputed: (@Sendable (GramTile) -> Void)? = nil) {
        self.root = root; self.tileRows = tileRows; self.onTileComputed = onTileComputed
    }

    /// The app's store folder: the one `entk kernel --resumable` uses.
    static func app(tileRows: Int?) -> TileStoreSettings {
        TileStoreSettings(root: (DataCache.directory() as NSString).appendingPathComponent("gram-store"), tileRows: tileRows)
    }
}

/// Tiles done of a store-backed job, for the Jobs pane: counts, pairs/s and ETA of this run.
struct TileCounts: Sendable, Hashable {
    var done: Int
    var total: Int
    /// Tiles found finished in the store when the job started.
    var resumed: Int
    var pairsDone: Int
    var pairsTotal: Int
    /// Pairs per second computed by this run (0 until a tile is done).
    var pairsPerSecond: Double
    /// Pairs of the tile being computed (the largest missing one: tiles go largest first).
    var currentTilePairs = 0
    var fraction: Double { pairsTotal == 0 ? 0 : Double(pairsDone) / Double(pairsTotal) }
    var eta: Double? { pairsPerSecond > 0 ? Double(pairsTotal - pairsDone) / pairsPerSecond : nil }
}

/// The finished part of a Gram being computed tile by tile: the heatmap draws it while the
/// job runs (missing entries NaN). Shared by reference between the worker and the UI.
final class PartialGram: Sendable, Hashable {
    /// Key of the Gram (`Computation.gramKey`), so the Gram view finds it whatever job computes it.
    let gramKey: String
    let tiling: GramTiling
    private struct State {
        var nngp: [Double]; var ntk: [Double]; var done: Set<Int>
        /// `matrices()` of the current tiles: the UI asks every frame, tiles arrive every few
        /// seconds, so the arrays are shared (copy-on-write) until the next tile.
        var snapshot: KernelMatrices?
    }
    private let state: Mutex<State>

    init(gramKey: String, tiling: GramTiling) {
        self.gramKey = gramKey; self.tiling = tiling
        let n = tiling.n1 * tiling.n2
        state = Mutex(State(nngp: Array(repeating: .nan, count: n), ntk: Array(repeating: .nan, count: n), done: []))
    }

    /// Copies a finished tile in (and its mirror image below the diagonal of a symmetric Gram).
    func record(_ t: GramTile, _ k: KernelMatrices) {
        let n2 = tiling.n2, mirror = tiling.symmetric && !t.diagonal
        guard k.nngp.rows == t.rows.count, k.nngp.cols == t.cols.count, k.ntk.rows == t.rows.count, k.ntk.cols == t.cols.count else { return }
        state.withLock { s in
            for (a, i) in t.rows.enumerated() {
                for (b, j) in t.cols.enumerated() {
                    s.nngp[i * n2 + j] = k.nngp[a, b]; s.ntk[i * n2 + j] = k.ntk[a, b]
                    if mirror { s.nngp[j * n2 + i] = k.nngp[a, b]; s.ntk[j * n2 + i] = k.ntk[a, b] }
                }
            }
            s.done.insert(t.index)
            s.snapshot = nil
        }
    }

    var tilesDone: Int { state.withLock { $0.done.count } }

    /// The matrices so far: NaN where a tile is missing.
    func matrices() -> KernelMatrices {
        state.withLock { s in
            if let m = s.snapshot { return m }
            let m = KernelMatrices(nngp: Matrix(rows: tiling.n1, cols: tiling.n2, data: s.nngp),
                                   ntk: Matrix(rows: tiling.n1, cols: tiling.n2, data: s.ntk))
            s.snapshot = m
            return m
        }
    }

    /// What a store holds now: its checksum-verified tiles (a store on disk, e.g. after a kill).
    static func load(_ store: GramStore, gramKey: String) throws -> PartialGram {
        let p = PartialGram(gramKey: gramKey, tiling: store.tiling)
        let done = try store.scan(owned: [], warn: { _ in })
        for t in store.tiling.tiles where done.contains(t.index) { p.record(t, try store.read(t)) }
        return p
    }

    static func == (a: PartialGram, b: PartialGram) -> Bool { a === b }
    func hash(into h: inout Hasher) { h.combine(ObjectIdentifier(self)) }
}

/// A training Gram computed through the tile store, reporting tiles to the job's progress.
enum TiledGram {
    static func compute(_ settings: TileStoreSettings, spec: ArchitectureSpec, x: InputBatch, engine: GramEngine,
                        gramKey: String, progress: JobProgress, gram: GramProgress) throws -> KernelMatrices {
        let rows = settings.tileRows
            ?? matchingTileRows(in: settings.root, spec: spec, x1: x, x2: nil, precision: engine.precision)
            ?? GramTiling.defaultTileRows(spec: spec)
        let id = GramStore.Identity(spec: spec, x1: x, x2: nil, precision: engine.precision, tileRows: rows)
        let store: GramStore
        do {
            store = try GramStore(directory: (settings.root as NSString).appendingPathComponent(id.key), identity: id, writer: "main")
        } catch let e as StoreError {
            // The store is what makes the job resumable, not what makes it correct: without one
            // (read-only or full cache folder) the Gram is computed in memory, as before.
            progress.setNote("no tile store (\(e.description)); computed in memory, not resumable")
            let r = try engine.compute(x, nil, progress: gram)
            return KernelMatrices(nngp: r.nngp, ntk: r.ntk)
        }
        let partial = PartialGram(gramKey: gramKey, tiling: store.tiling)
        let tiles = store.tiling.tiles
        let pairsTotal = store.tiling.totalPairs
        let started = Date()
        let counts = Mutex(TileCounts(done: 0, total: tiles.count, resumed: 0, pairsDone: 0, pairsTotal: pairsTotal, pairsPerSecond: 0))
        let pairsAtStart = Mutex(0)
        let finished = Mutex(Set<Int>())
        progress.setTiles(counts.withLock { $0 }, partial: partial)
        defer { progress.setTiles(counts.withLock { $0 }, partial: nil) }  // done, failed or cancelled
        do {
            _ = try StoreRunner.fill(store, scope: tiles, engine: engine, x1: x, x2: nil, progress: gram, warn: { _ in }, onLine: { _ in },
                onResume: { done in
                    for t in tiles where done.contains(t.index) { if let k = try? store.read(t) { partial.record(t, k) } }
                    finished.withLock { $0 = done }
                    let pairs = tiles.filter { done.contains($0.index) }.reduce(0) { $0 + $1.pairs }
                    pairsAtStart.withLock { $0 = pairs }
                    let next = GramTiling.largestFirst(tiles.filter { !done.contains($0.index) }).first?.pairs ?? 0
                    let c = counts.withLock { c in
                        c.done = done.count; c.resumed = done.count; c.pairsDone = pairs; c.currentTilePairs = next; return c
                    }
                    progress.setTiles(c, partial: partial)
                    if !done.isEmpty { progress.setNote("resumed \(done.count)/\(tiles.count) tiles") }
                },
                onTile: { t, k in
                    partial.record(t, k)
                    settings.onTileComputed?(t)
                    let base = pairsAtStart.withLock { $0 }
                    let next = finished.withLock { f in
                        f.insert(t.index)
                        return GramTiling.largestFirst(tiles.filter { !f.contains($0.index) }).first?.pairs ?? 0
                    }
                    let c = counts.withLock { c in
                        c.done += 1; c.pairsDone += t.pairs; c.currentTilePairs = c.done == c.total ? 0 : next
                        c.pairsPerSecond = Double(c.pairsDone - base) / max(Date().timeIntervalSince(started), 1e-9)
                        return c
                    }
                    progress.setTiles(c, partial: partial)
                })
        } catch let e as StoreError { throw CommandError(e.description) }
        do { return try store.assemble(warn: { _ in }) } catch let e as StoreError { throw CommandError(e.description) }
    }
}
