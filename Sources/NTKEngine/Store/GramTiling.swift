/// One tile of a Gram: input rows `rows` × columns `cols` (block indices `row`, `col`).
public struct GramTile: Sendable, Hashable {
    /// Position in `GramTiling.tiles` (the same on every process of a job).
    public let index: Int
    public let row: Int
    public let col: Int
    public let rows: Range<Int>
    public let cols: Range<Int>
    /// A diagonal tile of a symmetric Gram: computed as a small symmetric Gram.
    public let diagonal: Bool

    /// Input pairs the tile evaluates (a diagonal tile only its upper triangle).
    public var pairs: Int { diagonal ? rows.count * (rows.count + 1) / 2 : rows.count * cols.count }
    /// File stem in the store: `t-ROW-COL`.
    public var name: String { "t-\(row)-\(col)" }
}

/// How a Gram is cut into tiles: square input blocks of `tileRows`; for a symmetric Gram only
/// the blocks on and above the diagonal (the rest is mirrored when assembling).
public struct GramTiling: Sendable, Equatable {
    public let n1: Int
    public let n2: Int
    public let symmetric: Bool
    public let tileRows: Int
    /// Inputs from this index on form a block whose Gram with itself is not needed (the test
    /// set of a learning curve: mean predictions need pool×pool and test×pool only). Tiles
    /// lying wholly inside that corner are left out of `tiles`; nil: every tile.
    public let skipCornerFrom: Int?
    public let tiles: [GramTile]

    public init(n1: Int, n2: Int, symmetric: Bool, tileRows: Int, skipCornerFrom: Int? = nil) throws {
        guard tileRows >= 1 else { throw StoreError("--tile-rows must be at least 1, got \(tileRows)") }
        guard n1 >= 1, n2 >= 1 else { throw StoreError("the Gram is empty (\(n1)×\(n2) inputs)") }
        guard !symmetric || n1 == n2 else { throw StoreError("a symmetric Gram needs n1 == n2, got \(n1)×\(n2)") }
        if let k = skipCornerFrom {
            guard symmetric, (0..<n1).contains(k) else {
                throw StoreError("skipping the corner from input \(k) needs a symmetric Gram of more than \(k) inputs (\(n1)×\(n2))")
            }
        }
        self.n1 = n1; self.n2 = n2; self.symmetric = symmetric; self.tileRows = tileRows; self.skipCornerFrom = skipCornerFrom
        let b1 = (n1 + tileRows - 1) / tileRows, b2 = (n2 + tileRows - 1) / tileRows
        var t: [GramTile] = []
        for r in 0..<b1 {
            for c in (symmetric ? r : 0)..<b2 {
                if let k = skipCornerFrom, r * tileRows >= k, c * tileRows >= k { continue }
                t.append(GramTile(index: t.count, row: r, col: c,
                                  rows: (r * tileRows)..<min(n1, (r + 1) * tileRows),
                                  cols: (c * tileRows)..<min(n2, (c + 1) * tileRows),
                                  diagonal: symmetric && r == c))
            }
        }
        tiles = t
    }

    public static func == (a: GramTiling, b: GramTiling) -> Bool {
        a.n1 == b.n1 && a.n2 == b.n2 && a.symmetric == b.symmetric && a.tileRows == b.tileRows && a.skipCornerFrom == b.skipCornerFrom
    }

    public var totalPairs: Int { tiles.reduce(0) { $0 + $1.pairs } }

    /// Tiles ordered largest first (ties: canonical order): the order work is handed out in,
    /// so that small edge tiles fill the gaps at the end.
    public static func largestFirst(_ tiles: [GramTile]) -> [GramTile] {
        tiles.sorted { $0.pairs != $1.pairs ? $0.pairs > $1.pairs : $0.index < $1.index }
    }

    /// Shard `index` of `count`: a deterministic, balanced partition of all tiles (largest tile
    /// to the least-loaded shard, ties to the lowest shard), the same on every machine.
    public func shard(_ index: Int, of count: Int) throws -> [GramTile] {
        try Self.validateShard(index, of: count)
        return shardAssignment(count: count).enumerated().compactMap { $0.element == index ? tiles[$0.offset] : nil }
    }

    /// The shard (0..<count) of every tile, indexed like `tiles`.
    public func shardAssignment(count: Int) -> [Int] {
        var load = [Int](repeating: 0, count: max(count, 1))
        var owner = [Int](repeating: 0, count: tiles.count)
        for t in Self.largestFirst(tiles) {
            var best = 0
            for s in 1..<load.count where load[s] < load[best] { best = s }
            owner[t.index] = best
            load[best] += t.pairs
        }
        return owner
    }

