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
    public let tiles: [GramTile]

    public init(n1: Int, n2: Int, symmetric: Bool, tileRows: Int) throws {
        guard tileRows >= 1 else { throw StoreError("--tile-rows must be at least 1, got \(tileRows)") }
        guard n1 >= 1, n2 >= 1 else { throw StoreError("the Gram is empty (\(n1)×\(n2) inputs)") }
        guard !symmetric || n1 == n2 else { throw StoreError("a symmetric Gram needs n1 == n2, got \(n1)×\(n2)") }
        self.n1 = n1; self.n2 = n2; self.symmetric = symmetric; self.tileRows = tileRows
        let b1 = (n1 + tileRows - 1) / tileRows, b2 = (n2 + tileRows - 1) / tileRows
        var t: [GramTile] = []
        for r in 0..<b1 {
            for c in (symmetric ? r : 0)..<b2 {
                t.append(GramTile(index: t.count, row: r, col: c,
                                  rows: (r * tileRows)..<min(n1, (r + 1) * tileRows),
                                  cols: (c * tileRows)..<min(n2, (c + 1) * tileRows),
                                  diagonal: symmetric && r == c))
            }
        }
        tiles = t
    }

    public static func == (a: GramTiling, b: GramTiling) -> Bool {
        a.n1 == b.n1 && a.n2 == b.n2 && a.symmetric == b.symmetric && a.tileRows == b.tileRows
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

    /// The default block size, aiming at tiles of seconds to tens of seconds. Deterministic (it
    /// is part of the store key, so a rerun must choose the same): from the input size only.
    /// BENCHMARKS.md: a 32×32×3 C4 4-layer pair takes ~0.15 s on one thread (6.7 pairs/s, idle),
    /// 16×16 ~0.01 s; pair cost grows about with the square of the pixel count, so 16 rows
    /// (≤ 256 pairs, ~20 s on 2 threads) at 32×32 and proportionally more rows for smaller images.
    public static func defaultTileRows(spec: ArchitectureSpec) -> Int {
        if spec.isSpherical { return 16 }
        let shape = spec.inputShape
        guard shape.count >= 3 else { return 512 }  // MLP: one dgemm + scalar recursion, cheap
        let pixels = max(1, shape.dropLast().reduce(1, *))
        return min(256, max(8, 16 * 1024 / pixels))
    }
}

import Foundation

/// A store or tiling problem, worded for the user.
public struct StoreError: Error, CustomStringConvertible, Equatable, Sendable {
    public let description: String
    public init(_ s: String) { description = s }
}
