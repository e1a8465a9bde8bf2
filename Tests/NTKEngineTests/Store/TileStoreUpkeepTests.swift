import Foundation
import XCTest
@testable import NTKEngine

/// Removal of temporary files left by killed writers (never a live writer's), and the default
/// tiling for cheap and expensive stacks.
final class TileStoreUpkeepTests: XCTestCase {
    var dir = ""
    override func setUpWithError() throws {
        dir = NSTemporaryDirectory() + "entk-upkeep-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(atPath: dir) }

    // MARK: stale temporary files

    func testTemporaryNamesCarryHostAndPid() throws {
        let n = TemporaryFile.name(for: "t-3-4.npz")
        XCTAssertTrue(n.hasPrefix(".t-3-4.npz.tmp-"), n)
        let o = try XCTUnwrap(TemporaryFile.owner(of: n))
        XCTAssertEqual(o.host, TemporaryFile.host)
        XCTAssertEqual(o.pid, getpid())
        XCTAssertFalse(TemporaryFile.host.contains("-"), "the host part must parse back")
        let old = try XCTUnwrap(TemporaryFile.owner(of: ".manifest.json.tmp-4242-0a1b2c3d"))
        XCTAssertNil(old.host); XCTAssertEqual(old.pid, 4242)
        XCTAssertNil(TemporaryFile.owner(of: "t-3-4.npz"))
        XCTAssertNil(TemporaryFile.owner(of: "manifest.json"))
    }

    func testStaleRule() {
        let me = "nodeA"
        func stale(_ host: String?, pid: Int32, age: Double, alive: Bool) -> Bool {
            let name = ".t-0-0.npz.tmp-" + (host.map { "\($0)-" } ?? "") + "\(pid)-abcd1234"
            return TemporaryFile.isStale(name: name, age: age, thisHost: me, isAlive: { _ in alive })
        }
        // This host: a live writer's temp is never stale, however old.
        XCTAssertFalse(stale(me, pid: 10, age: 10 * 3600, alive: true))
        // This host, writer dead: stale after the 60 s margin.
        XCTAssertFalse(stale(me, pid: 10, age: 30, alive: false))
        XCTAssertTrue(stale(me, pid: 10, age: 61, alive: false))
        // Another host (another node on a shared filesystem): only by age, 1 h.
        XCTAssertFalse(stale("nodeB", pid: 10, age: 59 * 60, alive: false))
        XCTAssertTrue(stale("nodeB", pid: 10, age: 3601, alive: true))
        // The older name without a host: like another host.
        XCTAssertFalse(stale(nil, pid: 10, age: 600, alive: false))
        XCTAssertTrue(stale(nil, pid: 10, age: 3601, alive: false))
    }

    /// A pid that certainly does not run: a child that has exited and been reaped.
    func deadPid() throws -> Int32 {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/true")
        try p.run(); p.waitUntilExit()
        XCTAssertFalse(TemporaryFile.processExists(p.processIdentifier))
        return p.processIdentifier
    }

    func testOrdinaryRerunRemovesOnlyStaleTemporaryFiles() throws {
        let spec = try spec(groupStackJSON(group: "C4", padding: "circular", size: 4, channels: 1))
        var rng = TestRNG(3)
        let x = try InputBatch(shape: [4, 4, 1], data: rng.normals(5 * 16))
        let id = GramStore.Identity(spec: spec, x1: x, x2: nil, precision: .float64, tileRows: 2)
        let store = dir + "/s"
        _ = try GramStore(directory: store, identity: id, writer: "main")
        let tiles = store + "/tiles"
        let h = TemporaryFile.host, dead = try deadPid()
        let files: [(name: String, ageSeconds: Double, removed: Bool)] = [
            (".t-0-0.npz.tmp-\(h)-\(dead)-aaaaaaaa", 120, true),          // killed writer of this host
            (".t-0-1.npz.tmp-\(h)-\(dead)-bbbbbbbb", 5, false),           // … but too recent
            (".t-0-2.npz.tmp-\(h)-\(getpid())-cccccccc", 7200, false),    // a live writer (this process)
            (".t-1-1.npz.tmp-othernode-\(getpid())-dddddddd", 600, false), // another node, recent
            (".t-1-2.npz.tmp-othernode-77-eeeeeeee", 7200, true),         // another node, an hour old
            (".manifest.json.tmp-\(dead)-ffffffff", 7200, true),          // older name, old
        ]
        for f in files {
            let dirPath = f.name.hasPrefix(".manifest") ? store : tiles
            let p = dirPath + "/" + f.name
            XCTAssertTrue(FileManager.default.createFile(atPath: p, contents: Data([1, 2, 3])))
            try FileManager.default.setAttributes([.modificationDate: Date().addingTimeInterval(-f.ageSeconds)], ofItemAtPath: p)
        }
        // An ordinary (not --assemble) reopen by a writer cleans up.
        _ = try GramStore(directory: store, identity: id, writer: "main")
        for f in files {
            let p = (f.name.hasPrefix(".manifest") ? store : tiles) + "/" + f.name
            XCTAssertEqual(!FileManager.default.fileExists(atPath: p), f.removed, f.name)
        }
        // A read-only opener (an MPI worker rank) touches nothing.
        let left = try FileManager.default.contentsOfDirectory(atPath: tiles).count
        _ = try GramStore(directory: store, identity: id, writer: nil, create: false)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: tiles).count, left)
    }

    // MARK: learning curves: the test×test corner is skipped

    func testSkippedCornerTilesCoverEverythingElseOnce() throws {
        for (n, rows, k) in [(10, 3, 6), (10, 3, 7), (16, 3, 10), (5, 8, 2), (9, 1, 4)] {
            let t = try GramTiling(n1: n, n2: n, symmetric: true, tileRows: rows, skipCornerFrom: k)
            var cover = [Int](repeating: 0, count: n * n)
            for tile in t.tiles {
                for i in tile.rows { for j in tile.cols where !tile.diagonal || j >= i { cover[i * n + j] += 1; if i != j { cover[j * n + i] += 1 } } }
            }
            for i in 0..<n { for j in 0..<n where i < k || j < k {
                XCTAssertEqual(cover[i * n + j], 1, "n \(n) rows \(rows) k \(k): (\(i), \(j))")
            } }
            let full = try GramTiling(n1: n, n2: n, symmetric: true, tileRows: rows)
            let skippedBlocks = (n - 1) / rows - (k + rows - 1) / rows + 1  // blocks starting at or after k
            XCTAssertEqual(full.tiles.count - t.tiles.count, max(0, skippedBlocks) * (max(0, skippedBlocks) + 1) / 2, "n \(n) rows \(rows) k \(k)")
        }
        XCTAssertThrowsError(try GramTiling(n1: 5, n2: 5, symmetric: true, tileRows: 2, skipCornerFrom: 5))
        XCTAssertThrowsError(try GramTiling(n1: 5, n2: 4, symmetric: false, tileRows: 2, skipCornerFrom: 2))
    }

    func testSkippedCornerStoreMatchesTheUntiledGramWhereItIsNeeded() throws {
        let s = try spec(groupStackJSON(group: "C4", padding: "circular", size: 4, channels: 1))
        var rng = TestRNG(9)
        let x = try InputBatch(shape: [4, 4, 1], data: rng.normals(11 * 16))
        let id = GramStore.Identity(spec: s, x1: x, x2: nil, precision: .float64, tileRows: 3, skipCornerFrom: 6)
        var fullID = id
        fullID.skipCornerFrom = nil
        XCTAssertNotEqual(id.key, fullID.key, "the corner is part of the key")
        let store = try GramStore(directory: dir + "/lc", identity: id, writer: "main")
        _ = try StoreRunner.fill(store, scope: store.tiling.tiles, engine: try GramEngine(spec: s), x1: x, x2: nil, warn: { _ in }, onLine: { _ in })
        let k = try store.assemble(warn: { _ in })
        let plain = try GramEngine(spec: s).compute(x, nil)
        for i in 0..<11 { for j in 0..<11 {
            if i < 6 || j < 6 {
                XCTAssertEqual(k.ntk[i, j], plain.ntk[i, j], "(\(i), \(j))"); XCTAssertEqual(k.nngp[i, j], plain.nngp[i, j])
            } else {  // 6 is a block boundary of 3-row tiles: the whole corner is skipped
                XCTAssertTrue(k.ntk[i, j].isNaN, "(\(i), \(j)) lies in a skipped tile")
            }
        } }
        // The manifest says so, and the full-Gram identity is refused on that folder.
        XCTAssertThrowsError(try GramStore(directory: dir + "/lc", identity: fullID, writer: "main")) { e in
            XCTAssertTrue("\(e)".contains("skipped test×test corner"), "\(e)")
        }
    }

    // MARK: default tiling

    /// The 4-layer C4 stack of BENCHMARKS.md on 32×32×3 (1.1e9 counted flop per pair there).
    func c4Spec32() throws -> ArchitectureSpec {
        func conv(_ t: String) -> String { #"{"type": "\#(t)", "group": "C4", "filter": [3, 3], "padding": "circular", "W_std": 1.4, "b_std": 0.1}"# }
        let r = #"{"type": "relu"}"#
        return try spec(#"{"input_shape": [32, 32, 3], "layers": [\#(conv("lift")), \#(r), \#(conv("gconv")), \#(r), \#(conv("gconv")), \#(r), \#(conv("gconv")), \#(r), {"type": "group_pool"}, {"type": "dense"}]}"#)
    }

    /// The workbench MLP preset's shape on 32×32×1 images (flatten, 3 dense + ReLU).
    func mlpSpec32() throws -> ArchitectureSpec {
        try spec(#"{"input_shape": [32, 32, 1], "layers": [{"type": "flatten"}, {"type": "dense"}, {"type": "relu"}, {"type": "dense"}, {"type": "relu"}, {"type": "dense"}]}"#)
    }

    func testTheCostModelMatchesTheCountedFlopsOfBenchmarks() throws {
        // BENCHMARKS.md counts 1.1e9 flop per pair for this stack (independently, by hand).
        let f = GramTiling.estimatedFlopsPerPair(spec: try c4Spec32())
        XCTAssertEqual(f, 1.1e9, accuracy: 0.1e9)
        // P² scaling: the 16×16 version does 1/16 of the work (BENCHMARKS.md: 6.8e7).
        var small = try c4Spec32()
        small.inputShape = [16, 16, 3]
        XCTAssertEqual(GramTiling.estimatedFlopsPerPair(spec: small), 6.8e7, accuracy: 0.7e7)
    }

    func testDefaultTilesTakeSecondsForCheapAndExpensiveStacks() throws {
        // Expensive: measured 6.7 pairs/s on one core, idle (BENCHMARKS.md, C4 32×32 float64).
        let c4 = GramTiling.defaultTileRows(spec: try c4Spec32())
        let c4Seconds = Double(c4 * c4) / 6.7
        XCTAssertGreaterThanOrEqual(c4Seconds, 5, "C4 tile of \(c4) rows")
        XCTAssertLessThanOrEqual(c4Seconds, 60, "C4 tile of \(c4) rows")
        // Cheap: the MLP on 500 32×32×1 inputs used to make 528 tiles (16 rows) at ~1300 pairs/s,
        // fsync-bound. Now three tiles of 10–65k pairs.
        let mlp = try mlpSpec32()
        let rows = GramTiling.defaultTileRows(spec: mlp)
        let tiling = try GramTiling(n1: 500, n2: 500, symmetric: true, tileRows: rows)
        XCTAssertLessThanOrEqual(tiling.tiles.count, 3, "\(rows) rows")
        XCTAssertEqual(tiling.tiles.map(\.pairs).sorted(), [139 * 140 / 2, 361 * 139, 361 * 362 / 2], "vs ≤ 136 pairs per 16-row tile")
        XCTAssertLessThanOrEqual(rows, 1024, "bounded tile memory")
        // Deterministic (part of the store key): same answer every call, from the spec alone.
        XCTAssertEqual(GramTiling.defaultTileRows(spec: mlp), rows)
        XCTAssertEqual(GramTiling.defaultTileRows(spec: try c4Spec32()), c4)
        // The values docs/cluster.md quotes.
        XCTAssertEqual(c4, 11)
        XCTAssertEqual(rows, 361)
        var c4small = try c4Spec32()
        c4small.inputShape = [16, 16, 3]
        XCTAssertEqual(GramTiling.defaultTileRows(spec: c4small), 45)
    }
}
