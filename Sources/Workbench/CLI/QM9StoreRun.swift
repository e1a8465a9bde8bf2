import Foundation
import NTKEngine

/// `entk experiment qm9 … --store DIR`: the store-backed protocol (`MoleculeGramStore`).
///
/// Why a second protocol: the in-memory one shuffles test and training molecules per seed, so
/// every seed needs its own Gram. Here one fixed test set and one fixed training pool are drawn
/// once (shuffle seed `--split-seed`), each model's molecule Gram over them is computed tile by
/// tile into DIR/<model> (resumable after kill -9, shardable with --shard I/N, and under mpirun),
/// and every `--seeds` value draws its nested training subsets from the pool.
struct QM9StoreRun {
    let directory: String
    let tileRows: Int
    let shard: (index: Int, count: Int)?
    let poolSize: Int
    let testSize: Int
    let trainSizes: [Int]
    let seeds: [UInt64]
    let splitSeed: UInt64
    let diagReg: Double
    let features: AtomFeatures
    let threads: Int?
    let quiet: Bool
    /// Print each model's atom and pair counts, compute nothing.
    var dryRun = false

    /// Fixed test set (first `testSize` of the shuffle) and training pool (the next `poolSize`).
    func split(_ molecules: [Molecule]) throws -> (pool: [Molecule], test: [Molecule]) {
        guard molecules.count >= testSize + poolSize else {
            throw UserError("--store needs \(testSize + poolSize) molecules (test \(testSize) + --train-pool \(poolSize)), got \(molecules.count); raise --pool")
        }
        var rng = SplitMix64(seed: splitSeed)
        let order = rng.permutation(molecules.count)
        let test = order.prefix(testSize).map { molecules[$0] }
        let pool = order.dropFirst(testSize).prefix(poolSize).map { molecules[$0] }
        return (pool, test)
    }

    /// Fills every model's store (this shard's tiles only with --shard); returns the rows once all
    /// stores are complete, nil after a shard run that leaves tiles to other shards, or on MPI
    /// worker ranks.
    func run(models: [(name: String, spec: ArchitectureSpec)], molecules: [Molecule]) throws -> [QM9LearningCurve.Row]? {
        let (pool, test) = try split(molecules)
        if dryRun {
            for (name, spec) in models {
                let kernel = try MoleculeKernel(spec: spec, features: features, threads: threads)
                let p = try MoleculeGramStore.plan(kernel: kernel, pool: pool, test: test, tileRows: tileRows)
                print("\(name): \(p.atoms) centre atoms (pool \(p.poolAtoms)), \(p.tiles) tiles of \(tileRows) rows, \(p.pairs) atom pairs")
            }
            return nil
        }
        let mpi = try MPIContext.shared()
        let warn: (String) -> Void = { printErr("warning: \($0)") }
        var grams: [QM9LearningCurve.PoolGrams] = []
        var complete = true
        for (name, spec) in models {
            let kernel = try MoleculeKernel(spec: spec, features: features, threads: threads)
            let dir = (directory as NSString).appendingPathComponent(name)
            let writer = mpi.map { $0.rank == 0 ? "main" : nil } ?? shard.map { "shard-\($0.index)-of-\($0.count)" } ?? "main"
            let job: MoleculeGramStore
            do {
                job = try MoleculeGramStore(kernel: kernel, pool: pool, test: test, directory: dir, tileRows: tileRows, writer: writer)
            } catch let e as StoreError { throw UserError(e.description) }
            if let mpi, mpi.rank > 0 {
                try MPITiles.work(mpi, tiling: job.store.tiling, engine: kernel.engine, x1: job.atoms, x2: nil)
                continue
            }
            let say: @Sendable (String) -> Void = { line in if !quiet { printErr("\(name): \(line)") } }
            let scope = try shard.map { try job.shard($0.index, of: $0.count) } ?? job.neededTiles
            say("store \(dir): \(job.atoms.count) centre atoms (pool \(job.poolAtoms)), \(job.neededTiles.count) needed tiles of \(tileRows) rows, \(job.neededPairs) atom pairs"
                + (shard.map { ", shard \($0.index)/\($0.count): \(scope.count) tiles" } ?? ""))
            let t0 = Date()
            do {
                let p: StoreProgress
                if let mpi {
                    p = try MPITiles.coordinate(mpi, store: job.store, scope: scope, engine: kernel.engine, x1: job.atoms, x2: nil, warn: warn, onLine: say)
                } else {
                    p = try withInterrupt { progress in try job.fill(scope: scope, progress: progress, warn: warn, onLine: say) }
                }
                say(String(format: "%d/%d tiles of this run's scope in the store (%.1f s this run)", p.tilesDone, p.tilesTotal, Date().timeIntervalSince(t0)))
                let missing = try job.missingTiles(warn: warn)
                if !missing.isEmpty { complete = false; say("\(missing.count) needed tiles left to other shards"); continue }
                let g = try job.assemble(warn: warn)
                _ = job.store.removeStaleTemporaryFiles()
                grams.append((name, g.pool, g.test, Date().timeIntervalSince(t0)))
            } catch let e as StoreError {
                throw UserError(e.description)
            } catch KernelError.cancelled {
                throw UserError("interrupted: finished tiles are kept in \(dir); rerun the same command to resume")
            }
        }
        if let mpi, mpi.rank > 0 { return nil }
        guard complete else { return nil }
        let centreAtoms = (pool + test).reduce(0) { $0 + features.centreIndices($1).count }
        return try QM9LearningCurve.runPooled(pool: pool, test: test, grams: grams, trainSizes: trainSizes, seeds: seeds,
                                              diagReg: diagReg, centreAtoms: centreAtoms)
    }

