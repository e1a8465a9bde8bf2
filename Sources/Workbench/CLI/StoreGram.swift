import ArgumentParser
import Foundation
import NTKEngine

/// Options of the resumable tile store (`entk kernel`, `entk experiment learning-curve`).
struct StoreOptions: ParsableArguments {
    @Option(help: "Tile store folder: finished tiles are kept there and a rerun computes only the missing ones (shared by shards and MPI ranks).")
    var store: String?
    @Flag(help: "Use the tile store under the cache directory (<cache>/gram-store/<SHA-256 key>), so an interrupted run resumes. Implied by --store, --shard, --tile-rows and mpirun.")
    var resumable = false
    @Option(name: .customLong("tile-rows"), help: "Inputs per tile side (default: from the input size, tiles of a few seconds; an existing --store keeps its own).")
    var tileRows: Int?
    @Option(help: "Compute only shard I of N (0-based) of the tiles into the store, e.g. --shard $SLURM_ARRAY_TASK_ID/$SLURM_ARRAY_TASK_COUNT.")
    var shard: String?

    /// Whether the store path is taken (otherwise the plain in-memory Gram, as before).
    func isWanted(assemble: Bool = false) throws -> Bool {
        let mpi = try MPIContext.shared()
        return store != nil || resumable || shard != nil || tileRows != nil || assemble || mpi != nil
    }
}

/// The tile rows recorded in an existing store folder, if any (so reruns and `--assemble`
/// need not repeat `--tile-rows`).
func recordedTileRows(_ dir: String) -> Int? {
    guard let names = try? FileManager.default.contentsOfDirectory(atPath: dir) else { return nil }
    for n in names.sorted() where n.hasPrefix("manifest") && n.hasSuffix(".json") {
        if let d = FileManager.default.contents(atPath: (dir as NSString).appendingPathComponent(n)),
           let o = try? JSONSerialization.jsonObject(with: d) as? [String: Any], let r = o["tile_rows"] as? Int { return r }
    }
    return nil
}

/// In a folder of keyed stores, the tiling of a store made for this very Gram (same spec,
/// inputs and precision), so a rerun without `--tile-rows` resumes it instead of starting a
/// new store with the default tiling.
func matchingTileRows(in root: String, spec: ArchitectureSpec, x1: InputBatch, x2: InputBatch?, precision: Precision) -> Int? {
    guard let subs = try? FileManager.default.contentsOfDirectory(atPath: root) else { return nil }
    let id = GramStore.Identity(spec: spec, x1: x1, x2: x2, precision: precision, tileRows: 1)
    let want = [id.canonicalSpec, id.x1Digest, id.x2Digest, precision.rawValue]
    for sub in subs.sorted() {
        let folder = (root as NSString).appendingPathComponent(sub)
        for name in ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).sorted() where name.hasPrefix("manifest") && name.hasSuffix(".json") {
            guard let d = FileManager.default.contents(atPath: (folder as NSString).appendingPathComponent(name)),
                  let o = try? JSONSerialization.jsonObject(with: d) as? [String: Any], let rows = o["tile_rows"] as? Int else { continue }
            let have = ["spec", "x1_sha256", "x2_sha256", "precision"].map { o[$0] as? String ?? "" }
            if have == want { return rows }
        }
    }
    return nil
}

func printErr(_ s: String) { FileHandle.standardError.write(Data((s + "\n").utf8)) }

