import Foundation
import NTKEngine
import Plotting
import Synchronization
import XCTest
@testable import Workbench

/// Workbench Gram jobs through the tile store: resume after cancel, tiles shared with the CLI,
/// tile counts in the Jobs pane, and the heatmap of a partly computed Gram. Expected matrices:
/// the in-memory `GramEngine.compute` (no store).
final class TiledGramTests: XCTestCase {
    var root = ""
    override func setUp() { root = Fixtures.tempDir("tiles") }
    override func tearDown() { try? FileManager.default.removeItem(atPath: root) }

    /// The small fixture's CNN Gram on 12 inputs (6 per default): 2-row tiles → 21 tiles.
    func state(train: Int = 12) throws -> (AppState, Computation) {
        var s = Fixtures.smallState()
        s.data = try s.data.applying(["train": String(train)])
        for i in s.stacks.indices { s.stacks[i].spec.inputShape = s.data.inputShape }
        return (s, Computation.gram(s.stacks[0], s.data))
    }

    final class Counter: Sendable {
        let tiles = Mutex<[String]>([])
        var count: Int { tiles.withLock { $0.count } }
    }

    func runner(_ counter: Counter, rows: Int = 2, cancelAfter: Int? = nil, progress: JobProgress? = nil) -> ComputeRunner {
        ComputeRunner(cache: GramCache(directory: nil), threads: 1, tileStore: TileStoreSettings(root: root, tileRows: rows, onTileComputed: { t in
            let n = counter.tiles.withLock { $0.append(t.name); return $0.count }
            if let cancelAfter, n >= cancelAfter { progress?.cancel() }
        }))
    }

    func plainGram(_ s: AppState, _ c: Computation) throws -> KernelMatrices {
        guard case .gram(let m, _, _) = try ComputeRunner(cache: GramCache(directory: nil), threads: 1).run(c, progress: JobProgress()) else {
            throw XCTSkip("not a Gram")
        }
        return m
    }

    func testCancelledGramResumesComputingOnlyTheMissingTiles() throws {
        let (s, c) = try state()
        let total = try GramTiling(n1: 12, n2: 12, symmetric: true, tileRows: 2).tiles.count
        XCTAssertEqual(total, 21)
        // First job: cancelled after 5 tiles.
        let first = Counter(), p1 = JobProgress()
        XCTAssertThrowsError(try runner(first, cancelAfter: 5, progress: p1).run(c, progress: p1)) { e in
            guard case KernelError.cancelled = e else { return XCTFail("\(e)") }
        }
        XCTAssertEqual(first.count, 5)
        XCTAssertEqual(p1.tiles?.done, 5)
        XCTAssertNil(p1.partial)
        // Recomputed by a fresh runner (as after a restart): only the 16 missing tiles are computed.
        let second = Counter(), p2 = JobProgress()
        guard case .gram(let m, _, _) = try runner(second).run(c, progress: p2) else { return XCTFail("no Gram") }
        XCTAssertEqual(second.count, total - 5, "tiles computed on resume")
        XCTAssertTrue(Set(first.tiles.withLock { $0 }).isDisjoint(with: second.tiles.withLock { $0 }), "no tile computed twice")
        XCTAssertEqual(p2.note, "resumed 5/21 tiles")
        XCTAssertEqual(p2.tiles?.resumed, 5)
        XCTAssertEqual(p2.tiles?.done, 21)
        XCTAssertNil(p2.partial, "the partial Gram is released once assembled")
        let plain = try plainGram(s, c)
        XCTAssertEqual(m.ntk.data, plain.ntk.data, "byte-identical to the in-memory Gram")
        XCTAssertEqual(m.nngp.data, plain.nngp.data)
        // A third run finds every tile: computes none.
        let third = Counter()
        _ = try runner(third).run(c, progress: JobProgress())
        XCTAssertEqual(third.count, 0)
    }

    func testAnUnusableStoreFolderFallsBackToTheInMemoryGram() throws {
        let (s, c) = try state()
        let file = root + "/not-a-folder"
        XCTAssertTrue(FileManager.default.createFile(atPath: file, contents: Data("x".utf8)))
        let p = JobProgress()
        let r = ComputeRunner(cache: GramCache(directory: nil), threads: 1, tileStore: TileStoreSettings(root: file, tileRows: 2))
        guard case .gram(let m, _, _) = try r.run(c, progress: p) else { return XCTFail("no Gram") }
        XCTAssertEqual(m.ntk.data, try plainGram(s, c).ntk.data)
        XCTAssertTrue(p.note?.hasPrefix("no tile store") ?? false, p.note ?? "no note")
    }

