import Foundation
import XCTest
@testable import NTKEngine

/// The resumable tile store: tiling, sharding, checksums, resume, refusal of foreign stores,
/// and write failures. Expected matrices come from the untiled `GramEngine.compute`.
final class GramStoreTests: XCTestCase {
    var dir = ""
    override func setUpWithError() throws {
        dir = NSTemporaryDirectory() + "entk-store-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(atPath: dir) }

    let c4 = groupStackJSON(group: "C4", padding: "circular", size: 4, channels: 1)

    func batch(_ n: Int, seed: UInt64, size: Int = 4) throws -> InputBatch {
        var rng = TestRNG(seed)
        return try InputBatch(shape: [size, size, 1], data: rng.normals(n * size * size))
    }

    func identity(_ s: ArchitectureSpec, _ x1: InputBatch, _ x2: InputBatch? = nil, rows: Int = 3, precision: Precision = .float64) -> GramStore.Identity {
        GramStore.Identity(spec: s, x1: x1, x2: x2, precision: precision, tileRows: rows)
    }

    func fill(_ store: GramStore, _ x1: InputBatch, _ x2: InputBatch?, scope: [GramTile]? = nil, precision: Precision = .float64,
              warnings: inout [String]) throws {
        var w: [String] = []
        var engine = try GramEngine(spec: try spec(c4))
        engine.precision = precision
        _ = try StoreRunner.fill(store, scope: scope ?? store.tiling.tiles, engine: engine, x1: x1, x2: x2,
                                 warn: { w.append($0) }, onLine: { _ in })
        warnings += w
    }

    // MARK: tiling and shards

    func testSymmetricTilesCoverTheUpperTriangleOnce() throws {
        for (n, r) in [(1, 1), (7, 3), (9, 3), (10, 4), (5, 8)] {
            let t = try GramTiling(n1: n, n2: n, symmetric: true, tileRows: r)
            var seen = [Int](repeating: 0, count: n * n)
            for tile in t.tiles {
                for i in tile.rows { for j in tile.cols where !tile.diagonal || i <= j { seen[i * n + j] += 1 } }
            }
            for i in 0..<n { for j in 0..<n { XCTAssertEqual(seen[i * n + j], i <= j ? 1 : 0, "n \(n) r \(r) (\(i),\(j))") } }
            XCTAssertEqual(t.totalPairs, n * (n + 1) / 2)
        }
        let rect = try GramTiling(n1: 5, n2: 7, symmetric: false, tileRows: 2)
        XCTAssertEqual(rect.tiles.count, 3 * 4)
        XCTAssertEqual(rect.totalPairs, 35)
    }

    func testShardsPartitionDeterministicallyAndBalanced() throws {
        let t = try GramTiling(n1: 40, n2: 40, symmetric: true, tileRows: 3)
        for n in [1, 2, 3, 4, 7] {
            let shards = try (0..<n).map { try t.shard($0, of: n) }
            XCTAssertEqual(shards.flatMap { $0.map(\.index) }.sorted(), Array(0..<t.tiles.count), "every tile in exactly one of \(n) shards")
            let loads = shards.map { $0.reduce(0) { $0 + $1.pairs } }
            let biggest = t.tiles.map(\.pairs).max() ?? 0
            XCTAssertLessThanOrEqual((loads.max() ?? 0) - (loads.min() ?? 0), biggest, "LPT keeps shards within one tile of each other")
            XCTAssertEqual(try t.shard(0, of: n).map(\.index), shards[0].map(\.index))
        }
        // Largest first: the pair counts never increase.
        let order = GramTiling.largestFirst(t.tiles).map(\.pairs)
        XCTAssertEqual(order, order.sorted(by: >))
    }

    func testShardArgumentErrors() {
        for bad in ["5/4", "4/4", "0/0", "-1/3", "1", "a/b", "1/2/3"] {
            XCTAssertThrowsError(try GramTiling.parseShard(bad), bad) { e in
                XCTAssertTrue("\(e)".contains("--shard"), "\(e)")
            }
        }
        XCTAssertEqual(try GramTiling.parseShard("3/4").index, 3)
        XCTAssertThrowsError(try GramTiling(n1: 3, n2: 3, symmetric: true, tileRows: 0))
    }

    // MARK: results

    func testAssembledEqualsUntiledBitForBit() throws {
        let s = try spec(c4)
        let x = try batch(7, seed: 1), y = try batch(5, seed: 2)
        var engine = try GramEngine(spec: s)
        for (x2, rows, prec) in [(nil as InputBatch?, 3, Precision.float64), (y, 2, .float64), (nil, 8, .float64), (nil, 2, .float32), (y, 3, .float32)] {
            engine.precision = prec
            let store = try GramStore(directory: dir + "/s\(rows)\(x2 == nil)\(prec)", identity: identity(s, x, x2, rows: rows, precision: prec), writer: "main")
            var w: [String] = []
            try fill(store, x, x2, precision: prec, warnings: &w)
            XCTAssertEqual(w, [])
            let k = try store.assemble(warn: { XCTFail($0) })
            let direct = try engine.compute(x, x2)
            XCTAssertEqual(k.nngp.data, direct.nngp.data)
            XCTAssertEqual(k.ntk.data, direct.ntk.data)
        }
    }

    func testResumeComputesOnlyMissingTilesAndCorruptTilesAreRecomputed() throws {
        let s = try spec(c4)
        let x = try batch(8, seed: 3)
        let id = identity(s, x)
        var store = try GramStore(directory: dir, identity: id, writer: "main")
        var w: [String] = []
        try fill(store, x, nil, scope: try store.tiling.shard(0, of: 2), warnings: &w)
        let half = try store.scan(warn: { XCTFail($0) })
        XCTAssertEqual(half, Set(try store.tiling.shard(0, of: 2).map(\.index)))
        XCTAssertThrowsError(try store.assemble(shards: 2, warn: { _ in })) { e in
            XCTAssertTrue("\(e)".contains("shard 1/2"), "\(e)")
            XCTAssertFalse("\(e)".contains("shard 0/2"), "\(e)")
        }
        let before = try tileModificationDates(store)
        store = try GramStore(directory: dir, identity: id, writer: "main")
        try fill(store, x, nil, warnings: &w)
        let after = try tileModificationDates(store)
        for (name, date) in before { XCTAssertEqual(after[name], date, "finished tile \(name) was rewritten") }

        // Truncate one tile, flip a byte of another, drop a third from the manifest's knowledge.
        let tiles = store.tiling.tiles
        let p0 = store.path(of: tiles[0]), p1 = store.path(of: tiles[1])
        var b0 = try AtomicFile.read(p0); b0.removeLast(9)
        try Data(b0).write(to: URL(fileURLWithPath: p0))
        var b1 = try AtomicFile.read(p1); b1[b1.count - 3] ^= 0x40
        try Data(b1).write(to: URL(fileURLWithPath: p1))
        w = []
        store = try GramStore(directory: dir, identity: id, writer: "main")
        try fill(store, x, nil, warnings: &w)
        XCTAssertEqual(w.count, 2, "\(w)")
        XCTAssertTrue(w.contains { $0.contains(tiles[0].name) && $0.contains("checksum") })
        XCTAssertTrue(w.contains { $0.contains(tiles[1].name) && $0.contains("checksum") })
        let k = try store.assemble(warn: { XCTFail($0) })
        XCTAssertEqual(k.ntk.data, try GramEngine(spec: s).compute(x).ntk.data)
    }

    func tileModificationDates(_ store: GramStore) throws -> [String: Date] {
        var out: [String: Date] = [:]
        for t in store.tiling.tiles {
            if let d = try? FileManager.default.attributesOfItem(atPath: store.path(of: t))[.modificationDate] as? Date { out[t.name] = d }
        }
        return out
    }

    func testAStoreForAnotherJobIsRefused() throws {
        let s = try spec(c4)
        let x = try batch(6, seed: 4)
        _ = try GramStore(directory: dir, identity: identity(s, x), writer: "main")
        var x2 = x; x2.data[5] += 1e-9
        let other = try spec(groupStackJSON(group: "C2", padding: "circular", size: 4, channels: 1))
        let cases: [(GramStore.Identity, String)] = [
            (identity(other, x), "the spec"),
            (identity(s, x2), "the x1 inputs"),
            (identity(s, x, x), "the x2 inputs"),
            (identity(s, x, precision: .float32), "the precision"),
            (identity(s, x, rows: 2), "the tiling"),
        ]
        for (id, why) in cases {
            XCTAssertNotEqual(id.key, identity(s, x).key)
            XCTAssertThrowsError(try GramStore(directory: dir, identity: id, writer: "main"), why) { e in
                XCTAssertTrue("\(e)".contains("made for another job") && "\(e)".contains(why), "\(e)")
            }
        }
        // The spec's display name does not change the kernel, so not the key either.
        var renamed = s; renamed.name = "renamed"
        XCTAssertEqual(identity(renamed, x).key, identity(s, x).key)
    }

    func testAssemblingAnEmptyOrMissingStoreFails() throws {
        let s = try spec(c4)
        let x = try batch(4, seed: 5)
        XCTAssertThrowsError(try GramStore(directory: dir + "/absent", identity: identity(s, x), writer: nil, create: false))
        let store = try GramStore(directory: dir, identity: identity(s, x, rows: 2), writer: "main")
        XCTAssertThrowsError(try store.assemble(warn: { _ in })) { e in
            XCTAssertTrue("\(e)".contains("3 of 3 tiles missing"), "\(e)")
        }
    }

    // MARK: writes

    func testDiskFullLeavesNoFileAndNamesTheReason() throws {
        let target = dir + "/tile.npz"
        var calls = 0
        XCTAssertThrowsError(try DurableFile.write([UInt8](repeating: 7, count: 1000), to: target, writer: { fd, buf, count in
            calls += 1
            if calls == 1 { return Glibc.write(fd, buf, min(count, 100)) }  // a partial write, then the disk is full
            errno = ENOSPC
            return -1
        })) { e in
            XCTAssertTrue("\(e)".contains("No space left on device"), "\(e)")
            XCTAssertTrue("\(e)".contains(target), "\(e)")
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: target))
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir), [], "temporary file removed")
        // Partial writes that succeed are continued to the end.
        try DurableFile.write(Array(0..<200).map { UInt8($0) }, to: target, writer: { fd, buf, count in Glibc.write(fd, buf, min(count, 7)) })
        XCTAssertEqual(try AtomicFile.read(target), Array(0..<200).map { UInt8($0) })
    }

    func testUnionGramSplitMatchesSeparateGrams() throws {
        let s = try spec(c4)
        let pool = try batch(5, seed: 6), test = try batch(3, seed: 7)
        let e = try GramEngine(spec: s)
        let parts = try UnionGram.split(try e.compute(try UnionGram.concatenate(pool, test)), pool: 5)
        let kp = try e.compute(pool), kt = try e.compute(test, pool)
        XCTAssertEqual(parts.pool.ntk.data, kp.ntk.data)
        XCTAssertEqual(parts.test.ntk.rows, 3)
        for (a, b) in zip(parts.test.ntk.data + parts.test.nngp.data, kt.ntk.data + kt.nngp.data) {
            XCTAssertEqual(a, b, accuracy: 1e-12 * max(1, abs(b)))
        }
    }
}
