import XCTest
@testable import Workbench

/// `entk experiment convergence` end to end on small synthetic data (debug-build sized).
final class ExperimentCommandTests: XCTestCase {
    func testConvergenceCommandWritesFilesAndErrorFallsWithWidth() throws {
        let out = Fixtures.tempDir("cli-convergence")
        var cmd = try ConvergenceCommand.parse(["--size", "4", "--inputs", "3", "--widths", "8", "16", "32", "64",
                                                "--groups", "6", "--seeds-per-group", "2", "--threads", "2", "--out", out])
        try cmd.run()
        for ext in ["csv", "png", "svg"] {
            XCTAssertTrue(FileManager.default.fileExists(atPath: out + "/convergence." + ext), ext)
        }
        let csv = try String(contentsOfFile: out + "/convergence.csv", encoding: .utf8).split(separator: "\n").map(String.init)
        XCTAssertEqual(csv.first, "width,ntk_mean,ntk_std,nngp_mean,nngp_std")
        let rows = csv.dropFirst().filter { !$0.hasPrefix("#") }.map { $0.split(separator: ",").compactMap { Double($0) } }
        XCTAssertEqual(rows.map { $0[0] }, [8, 16, 32, 64])
        XCTAssertLessThan(rows.last![1], rows.first![1], "NTK error at width 64 below width 8")
        let slope = csv.first { $0.hasPrefix("# slope_ntk,") }.flatMap { Double($0.split(separator: ",")[1]) }
        XCTAssertNotNil(slope)
        XCTAssertLessThan(slope ?? 0, 0)
    }

    func testConvergenceCommandRejectsBadArguments() throws {
        XCTAssertThrowsError(try { var c = try ConvergenceCommand.parse(["--widths", "8", "--out", Fixtures.tempDir("x")]); try c.run() }())
        XCTAssertThrowsError(try { var c = try ConvergenceCommand.parse(["--estimator", "magic", "--out", Fixtures.tempDir("y")]); try c.run() }())
        XCTAssertThrowsError(try { var c = try ConvergenceCommand.parse(["--stack", "Z7", "--out", Fixtures.tempDir("z")]); try c.run() }())
    }

    func testQM9CommandOnSyntheticMolecules() throws {
        let out = Fixtures.tempDir("cli-qm9")
        var cmd = try QM9Command.parse(["--synthetic", "--train-sizes", "4", "8", "--test-size", "6", "--diag-reg", "1e-3",
                                        "--threads", "2", "--quiet", "--out", out])
        try cmd.run()
        for ext in ["csv", "png", "svg"] {
            XCTAssertTrue(FileManager.default.fileExists(atPath: out + "/qm9." + ext), ext)
        }
        let csv = try String(contentsOfFile: out + "/qm9.csv", encoding: .utf8).split(separator: "\n").map(String.init)
        XCTAssertEqual(csv.first, "model,kernel,train_size,test_size,mae_meV,gram_seconds,centre_atoms")
        let rows = csv.dropFirst().map { $0.split(separator: ",").map(String.init) }
        XCTAssertEqual(rows.count, 2 * 5, "composition + so3 × 2 kernels + mlp × 2 kernels, 2 sizes")
        XCTAssertEqual(Set(rows.map { $0[0] + "/" + $0[1] }), ["composition/-", "so3/ntk", "so3/nngp", "mlp/ntk", "mlp/nngp"])
        XCTAssertEqual(Set(rows.map { $0[2] }), ["4", "8"])
        XCTAssertTrue(rows.allSatisfy { $0[3] == "6" })
        XCTAssertTrue(rows.allSatisfy { Double($0[4]).map { $0.isFinite && $0 > 0 } ?? false }, "\(rows)")
        // --no-conv gives a different SO(3) model, same composition and MLP.
        let out2 = Fixtures.tempDir("cli-qm9-lift")
        var lift = try QM9Command.parse(["--synthetic", "--train-sizes", "4", "8", "--test-size", "6", "--diag-reg", "1e-3",
                                         "--no-conv", "--quiet", "--out", out2])
        try lift.run()
        let csv2 = try String(contentsOfFile: out2 + "/qm9.csv", encoding: .utf8).split(separator: "\n").map(String.init)
        func mae(_ lines: [String], _ prefix: String) -> [String] { lines.filter { $0.hasPrefix(prefix) }.map { $0.split(separator: ",")[4].description } }
        XCTAssertEqual(mae(csv, "composition,"), mae(csv2, "composition,"))
        XCTAssertEqual(mae(csv, "mlp,"), mae(csv2, "mlp,"))
        XCTAssertNotEqual(mae(csv, "so3,"), mae(csv2, "so3,"))
    }

