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
}