    func testWorkbenchAndCLIShareTheStore() throws {
        let (s, c) = try state()
        let counter = Counter()
        _ = try runner(counter, rows: 4).run(c, progress: JobProgress())
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: root).count, 1)
        // `entk kernel` on the same spec (through its JSON file) and inputs, with the workbench's
        // store folder as --store root: the same key, so nothing new is created and the tiles match.
        var spec = s.stacks[0].spec
        spec.inputShape = s.data.inputShape
        let specFile = root + "/../spec-\(UUID().uuidString).json"
        defer { try? FileManager.default.removeItem(atPath: specFile) }
        try JSONSerialization.data(withJSONObject: spec.jsonObject).write(to: URL(fileURLWithPath: specFile))
        let loaded = try loadSpec(specFile)
        let (train, _) = try s.data.load()
        let x = try InputBatch(shape: train.shape, data: train.images)
        var options = try StoreOptions.parse([])
        options.tileRows = 4
        let k = try storeGram(spec: loaded, x1: x, x2: nil, precision: .float64, threads: 1, options: options, root: root, quiet: true, label: "t")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: root).count, 1, "same SHA-256 key as the workbench")
        let plain = try plainGram(s, c)
        XCTAssertEqual(k?.ntk.data, plain.ntk.data)
    }

    func testJobsPaneShowsTileCountsRateAndResume() throws {
        var s = Fixtures.smallState()
        let counts = TileCounts(done: 7, total: 21, resumed: 5, pairsDone: 26, pairsTotal: 78, pairsPerSecond: 13)
        // 10 s elapsed at 1/3 would extrapolate to 20 s left; this run's own rate says 4 s.
        s.jobs = [JobSnapshot(id: 3, title: "Gram cnn", key: "k", status: .running, fraction: counts.fraction, elapsed: 10,
                              eta: counts.eta, note: "resumed 5/21 tiles", tiles: counts),
                  JobSnapshot(id: 1, title: "Gram mlp", key: "m", status: .done, fraction: 1, elapsed: 0.5, eta: nil)]
        s.focus = .jobs
        let buf = MainScreen.render(s, width: 120, height: 36)
        XCTAssertTrue(buf.text.contains("Gram cnn  resumed 5/21 tiles"), buf.text)
        XCTAssertTrue(buf.text.contains("tiles 7/21 · 13.0 pairs/s"), buf.text)
        XCTAssertTrue(buf.text.contains("ETA 0:04"), buf.text)
        s.jobs.append(JobSnapshot(id: 4, title: "Gram gcnn-c4", key: "g", status: .done, fraction: 1, elapsed: 3.2, eta: nil,
                                  note: "resumed 5/21 tiles", tiles: counts))
        var pane = CellBuffer(width: 46, height: 7)
        JobsPane.render(s, into: &pane, area: pane.area, theme: .init())
        assertSnapshot(snapshotText(pane), named: "jobs-pane-tiles")
    }

    func testHeatmapOfAPartlyComputedStoreHatchesTheMissingTiles() throws {
        var (s, c) = try state()
        let counter = Counter(), p = JobProgress()
        XCTAssertThrowsError(try runner(counter, rows: 4, cancelAfter: 3, progress: p).run(c, progress: p))
        // The store on disk, as a new workbench finds it: 3 of the 6 tiles of 4 rows.
        var spec = s.stacks[0].spec
        spec.inputShape = s.data.inputShape
        let (train, _) = try s.data.load()
        let id = GramStore.Identity(spec: spec, x1: try InputBatch(shape: train.shape, data: train.images), x2: nil, precision: .float64, tileRows: 4)
        let store = try GramStore(directory: root + "/" + id.key, identity: id, writer: nil, create: false)
        let partial = try PartialGram.load(store, gramKey: c.gramKey)
        XCTAssertEqual(partial.tilesDone, 3)
        let m = partial.matrices()
        let plain = try plainGram(s, c)
        let done = try store.scan(owned: [], warn: { _ in })
        for t in store.tiling.tiles {
            for i in t.rows { for j in t.cols {
                if done.contains(t.index) {
                    XCTAssertEqual(m.ntk[i, j], plain.ntk[i, j]); XCTAssertEqual(m.ntk[j, i], plain.ntk[j, i])
                } else {
                    XCTAssertTrue(m.ntk[i, j].isNaN, "tile \(t.name) missing")
                }
            } }
        }
        _ = try s.perform(Invocation("view.gram"))
        s.jobs = [JobSnapshot(id: 1, title: c.title, key: c.key, status: .running, fraction: 0.5, elapsed: 1, eta: 1, partial: partial)]
        let content = ViewBuilder.content(s)
        XCTAssertEqual(content.notes.last, "… computing Gram cnn: 3/6 tiles of 4 rows; hatched ╱: not computed yet")
        var buf = CellBuffer(width: 70, height: 22)
        ViewsPane.render(content, into: &buf, area: buf.area, options: .rich, theme: .init())
        XCTAssertTrue(buf.text.contains("╱"), buf.text)
        XCTAssertTrue(buf.text.contains("3/6 tiles"), buf.text)
        assertSnapshot(snapshotText(buf), named: "view-gram-partial")
        var ascii = CellBuffer(width: 70, height: 22)
        ViewsPane.render(content, into: &ascii, area: ascii.area, options: RenderOptions(colorMode: .none, unicode: false), theme: .init())
        assertSnapshot(snapshotText(ascii), named: "view-gram-partial-ascii")
        // Cached per tile: the key is stable between tiles and changes with the next one.
        let k1 = ViewRenderCache.key(s, width: 70, height: 22, options: .rich)
        XCTAssertNotNil(k1)
        XCTAssertEqual(ViewRenderCache.key(s, width: 70, height: 22, options: .rich), k1)
        let missing = try XCTUnwrap(store.tiling.tiles.first { !done.contains($0.index) })
        let zero = Matrix(rows: missing.rows.count, cols: missing.cols.count)
        partial.record(missing, KernelMatrices(nngp: zero, ntk: zero))
        let k2 = try XCTUnwrap(ViewRenderCache.key(s, width: 70, height: 22, options: .rich))
        XCTAssertNotEqual(k2, k1)
        // While the next tile's view renders, the last one stays on screen.
        let cache = ViewRenderCache()
        _ = cache.buffer(key: try XCTUnwrap(k1)) { CellBuffer(width: 2, height: 1) }
        cache.waitIdle()
        XCTAssertNotNil(cache.previous(of: k2))
        XCTAssertNil(cache.previous(of: "another view"))
    }
}