    /// `--data sphere` runs SO(3) stacks (global filters here; the spec file of docs/specs).
    func testConvergenceCommandOnSphereSignals() throws {
        let spec = Fixtures.tempDir("so3-spec") + "/so3.json"
        let json = #"""
        {"parameterization": "ntk", "input_shape": [4, 3, 1], "layers": [
          {"type": "s2_lift", "bandwidth_in": 2, "bandwidth_out": 2, "W_std": 1.5, "b_std": 0.1}, {"type": "erf"},
          {"type": "so3_pool"}, {"type": "dense", "W_std": 1.0, "b_std": 0.05}]}
        """#
        try json.write(toFile: spec, atomically: true, encoding: .utf8)
        let out = Fixtures.tempDir("cli-convergence-sphere")
        var cmd = try ConvergenceCommand.parse(["--data", "sphere", "--size", "2", "--stack", spec, "--inputs", "3",
                                                "--widths", "4", "16", "64", "--groups", "4", "--seeds-per-group", "2", "--threads", "2", "--out", out])
        try cmd.run()
        let csv = try String(contentsOfFile: out + "/convergence.csv", encoding: .utf8)
        let slope = csv.split(separator: "\n").first { $0.hasPrefix("# slope_ntk,") }.flatMap { Double($0.split(separator: ",")[1]) }
        XCTAssertLessThan(try XCTUnwrap(slope), 0)
        // Sphere data needs an SO(3) spec file of matching bandwidth.
        XCTAssertThrowsError(try { var c = try ConvergenceCommand.parse(["--data", "sphere", "--size", "2", "--stack", "CNN", "--out", Fixtures.tempDir("s1")]); try c.run() }())
        XCTAssertThrowsError(try { var c = try ConvergenceCommand.parse(["--data", "sphere", "--size", "3", "--stack", spec, "--out", Fixtures.tempDir("s2")]); try c.run() }())
        XCTAssertThrowsError(try { var c = try ConvergenceCommand.parse(["--data", "sphere", "--size", "0", "--stack", spec, "--out", Fixtures.tempDir("s3")]); try c.run() }())
    }

    /// `--paper`: the paper's features and the two extra models appear in the CSV.
    func testQM9CommandPaperSettingsOnSyntheticMolecules() throws {
        let out = Fixtures.tempDir("cli-qm9-paper")
        var cmd = try QM9Command.parse(["--synthetic", "--paper", "--train-sizes", "4", "--test-size", "4", "--diag-reg", "1e-3",
                                        "--threads", "2", "--quiet", "--out", out])
        try cmd.run()
        let csv = try String(contentsOfFile: out + "/qm9.csv", encoding: .utf8).split(separator: "\n").map(String.init)
        let models = Set(csv.dropFirst().map { String($0.split(separator: ",")[0]) })
        XCTAssertEqual(models, ["composition", "so3", "mlp", "so3-relu", "mlp-spherical"])
        XCTAssertThrowsError(try { var c = try QM9Command.parse(["--synthetic", "--paper", "--paper-models", "bogus", "--train-sizes", "4", "--test-size", "4", "--out", Fixtures.tempDir("p2")]); try c.run() }())
    }

    func testQM9CommandNamesMakeDataWithoutTheCacheAndChecksSizes() throws {
        let empty = Fixtures.tempDir("no-qm9-cache")
        var cmd = try QM9Command.parse(["--cache-dir", empty, "--train-sizes", "4", "--test-size", "4", "--out", Fixtures.tempDir("q")])
        XCTAssertThrowsError(try cmd.run()) { e in XCTAssertTrue("\(e)".contains("make data"), "\(e)") }
        var small = try QM9Command.parse(["--synthetic", "--pool", "5", "--train-sizes", "8", "--test-size", "4", "--out", Fixtures.tempDir("r")])
        XCTAssertThrowsError(try small.run()) { e in XCTAssertTrue("\(e)".contains("pool 5"), "\(e)") }
        XCTAssertThrowsError(try QM9Command.parse(["--conv", "--no-conv", "--bogus"]))
    }
}
