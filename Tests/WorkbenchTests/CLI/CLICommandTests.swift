import ArgumentParser
import Foundation
import NTKEngine
import XCTest
@testable import Workbench

/// The non-interactive commands, run in-process through ArgumentParser.
final class CLICommandTests: XCTestCase {
    var dir: String = ""

    override func setUpWithError() throws {
        dir = NSTemporaryDirectory() + "entk-cli-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(atPath: dir) }

    var referenceDir: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("shared/reference")
    }

    func run(_ args: [String]) throws {
        var cmd = try Entk.parseAsRoot(args)
        try cmd.run()
    }

    func testVerifyPassesAReferenceAndFailsACorruptedOne() throws {
        let src = referenceDir.appendingPathComponent("c4_lift_relu_gconv_relu_pool.json")
        XCTAssertNoThrow(try run(["verify", src.path]))
        // Perturb one NTK entry: verify must fail with exit code 1.
        var obj = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(contentsOf: src)) as? [String: Any])
        var ntk = try XCTUnwrap(obj["ntk"] as? [[Double]])
        ntk[0][1] *= 1.001
        obj["ntk"] = ntk
        let bad = dir + "/bad.json"
        try JSONSerialization.data(withJSONObject: obj).write(to: URL(fileURLWithPath: bad))
        XCTAssertThrowsError(try run(["verify", bad])) { e in
            XCTAssertEqual((e as? ExitCode)?.rawValue, 1)
        }
        XCTAssertThrowsError(try run(["verify", dir + "/missing.json"]))
    }

    func testKernelAndPredictWriteNPY() throws {
        let spec = dir + "/spec.json"
        try Data(#"{"input_shape": [4, 4, 1], "layers": [{"type": "lift", "group": "C4", "filter": [3, 3], "padding": "circular", "W_std": 1.4, "b_std": 0.1}, {"type": "relu"}, {"type": "group_pool"}, {"type": "dense"}]}"#.utf8)
            .write(to: URL(fileURLWithPath: spec))
        var rng = SplitMix64(seed: 3)
        let x = try NPYArray(shape: [6, 4, 4, 1], data: (0..<96).map { _ in rng.gaussian() })
        let xt = try NPYArray(shape: [3, 4, 4, 1], data: (0..<48).map { _ in rng.gaussian() })
        try NPY.write(x, to: dir + "/x.npy"); try NPY.write(xt, to: dir + "/xt.npy")
        try NPY.write(try NPYArray(shape: [6], data: [0, 1, 0, 1, 2, 2], dtype: .int64), to: dir + "/y.npy", as: .int64)
        try run(["kernel", "--spec", spec, "--x1", dir + "/x.npy", "--out", dir + "/k", "--quiet"])
        let k = try NPY.read(path: dir + "/k/ntk.npy")
        XCTAssertEqual(k.shape, [6, 6])
        let direct = try GramEngine(spec: try ArchitectureSpec.parse(json: Data(contentsOf: URL(fileURLWithPath: spec)))).compute(try InputBatch(shape: [4, 4, 1], data: x.data))
        XCTAssertEqual(k.data, direct.ntk.data)
        try run(["kernel", "--spec", spec, "--x1", dir + "/xt.npy", "--x2", dir + "/x.npy", "--out", dir + "/k2", "--precision", "float32", "--quiet"])
        XCTAssertEqual(try NPY.read(path: dir + "/k2/nngp.npy").shape, [3, 6])
        try run(["predict", "--spec", spec, "--train", dir + "/x.npy", "--labels", dir + "/y.npy", "--test", dir + "/xt.npy",
                 "--t", "10", "--out", dir + "/p", "--quiet"])
        XCTAssertEqual(try NPY.read(path: dir + "/p/predictions.npy").shape, [3, 3])
        // Wrong input shape: a clear error, nothing written.
        try NPY.write(try NPYArray(shape: [2, 5, 5, 1], data: Array(repeating: 0.5, count: 50)), to: dir + "/bad.npy")
        XCTAssertThrowsError(try run(["kernel", "--spec", spec, "--x1", dir + "/bad.npy", "--out", dir + "/k3", "--quiet"])) { e in
            XCTAssertTrue("\(e)".contains("does not match the spec's input_shape [4, 4, 1]"), "\(e)")
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir + "/k3/ntk.npy"))
    }
}
