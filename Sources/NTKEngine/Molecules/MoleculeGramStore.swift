import Foundation

/// The molecule Gram of one per-atom model over a fixed training pool and a fixed test set,
/// computed tile by tile into a `GramStore` (resumable after a kill, shardable with `--shard`).
///
/// Why this shape: a molecule kernel is a sum of atom-pair kernels (`MoleculeKernel`), so the
/// molecule Gram is the block sum of one atom-level Gram over every centre atom of pool ∪ test.
/// That atom Gram (pool atoms first, then test atoms) is stored as an ordinary symmetric tiled
/// Gram; t = ∞ regression needs only pool × pool and test × pool, so tiles lying entirely in
/// test × test are never computed (tiles straddling the boundary are computed whole). One store
/// then serves every seed and training size drawn from the pool.
///
/// The store key is `GramStore`'s: SHA-256 of the canonical spec, the atom descriptors' bytes
/// (which fix the features and every molecule's geometry), the precision and the tiling. The
/// molecule ids and how atoms group into molecules are recorded in `molecules.json` and checked
/// when the store is reopened.
public struct MoleculeGramStore: Sendable {
    public let kernel: MoleculeKernel
    /// Centre-atom descriptors of pool then test.
    public let atoms: InputBatch
    /// Molecule of each atom row (pool molecules 0..<poolCount, then test molecules).
    public let owner: [Int]
    public let poolCount: Int
    public let testCount: Int
    /// Atom rows of the pool (the first `poolAtoms` rows).
    public let poolAtoms: Int
    public let store: GramStore

    /// Opens (creating if needed) the store in `directory`. `writer`: "main", "shard-I-of-N" or nil
    /// (see `GramStore`). Throws if the folder holds a store for another model, feature set, pool
    /// or test set.
    public init(kernel: MoleculeKernel, pool: [Molecule], test: [Molecule], directory: String,
                tileRows: Int, writer: String? = "main") throws {
        guard !pool.isEmpty, !test.isEmpty else { throw StoreError("the molecule store needs a non-empty pool and test set") }
        let (batch, owners) = try kernel.atomInputs(pool + test)
        guard owners.allSatisfy({ !$0.isEmpty }) else {
            let i = owners.firstIndex { $0.isEmpty } ?? 0
            throw StoreError("molecule \((pool + test)[i].index) has no centre atom (\(kernel.features.centres) centres); it cannot enter a molecule Gram")
        }
        self.kernel = kernel
        atoms = batch
        var own = [Int](repeating: 0, count: batch.count)
        for (m, r) in owners.enumerated() { for i in r { own[i] = m } }
        owner = own
        poolCount = pool.count; testCount = test.count
        poolAtoms = owners[pool.count - 1].upperBound
        store = try GramStore(directory: directory, identity: .init(spec: kernel.engine.spec, x1: batch, x2: nil,
                                                                   precision: kernel.engine.precision, tileRows: tileRows),
                              writer: writer)
        try Self.checkMolecules(directory: directory, pool: pool, test: test, owners: owners, write: writer != nil)
    }

    /// What a store run would compute, without touching any folder: centre atoms (all, and in the
    /// pool), needed tiles and atom pairs (`neededTiles`, `neededPairs` of the store).
    public static func plan(kernel: MoleculeKernel, pool: [Molecule], test: [Molecule], tileRows: Int) throws
        -> (atoms: Int, poolAtoms: Int, tiles: Int, pairs: Int) {
        let count = { (ms: [Molecule]) in ms.reduce(0) { $0 + kernel.features.centreIndices($1).count } }
        let poolAtoms = count(pool), atoms = poolAtoms + count(test)
        let tiling = try GramTiling(n1: atoms, n2: atoms, symmetric: true, tileRows: tileRows)
        let needed = tiling.tiles.filter { $0.rows.lowerBound < poolAtoms }
        return (atoms, poolAtoms, needed.count, needed.reduce(0) { $0 + $1.pairs })
    }

    /// The tiles t = ∞ regression needs: all but those whose rows (and so, above the diagonal,
    /// whose columns) are all test atoms.
    public var neededTiles: [GramTile] { store.tiling.tiles.filter { $0.rows.lowerBound < poolAtoms } }