    /// Rows with a seed column.
    static func csv(_ rows: [QM9LearningCurve.Row]) -> String {
        var s = "seed,model,kernel,train_size,test_size,mae_meV,gram_seconds,centre_atoms\n"
        for r in rows {
            s += "\(r.seed),\(r.model),\(r.kernel),\(r.trainSize),\(r.testSize),\(String(format: "%.3f", r.maeMeV)),\(String(format: "%.2f", r.gramSeconds)),\(r.centreAtoms)\n"
        }
        return s
    }

    /// Mean MAE over seeds per (model, kernel, size), for the summary table and the figure.
    static func seedMean(_ rows: [QM9LearningCurve.Row]) -> [QM9LearningCurve.Row] {
        var groups: [String: [QM9LearningCurve.Row]] = [:]
        var order: [String] = []
        for r in rows {
            let k = "\(r.model)|\(r.kernel)|\(r.trainSize)"
            if groups[k] == nil { order.append(k) }
            groups[k, default: []].append(r)
        }
        return order.compactMap { k in
            guard var r = groups[k]?.first, let g = groups[k] else { return nil }
            r.maeMeV = g.map(\.maeMeV).reduce(0, +) / Double(g.count)
            return r
        }
    }
}

extension QM9Command {
    /// The per-atom models of this command line: (store/CSV name, spec).
    func models(_ q: QM9Choice) throws -> (features: AtomFeatures, models: [(name: String, spec: ArchitectureSpec)]) {
        guard paper else {
            let c = q.configuration
            return (c.features, [("so3", c.so3Spec), ("mlp", c.mlpSpec)])
        }
        let f = AtomFeatures.paper()
        var m: [(name: String, spec: ArchitectureSpec)] = [("so3", QM9LearningCurve.paperSO3Spec(f, activation: .erf)), ("mlp", QM9LearningCurve.defaultMLPSpec(f))]
        for name in paperModels {
            switch name {
            case "so3-relu": m.append((name, QM9LearningCurve.paperSO3Spec(f, activation: .relu)))
            case "mlp-spherical": m.append((name, QM9LearningCurve.flatSphericalMLPSpec(f, activation: .erf)))
            default: throw UserError("--paper-models takes so3-relu and mlp-spherical, got \(name)")
            }
        }
        return (f, m)
    }

    /// `--store`: fixed pool and test set, molecule Grams through the tile store, several seeds.
    func runStore() throws {
        guard let store else { throw UserError("--train-pool, --seeds and --shard need --store DIR") }
        guard tileRows >= 1 else { throw UserError("--tile-rows must be at least 1, got \(tileRows)") }
        let poolSize = trainPool ?? (trainSizes.max() ?? 0)
        guard let largest = trainSizes.max(), largest <= poolSize else {
            throw UserError("--train-sizes \(trainSizes) must not exceed --train-pool \(poolSize)")
        }
        var q = QM9Choice(source: synthetic ? .synthetic : .qm9, trainSizes: trainSizes, testSize: testSize, pool: pool,
                          bandwidth: bandwidth, convolution: conv, diagReg: diagReg, seed: seed)
        if synthetic, pool == 20000 { q.pool = testSize + poolSize }
        do { try q.validate() } catch { throw UserError("\(error)") }
        let molecules: [Molecule]
        do { molecules = try q.molecules(cacheDirectory: cacheDir ?? DataCache.directory()) } catch let e as CommandError { throw UserError(e.description) }
        let (features, models) = try models(q)
        let runner = QM9StoreRun(directory: store, tileRows: tileRows, shard: try shard.map(GramTiling.parseShard), poolSize: poolSize,
                                 testSize: testSize, trainSizes: trainSizes, seeds: seeds.isEmpty ? [seed] : seeds, splitSeed: splitSeed,
                                 diagReg: diagReg, features: features, threads: compute.threads, quiet: compute.quiet, dryRun: dryRun)
        print("QM9 store run on \(q.sourceText): \(molecules.count) molecules; fixed test \(testSize) and pool \(poolSize) (split seed \(splitSeed)); "
              + "train \(trainSizes) × seeds \(runner.seeds); models \(models.map(\.name)); diag_reg \(diagReg); store \(store)")
        let t0 = Date()
        guard let rows = try runner.run(models: models, molecules: molecules) else {
            if dryRun { return }
            if (try MPIContext.shared()).map({ $0.rank == 0 }) ?? true {
                print("shard finished; rerun without --shard (or after every shard has finished) to assemble the Grams and fit")
            }
            return
        }
        let extra = models.dropFirst(2).map(\.name)
        for s in runner.seeds {
            print("seed \(s):")
            for line in QM9CurveReport.table(rows.filter { $0.seed == s }, extraModels: extra) { print(line) }
        }
        let mean = QM9StoreRun.seedMean(rows)
        print("mean over seeds \(runner.seeds):")
        for line in QM9CurveReport.table(mean, extraModels: extra) { print(line) }
        print(String(format: "%@; whole command %.1f s", QM9CurveReport.timing(rows), Date().timeIntervalSince(t0)))
        print(QM9StoreRun.csv(rows), terminator: "")
        let fig = Self.figure(mean, so3Label: paper ? "SO(3) 6→3→3 erf" : q.modelText, extraModels: extra,
                              title: "QM9 U0 MAE, \(q.source == .qm9 ? "QM9" : "synthetic")\(paper ? " (paper settings)" : ""), test \(testSize), mean of \(runner.seeds.count) seeds")
        try writeFigure(fig, csv: QM9StoreRun.csv(rows), to: out, name: "qm9")
        if let bad = rows.first(where: { !$0.maeMeV.isFinite }) {
            throw UserError("non-finite MAE for \(bad.model) \(bad.kernel) at n = \(bad.trainSize), seed \(bad.seed)")
        }
    }
}