    public static func validateShard(_ index: Int, of count: Int) throws {
        guard count >= 1 else { throw StoreError("--shard \(index)/\(count): the number of shards must be at least 1") }
        guard (0..<count).contains(index) else {
            throw StoreError("--shard \(index)/\(count): the shard index must be in 0…\(count - 1) (0-based, e.g. --shard $SLURM_ARRAY_TASK_ID/$SLURM_ARRAY_TASK_COUNT)")
        }
    }

    /// Parses "I/N".
    public static func parseShard(_ text: String) throws -> (index: Int, count: Int) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let i = Int(parts[0].trimmingCharacters(in: .whitespaces)),
              let n = Int(parts[1].trimmingCharacters(in: .whitespaces)) else {
            throw StoreError("--shard must be I/N (shard I of N, 0-based), got '\(text)'")
        }
        try validateShard(i, of: n)
        return (i, n)
    }

    /// The default block size: tiles of about `targetTileSeconds` on one core, for cheap and
    /// expensive stacks alike.
    ///
    /// The tiling is part of the store key, so it must be decided before the store exists and
    /// be the same on every machine, shard and rank of a job: it is computed from the spec and
    /// the input shape only (`estimatedFlopsPerPair` at `assumedFlopsPerSecond`), never from a
    /// timing (measuring the first tile would give each machine, and each rerun, its own key).
    /// Bounds: at least 8 rows (a tile file per few pairs would make the manifest, which lists
    /// every tile, the bottleneck), at most 1024 (a 1024² tile is 16 MiB on disk and in memory).
    /// SO(3) stacks run on their own evaluator, outside this model: 16 rows, as before.
    public static func defaultTileRows(spec: ArchitectureSpec) -> Int {
        if spec.isSpherical { return 16 }
        let flops = max(1, estimatedFlopsPerPair(spec: spec))
        let pairs = targetTileSeconds * assumedFlopsPerSecond / flops
        return min(1024, max(8, Int(pairs.squareRoot())))
    }

    /// Seconds of one-core work a default tile aims at (about 10 s on a two-core node). Shorter
    /// tiles mean more of them, and the manifest (one checksum per tile, rewritten after each)
    /// grows with their number: 20 s gives a 2000-input 32×32 C4 Gram about 17k tiles (11 rows).
    public static let targetTileSeconds = 20.0
    /// float64 rate of the kernel recursion on one core (BENCHMARKS.md: 7–12 GFLOP/s of this
    /// arithmetic per core; the lower, float64 figure, so tiles err on the short side).
    public static let assumedFlopsPerSecond = 7e9
    /// Work per pair that is not arithmetic of the recursion (workspace, self-kernel lookup,
    /// bookkeeping; a few µs measured as MLP pairs/s): a floor so cheap stacks get big tiles,
    /// not unbounded ones.
    public static let perPairOverheadFlops = 2e4

    /// Floating-point work of one pair, counted as in BENCHMARKS.md ("FLOP count per pair"): per
    /// spatial layer and per group element, on each of the P² position pairs, a separable window
    /// sum over the filter taps on K and Θ (2·(kh+kw) adds) plus the affine combine (6), and 45
    /// per pointwise nonlinearity; the input covariance over all position pairs costs P²·C
    /// products (the engine computes it for every image stack, even when a `flatten` reads only
    /// its diagonal), a reduction P² (`flatten`: P), the scalar (MLP) part one dot product of the
    /// inputs (vector inputs) and ~50 per layer. Deterministic: integer shapes only.
    public static func estimatedFlopsPerPair(spec: ArchitectureSpec) -> Double {
        let input = spec.inputShape
        var flops = perPairOverheadFlops
        guard input.count == 3 else {
            let d = Double(input.first ?? 1)
            return flops + 2 * d + 50 * Double(spec.layers.count)
        }
        flops += Double(input[0] * input[1]) * Double(input[0] * input[1]) * Double(input[2])
        var fold = FlopsFold(h: input[0], w: input[1], flops: flops)
        for layer in spec.layers { layer.steps.flops(layer, into: &fold) }
        return fold.flops
    }
}

import Foundation

/// A store or tiling problem, worded for the user.
public struct StoreError: Error, CustomStringConvertible, Equatable, Sendable {
    public let description: String
    public init(_ s: String) { description = s }
}
