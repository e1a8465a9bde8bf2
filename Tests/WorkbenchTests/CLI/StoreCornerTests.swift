import Foundation
import NTKEngine
import XCTest
@testable import Workbench

/// The learning curve's store skips the test×test corner; a full store of the same Gram made
/// before that (an interrupted older run) is still resumed, not recomputed.
final class StoreCornerTests: XCTestCase {
    var root = ""
    override func setUp() { root = Fixtures.tempDir("corner") }
    override func tearDown() { try? FileManager.default.removeItem(atPath: root) }

    func inputs() throws -> (ArchitectureSpec, InputBatch) {
        let spec = try ArchitectureSpec.parse(json: Data(StoreCommandTests.specJSON.utf8))
        var rng = SplitMix64(seed: 4)
        return (spec, try InputBatch(shape: [4, 4, 1], data: (0..<(9 * 16)).map { _ in rng.gaussian() }))
    }

    func testAFullStoreOfTheSameGramIsReusedAndANewOneSkipsTheCorner() throws {
        let (spec, x) = try inputs()
        var options = try StoreOptions.parse([])
        options.tileRows = 2
        let plain = try GramEngine(spec: spec).compute(x, nil)
        // New: the corner 6…8 × 6…8 is skipped (NaN), everything else is the plain Gram.
        let fresh = try XCTUnwrap(storeGram(spec: spec, x1: x, x2: nil, precision: .float64, threads: 1, options: options,
                                            root: root + "/new", skipCornerFrom: 6, quiet: true, label: "t"))
        XCTAssertTrue(fresh.ntk[8, 8].isNaN)
        XCTAssertEqual(fresh.ntk[8, 5], plain.ntk[8, 5])
        XCTAssertEqual(fresh.ntk[0, 0], plain.ntk[0, 0])
        // Old: a full store already in the folder is used as it is (one store, no NaN).
        _ = try storeGram(spec: spec, x1: x, x2: nil, precision: .float64, threads: 1, options: options,
                          root: root + "/old", quiet: true, label: "t")
        let reused = try XCTUnwrap(storeGram(spec: spec, x1: x, x2: nil, precision: .float64, threads: 1, options: options,
                                             root: root + "/old", skipCornerFrom: 6, quiet: true, label: "t"))
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: root + "/old").count, 1)
        XCTAssertEqual(reused.ntk.data, plain.ntk.data)
    }
}