    /// Atom pairs in the needed tiles (what the run costs).
    public var neededPairs: Int { neededTiles.reduce(0) { $0 + $1.pairs } }

    /// Shard `index` of `count` of the needed tiles: largest tile to the least-loaded shard
    /// (deterministic, the same on every machine).
    public func shard(_ index: Int, of count: Int) throws -> [GramTile] {
        try GramTiling.validateShard(index, of: count)
        var load = [Int](repeating: 0, count: count)
        var mine: [GramTile] = []
        for t in GramTiling.largestFirst(neededTiles) {
            var best = 0
            for s in 1..<count where load[s] < load[best] { best = s }
            load[best] += t.pairs
            if best == index { mine.append(t) }
        }
        return mine
    }

    /// Computes the missing tiles of `scope` (default: all needed tiles) into the store.
    public func fill(scope: [GramTile]? = nil, progress: GramProgress = GramProgress(), warn: (String) -> Void,
                     onLine: (String) -> Void) throws -> StoreProgress {
        try StoreRunner.fill(store, scope: scope ?? neededTiles, engine: kernel.engine, x1: atoms, x2: nil,
                             progress: progress, warn: warn, onLine: onLine)
    }

    /// Needed tiles not (validly) in the store.
    public func missingTiles(warn: (String) -> Void) throws -> [GramTile] {
        let done = try store.scan(owned: Set<Int>(), warn: warn)
        return neededTiles.filter { !done.contains($0.index) }
    }

    /// The molecule-level pool × pool Gram and test × pool block, summed from the stored tiles in
    /// tile order (so a resumed run gives the same bits as an uninterrupted one). Throws listing
    /// the count of missing tiles if the store is incomplete.
    public func assemble(warn: (String) -> Void) throws -> (pool: KernelMatrices, test: KernelMatrices) {
        let missing = try missingTiles(warn: warn)
        guard missing.isEmpty else {
            throw StoreError("store \(store.directory) is incomplete: \(missing.count) of \(neededTiles.count) needed tiles missing (e.g. \(missing[0].name)); run the same command again to compute them")
        }
        let nm = poolCount + testCount
        var kn = [Double](repeating: 0, count: nm * nm), kt = kn
        // Bounds: owner[i] < nm for every atom row i < atoms.count, and tiles lie inside the atom Gram.
        for t in neededTiles {
            let m = try store.read(t)
            for (a, i) in t.rows.enumerated() {
                let oi = owner[i], rowTest = i >= poolAtoms
                for (b, j) in t.cols.enumerated() {
                    let colTest = j >= poolAtoms
                    if rowTest && colTest { continue }
                    let oj = owner[j], vn = m.nngp[a, b], vt = m.ntk[a, b]
                    kn[oi * nm + oj] += vn; kt[oi * nm + oj] += vt
                    if !t.diagonal { kn[oj * nm + oi] += vn; kt[oj * nm + oi] += vt }
                }
            }
        }
        func block(_ v: [Double], _ rows: Range<Int>) -> Matrix {
            Matrix(rows: rows.count, cols: poolCount, data: rows.flatMap { r in v[(r * nm)..<(r * nm + poolCount)] })
        }
        let p = 0..<poolCount, q = poolCount..<nm
        return (KernelMatrices(nngp: block(kn, p), ntk: block(kt, p)), KernelMatrices(nngp: block(kn, q), ntk: block(kt, q)))
    }

    /// Records (or, on reopening, compares) the molecule ids and atom grouping in molecules.json.
    static func checkMolecules(directory: String, pool: [Molecule], test: [Molecule], owners: [Range<Int>], write: Bool) throws {
        let obj: [String: Any] = ["pool_ids": pool.map(\.index), "test_ids": test.map(\.index),
                                  "atoms_per_molecule": owners.map(\.count)]
        let data = try JSONSerialization.data(withJSONObject: obj, options: [.sortedKeys])
        let path = (directory as NSString).appendingPathComponent("molecules.json")
        if let old = FileManager.default.contents(atPath: path) {
            guard old == data else {
                throw StoreError("store \(directory) was made for other molecules (molecules.json lists another pool/test set); pick another --store folder")
            }
            return
        }
        if write { try DurableFile.write([UInt8](data), to: path) }
    }
}