/// A store-backed Gram. Returns the matrices when this process should use them (single
/// process or MPI rank 0, store complete); nil on MPI worker ranks and after a `--shard` run.
/// `root`: when set, the store is the subfolder `<root>/<key>` (several Grams per run).
/// `skipCornerFrom`: inputs from there on need no Gram among themselves (`GramTiling`); those
/// entries are NaN in the result.
func storeGram(spec: ArchitectureSpec, x1: InputBatch, x2: InputBatch?, precision: Precision, threads: Int?,
               options: StoreOptions, assembleOnly: Bool = false, root: String? = nil, skipCornerFrom: Int? = nil,
               quiet: Bool, label: String) throws -> KernelMatrices? {
    let shard = try options.shard.map(GramTiling.parseShard)
    if let r = options.tileRows, r < 1 { throw UserError("--tile-rows must be at least 1, got \(r)") }
    let explicitDir = root == nil ? options.store : nil
    let keyedRoot = root ?? ((DataCache.directory() as NSString).appendingPathComponent("gram-store"))
    let tileRows = options.tileRows
        ?? (explicitDir.map(recordedTileRows) ?? matchingTileRows(in: keyedRoot, spec: spec, x1: x1, x2: x2, precision: precision))
        ?? GramTiling.defaultTileRows(spec: spec)
    let mpi = try MPIContext.shared()
    var id = GramStore.Identity(spec: spec, x1: x1, x2: x2, precision: precision, tileRows: tileRows, skipCornerFrom: skipCornerFrom)
    if skipCornerFrom != nil, mpi == nil, let root {
        // A full store of the same Gram (made before the corner was skipped) is used as it is, so
        // an interrupted run resumes instead of starting over. (Not under MPI: every rank must
        // derive the same tiling from its arguments alone.)
        var full = id
        full.skipCornerFrom = nil
        if FileManager.default.fileExists(atPath: (root as NSString).appendingPathComponent(full.key)) { id = full }
    }
    let key = id.key
    let dir = explicitDir ?? root.map { ($0 as NSString).appendingPathComponent(key) } ?? GramStore.defaultDirectory(key: key)
    var engine = try GramEngine(spec: spec, threads: threads)
    engine.precision = precision
    let say: @Sendable (String) -> Void = { line in if !quiet { printErr("\(label): \(line)") } }

    if let mpi, mpi.rank > 0 {
        if assembleOnly { return nil }
        let tiling = try GramTiling(n1: x1.count, n2: (x2 ?? x1).count, symmetric: x2 == nil, tileRows: tileRows,
                                    skipCornerFrom: id.skipCornerFrom)
        try MPITiles.work(mpi, tiling: tiling, engine: engine, x1: x1, x2: x2)
        return nil
    }
    let warn: (String) -> Void = { printErr("warning: \($0)") }

    if assembleOnly {
        let hasManifest = ((try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []).contains { $0.hasPrefix("manifest") && $0.hasSuffix(".json") }
        guard hasManifest else {
            throw UserError("store \(dir) is empty (no manifest, no tiles): nothing to assemble. Compute into it first: entk kernel … --store \(dir) [--shard I/N]")
        }
        let store: GramStore
        do { store = try GramStore(directory: dir, identity: id, writer: nil, create: false) } catch let e as StoreError { throw UserError(e.description) }
        do {
            let k = try store.assemble(shards: shard?.count, warn: warn)
            store.removeStaleTemporaryFiles()
            return k
        } catch let e as StoreError { throw UserError(e.description) }
    }

    let writer = shard.map { "shard-\($0.index)-of-\($0.count)" } ?? "main"
    let store: GramStore
    do { store = try GramStore(directory: dir, identity: id, writer: writer) } catch let e as StoreError { throw UserError(e.description) }
    let scope = try shard.map { try store.tiling.shard($0.index, of: $0.count) } ?? store.tiling.tiles
    say("store \(dir) (\(store.tiling.tiles.count) tiles of \(tileRows) rows\(shard.map { ", shard \($0.index)/\($0.count): \(scope.count) tiles" } ?? "")\(mpi.map { ", \($0.size) MPI ranks" } ?? ""))")
    let t0 = Date()
    let p: StoreProgress
    do {
        if let mpi {
            p = try MPITiles.coordinate(mpi, store: store, scope: scope, engine: engine, x1: x1, x2: x2, warn: warn, onLine: say)
        } else {
            p = try withInterrupt { progress in
                try StoreRunner.fill(store, scope: scope, engine: engine, x1: x1, x2: x2, progress: progress, warn: warn, onLine: say)
            }
        }
    } catch let e as StoreError {
        throw UserError(e.description)
    } catch KernelError.cancelled {
        throw UserError("interrupted: finished tiles are kept in \(dir); rerun the same command to resume")
    }
    say(String(format: "finished: %d/%d tiles in the store (%.1f s this run)", p.tilesDone, p.tilesTotal, Date().timeIntervalSince(t0)))
    if let shard {
        say("shard \(shard.index)/\(shard.count) done; when every shard has finished, assemble with --store \(dir) --assemble")
        return nil
    }
    do { return try store.assemble(warn: warn) } catch let e as StoreError { throw UserError(e.description) }
}

/// Runs `body` with Ctrl-C mapped to a cooperative cancel of the progress it is given.
func withInterrupt<T>(_ body: (GramProgress) throws -> T) throws -> T {
    let progress = GramProgress()
    signal(SIGINT, SIG_IGN)
    let sigint = DispatchSource.makeSignalSource(signal: SIGINT, queue: .global())
    sigint.setEventHandler { progress.cancel() }
    sigint.resume()
    defer { sigint.cancel(); signal(SIGINT, SIG_DFL) }
    return try body(progress)
}

/// Runs a command body under MPI discipline: any error on any rank aborts the whole job
/// (mpirun exits non-zero), and every rank finalizes MPI at the end. Without MPI it just runs.
func runUnderMPIIfLaunched(_ body: () throws -> Void) throws {
    guard let mpi = try MPIContext.shared() else { return try body() }
    do { try body() } catch { mpi.abort(error) }
    mpi.finalize()
}

extension Kernel {
    /// `entk kernel … --store/--resumable/--shard/--assemble`, and every `entk kernel` under mpirun.
    func runWithStore() throws {
        guard let outType = NPYDType(rawValue: dtype), outType == .float64 || outType == .float32 else {
            throw UserError("--dtype must be float64 or float32, got \(dtype)")
        }
        guard let prec = Precision(rawValue: precision) else { throw UserError("--precision must be float64 or float32, got \(precision)") }
        if let s = storeOptions.shard { _ = try GramTiling.parseShard(s) }
        if let r = storeOptions.tileRows, r < 1 { throw UserError("--tile-rows must be at least 1, got \(r)") }
        if storeOptions.shard != nil && assemble {
            // Allowed: --shard only tells --assemble how many shards to report missing tiles for.
        } else if out.isEmpty && storeOptions.shard == nil {
            throw UserError("--out is required (except for --shard runs, which only fill the store)")
        }
        let s = try loadSpec(spec)
        let a = try loadInputs(x1, spec: s)
        let b = try x2.map { try loadInputs($0, spec: s) }
        let t0 = Date()
        guard let r = try storeGram(spec: s, x1: a, x2: b, precision: prec, threads: compute.threads, options: storeOptions,
                                    assembleOnly: assemble, quiet: compute.quiet, label: "kernel") else { return }
        if out.isEmpty { return }
        try writeKernelPair(r, to: out, as: outType)
        print(String(format: "wrote %@/nngp.npy and ntk.npy (%d×%d) in %.2fs", out, r.nngp.rows, r.nngp.cols, Date().timeIntervalSince(t0)))
    }
}

extension LearningCurveCommand {
    /// The store-backed curve: per stack one Gram over pool ∪ test through the tile store, less
    /// the test×test tiles (mean predictions need only pool×pool and test×pool)
    /// (`--store` is then a parent folder holding one `<key>` subfolder per stack). Under mpirun
    /// every rank computes tiles and rank 0 runs the curve; with `--shard` only the shard's tiles
    /// are computed (rerun without --shard to assemble and fit).
    func runWithStore() throws {
        let d = dataOptions
        let data = try ExperimentData.load(d.data, size: d.size, pool: d.pool, test: d.testSize, classes: d.classes, seed: d.seed)
        let named = try stacks.map { try ExperimentStacks.resolve($0, shape: data.pool.shape) }
        let pool = try data.batch(data.pool)
        let union = try UnionGram.concatenate(pool, try data.batch(data.test))
        let root = storeOptions.store ?? (DataCache.directory() as NSString).appendingPathComponent("gram-store")
        func gram(_ name: String, _ spec: ArchitectureSpec) throws -> KernelMatrices? {
            try storeGram(spec: spec, x1: union, x2: nil, precision: .float64, threads: compute.threads,
                          options: storeOptions, root: root, skipCornerFrom: union.count > pool.count ? pool.count : nil, quiet: compute.quiet,
                          label: "\(name) Gram (pool ∪ test)")
        }
        let mpi = try MPIContext.shared()
        if storeOptions.shard != nil || (mpi?.rank ?? 0) > 0 {
            for (name, spec) in named { _ = try gram(name, spec) }
            if storeOptions.shard != nil { print("shard done; rerun without --shard (same options) to assemble the Grams and fit the curve") }
            return
        }
        try runCurve { st in
            guard let k = try gram(st.name, st.spec) else { throw UserError("the \(st.name) Gram is incomplete") }
            return try UnionGram.split(k, pool: pool.count)
        }
    }
}
