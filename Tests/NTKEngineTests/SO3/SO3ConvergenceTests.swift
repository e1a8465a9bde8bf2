import XCTest
@testable import NTKEngine

/// The convergence experiment runs on SO(3) stacks: the error of the mean empirical NTK/NNGP of
/// finite spherical CNNs against `SO3KernelEvaluator` falls with width.
final class SO3ConvergenceTests: XCTestCase {
    func testWidthConvergenceFallsForSO3Stack() throws {
        let json = #"""
        {"parameterization": "ntk", "input_shape": [4, 3, 1], "layers": [
          {"type": "s2_lift", "bandwidth_in": 2, "bandwidth_out": 2, "max_beta": 3.141592653589793, "W_std": 1.5, "b_std": 0.1},
          {"type": "relu"}, {"type": "so3_pool"}, {"type": "dense", "W_std": 1.0, "b_std": 0.05}]}
        """#
        let spec = try ArchitectureSpec.parse(json: Data(json.utf8))
        var rng = SplitMix64(seed: 4)
        let inputs = try InputBatch(shape: [4, 3, 1], data: (0..<(3 * 12)).map { _ in rng.gaussian() })
        let r = try WidthConvergence.measure(spec: spec, inputs: inputs, widths: [4, 16, 64], seedsPerGroup: 2, groups: 6, estimator: .readoutExpectation, threads: 2)
        XCTAssertLessThan(r.ntkSlope, -0.2, "NTK error should fall with width: \(r)")
        XCTAssertLessThan(r.nngpSlope, -0.2, "NNGP error should fall with width: \(r)")
    }

    /// Local filters (max_beta < π on lift and conv): the empirical NTK of `SO3FiniteNetwork`
    /// (hand-written gradients) converges to the dense local-filter maps' NTK, as does the NNGP.
    func testWidthConvergenceFallsForLocalFilterStack() throws {
        let json = #"""
        {"parameterization": "ntk", "input_shape": [4, 3, 1], "layers": [
          {"type": "s2_lift", "bandwidth_in": 2, "bandwidth_out": 2, "max_beta": 1.2, "W_std": 1.5, "b_std": 0.1},
          {"type": "erf"},
          {"type": "so3_conv", "bandwidth_in": 2, "bandwidth_out": 2, "max_beta": 1.2, "W_std": 1.5, "b_std": 0.1},
          {"type": "relu"}, {"type": "so3_pool"}, {"type": "dense", "W_std": 1.0, "b_std": 0.05}]}
        """#
        let spec = try ArchitectureSpec.parse(json: Data(json.utf8))
        XCTAssertFalse(try SO3KernelEvaluator(spec: spec).usesFastPath)
        var rng = SplitMix64(seed: 5)
        let inputs = try InputBatch(shape: [4, 3, 1], data: (0..<(3 * 12)).map { _ in 0.5 + rng.gaussian() })
        let r = try WidthConvergence.measure(spec: spec, inputs: inputs, widths: [4, 16, 64], seedsPerGroup: 2, groups: 6, estimator: .readoutExpectation, threads: 2)
        XCTAssertLessThan(r.ntkSlope, -0.2, "NTK error should fall with width: \(r)")
        XCTAssertLessThan(r.nngpSlope, -0.2, "NNGP error should fall with width: \(r)")
    }
}
