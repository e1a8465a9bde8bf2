import XCTest
@testable import NTKEngine

/// The empirical NTK approaches the exact one as the width grows.
final class FiniteWidthConvergenceTests: XCTestCase {
    func testNTKErrorFallsWithWidth() throws {
        let spec = ArchitectureSpec(inputShape: [4, 4, 2],
                                    layers: [FW.lift(.d2, 3, .circular, 1.2, 0.1), FW.relu, FW.gconv(.d2, 3, .circular, 1, 0.1),
                                             FW.relu, .groupPool, FW.dense(1, 0.1)])
        let b = try FW.batch(spec.inputShape, FW.inputs(4, 32))
        let r = try WidthConvergence.measure(spec: spec, inputs: b, widths: [8, 16, 32, 64], seedsPerGroup: 2, groups: 30,
                                             estimator: .readoutExpectation, threads: 2)
        for p in r.points {
            print(String(format: "convergence D2 width %3d: NNGP %.4f ± %.4f, NTK %.4f ± %.4f", p.width,
                         p.nngp.mean, p.nngp.std, p.ntk.mean, p.ntk.std))
        }
        print(String(format: "convergence slopes: NNGP %.3f, NTK %.3f", r.nngpSlope, r.ntkSlope))
        XCTAssertEqual(r.points.map(\.width), [8, 16, 32, 64])
        // Per-seed errors are heavy-tailed (std ≈ mean), hence many small groups.
        // Monte-Carlo fluctuations of the empirical NTK shrink like width^(−1/2).
        XCTAssertLessThan(r.ntkSlope, -0.3)
        XCTAssertGreaterThan(r.ntkSlope, -1.2)
        // With the readout expectation the NNGP noise shrinks with width as well.
        XCTAssertLessThan(r.nngpSlope, -0.2)
        XCTAssertLessThan(r.points[3].ntk.mean, r.points[0].ntk.mean)
    }

    func testSlopeAndRelativeError() {
        XCTAssertEqual(WidthConvergence.slope([0, 1, 2], [1, 0, -1]), -1, accuracy: 1e-15)
        XCTAssertTrue(WidthConvergence.slope([1], [1]).isNaN)
        let a = Matrix([[1, 0], [0, 1]]), b = Matrix([[2, 0], [0, 1]])
        XCTAssertEqual(WidthConvergence.relativeError(a, b), 1 / 5.0.squareRoot(), accuracy: 1e-15)
    }

    func testCancellation() throws {
        let spec = ArchitectureSpec(inputShape: [3], layers: [FW.dense(), FW.relu, FW.dense()])
        let b = try FW.batch([3], FW.inputs(2, 3))
        let progress = GramProgress()
        progress.cancel()
        XCTAssertThrowsError(try EmpiricalKernels.ntk(spec: spec, width: 8, seeds: [1, 2, 3], inputs: b, progress: progress)) {
            XCTAssertEqual($0 as? KernelError, .cancelled)
        }
        XCTAssertThrowsError(try EmpiricalKernels.ntk(spec: spec, width: 8, seeds: [], inputs: b))
        XCTAssertThrowsError(try EmpiricalKernels.ntk(spec: spec, width: 8, seeds: [1], inputs: try FW.batch([2], FW.inputs(2, 2))))
    }

    /// Results do not depend on the worker count, and `both` equals the separate estimates.
    func testThreadIndependence() throws {
        let spec = ArchitectureSpec(inputShape: [4, 4, 1], layers: [FW.conv([3, 3], .same, 1, 0.1), FW.relu, .globalAvgPool, FW.dense()])
        let b = try FW.batch([4, 4, 1], FW.inputs(3, 16))
        let seeds: [UInt64] = [1, 2, 3, 4, 5]
        let one = try EmpiricalKernels.both(spec: spec, width: 6, seeds: seeds, inputs: b, threads: 1)
        let two = try EmpiricalKernels.both(spec: spec, width: 6, seeds: seeds, inputs: b, threads: 2)
        XCTAssertEqual(one.nngp, two.nngp)
        XCTAssertEqual(one.ntk, two.ntk)
        XCTAssertEqual(try EmpiricalKernels.nngp(spec: spec, width: 6, seeds: seeds, inputs: b), one.nngp)
        XCTAssertEqual(try EmpiricalKernels.ntk(spec: spec, width: 6, seeds: seeds, inputs: b), one.ntk)
    }
}
