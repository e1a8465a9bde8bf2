import Foundation
import XCTest

@testable import Workbench

/// `entk experiment qm9 --store`: fixed pool and test set, molecule Grams through the tile store,
/// several seeds; sharded runs assemble to the same result; bad combinations are refused.
final class QM9StoreCommandTests: XCTestCase {
    func args(_ store: String, _ out: String, _ extra: [String] = []) -> [String] {
        ["--synthetic", "--train-sizes", "4", "8", "--train-pool", "8", "--test-size", "6", "--seeds", "0", "1", "--diag-reg", "1e-3",
         "--tile-rows", "4", "--threads", "2", "--quiet", "--store", store, "--out", out] + extra
    }

    func maeColumns(_ dir: String) throws -> [String] {
        try String(contentsOfFile: dir + "/qm9.csv", encoding: .utf8).split(separator: "\n").map { $0.split(separator: ",").prefix(6).joined(separator: ",") }
    }

    func testStoreRunShardsAndRefusals() throws {
        let store = Fixtures.tempDir("cli-qm9-store"), out = Fixtures.tempDir("cli-qm9-store-out")
        var cmd = try QM9Command.parse(args(store, out))
        try cmd.run()
        let csv = try String(contentsOfFile: out + "/qm9.csv", encoding: .utf8).split(separator: "\n").map(String.init)
        XCTAssertEqual(csv.first, "seed,model,kernel,train_size,test_size,mae_meV,gram_seconds,centre_atoms")
        let rows = csv.dropFirst().map { $0.split(separator: ",").map(String.init) }
        XCTAssertEqual(rows.count, 2 * 2 * 5, "2 seeds × 2 sizes × (composition + 2 models × 2 kernels)")
        XCTAssertEqual(Set(rows.map { $0[0] }), ["0", "1"])
        XCTAssertTrue(rows.allSatisfy { Double($0[5]).map { $0.isFinite && $0 > 0 } ?? false }, "\(rows)")
        // At n = 8 = the whole pool both seeds train on the same molecules: same MAE.
        let full = rows.filter { $0[3] == "8" && $0[1] == "so3" && $0[2] == "ntk" }.map { $0[5] }
        XCTAssertEqual(full.count, 2); XCTAssertEqual(full[0], full[1])
        for m in ["so3", "mlp"] {
            XCTAssertTrue(FileManager.default.fileExists(atPath: "\(store)/\(m)/manifest.json"), m)
            XCTAssertTrue(FileManager.default.fileExists(atPath: "\(store)/\(m)/molecules.json"), m)
        }

        // Two shards, then an assembling run: same numbers as the single run.
        let sharded = Fixtures.tempDir("cli-qm9-shards"), out2 = Fixtures.tempDir("cli-qm9-shards-out")
        for s in ["0/2", "1/2"] {
            var c = try QM9Command.parse(args(sharded, out2, ["--shard", s]))
            try c.run()
        }
        var assemble = try QM9Command.parse(args(sharded, out2))
        try assemble.run()
        XCTAssertEqual(try maeColumns(out2), try maeColumns(out))

        // --dry-run computes nothing and creates no store.
        let dry = Fixtures.tempDir("cli-qm9-dry") + "/store"
        var d = try QM9Command.parse(args(dry, out2, ["--dry-run"]))
        try d.run()
        XCTAssertFalse(FileManager.default.fileExists(atPath: dry))

        // Refusals: a training size beyond the pool; --shard without --store; a bad shard.
        var big = try QM9Command.parse(["--synthetic", "--train-sizes", "4", "12", "--train-pool", "8", "--test-size", "6", "--store", store, "--quiet"])
        XCTAssertThrowsError(try big.run()) { XCTAssertTrue("\($0)".contains("--train-pool"), "\($0)") }
        var noStore = try QM9Command.parse(["--synthetic", "--train-sizes", "4", "--test-size", "6", "--shard", "0/2", "--quiet"])
        XCTAssertThrowsError(try noStore.run()) { XCTAssertTrue("\($0)".contains("--store"), "\($0)") }
        var badShard = try QM9Command.parse(args(store, out, ["--shard", "2/2"]))
        XCTAssertThrowsError(try badShard.run()) { XCTAssertTrue("\($0)".contains("shard"), "\($0)") }
    }
}
