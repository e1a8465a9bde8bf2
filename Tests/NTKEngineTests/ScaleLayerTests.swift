import XCTest
import Foundation
@testable import NTKEngine

/// The `scale` layer, φ(x) = c·x, added after the layer descriptions to show what a new type
/// costs (Sources/NTKEngine/Layers/Scale.swift + one registry line + one `LayerSpec` case).
/// Its kernel rule K′ = c²K, Θ′ = c²Θ is checked against independent facts: a scale in front
/// of a bias-free readout multiplies the whole output kernel by c² (plane CNN, MLP, SO(3)
/// grid and scalar phases), the finite network's output is exactly c times the unscaled one,
/// and the empirical kernels of finite networks agree with the infinite-width kernel.
final class ScaleLayerTests: XCTestCase {
    func testParsesRoundTripsSummarisesAndLocatesErrors() throws {
        let s = try spec(#"{"input_shape": [3], "layers": [{"type": "dense"}, {"type": "scale", "factor": 2.5}, {"type": "dense"}]}"#)
        XCTAssertEqual(s.layers[1], .scale(2.5))
        XCTAssertEqual(s.layers[1].typeName, "scale")
        XCTAssertEqual(s.layers[1].summary, "scale ×2.5")
        XCTAssertEqual(try ArchitectureSpec.parse(json: try s.jsonData()), s)
        XCTAssertEqual(s.canonicalJSON(), #"{"input_shape":[3],"layers":[{"b_std":null,"type":"dense","W_std":1},{"factor":2.5,"type":"scale"},{"b_std":null,"type":"dense","W_std":1}],"parameterization":"ntk"}"#)
        XCTAssertThrowsError(try spec(#"{"input_shape": [3], "layers": [{"type": "scale"}, {"type": "dense"}]}"#)) { e in
            XCTAssertEqual("\(e)", "layers[0].factor: missing (the constant c of φ(x) = c·x)")
        }
        XCTAssertThrowsError(try spec(#"{"input_shape": [3], "layers": [{"type": "scale", "factor": "big"}, {"type": "dense"}]}"#)) { e in
            XCTAssertEqual("\(e)", "layers[0].factor: must be a number, got big")
        }
        XCTAssertEqual(try LayerDefaults.layer("scale"), .scale(1))
        XCTAssertEqual(LayerSpec.scale(-2).editableFields.map(\.text), ["-2.0"])
    }

    func testDualIsCSquared() {
        for c in [2.0, -0.5, 0, 1e-3] {
            for (k, v1, v2) in [(0.3, 1.0, 2.0), (-0.9, 1.0, 1.0), (0.0, 0.5, 3.0)] {
                let d = ScaleLayerKind.activation(.scale(c))!.dual(k: k, v1: v1, v2: v2)
                XCTAssertEqual(d.k, c * c * k, accuracy: 1e-15 * max(1, abs(k)))
                XCTAssertEqual(d.kdot, c * c, accuracy: 1e-15)
            }
        }
    }

    /// A scale right before a bias-free readout multiplies K and Θ of the output by c².
    func assertScalesOutput(_ shape: [Int], before: [LayerSpec], after: [LayerSpec], c: Double, inputs: Int = 4,
                            file: StaticString = #filePath, line: UInt = #line) throws {
        let plain = ArchitectureSpec(inputShape: shape, layers: before + after)
        let scaled = ArchitectureSpec(inputShape: shape, layers: before + [.scale(c)] + after)
        let size = shape.reduce(1, *)
        let b = try FW.batch(shape, FW.inputs(inputs, size))
        let k0 = try GramEngine(spec: plain, threads: 1).compute(b), k1 = try GramEngine(spec: scaled, threads: 1).compute(b)
        for i in 0..<inputs { for j in 0..<inputs {
            XCTAssertEqual(k1.nngp[i, j], c * c * k0.nngp[i, j], accuracy: 1e-12 * max(1, abs(k0.nngp[i, j])), file: file, line: line)
            XCTAssertEqual(k1.ntk[i, j], c * c * k0.ntk[i, j], accuracy: 1e-12 * max(1, abs(k0.ntk[i, j])), file: file, line: line)
        } }
    }

    func testEveryBackendScalesTheKernel() throws {
        let readout = FW.dense(1.3, nil)
        // MLP (scalar phase), and a scale inside the plane phase of a CNN and a C4 group CNN.
        try assertScalesOutput([5], before: [FW.dense(1.2, 0.1), FW.relu], after: [readout], c: 1.7)
        try assertScalesOutput([5, 5, 2], before: [FW.conv([3, 3], .circular, 1.2, 0.1), FW.relu], after: [.globalAvgPool, readout], c: -0.6)
        try assertScalesOutput([5, 5, 1], before: [FW.lift(.c4), FW.relu], after: [.groupPool, readout], c: 2)
        // SO(3): on the grid (after the lift) and on the pooled scalars.
        let lift = LayerSpec.s2Lift(.init(bandwidthIn: 2, bandwidthOut: 2, maxBeta: .pi, affine: .init(wStd: 1.5, bStd: 0.05)))
        try assertScalesOutput([4, 3, 1], before: [lift, .activation(.relu)], after: [.so3Pool, readout], c: 1.4, inputs: 3)
        try assertScalesOutput([4, 3, 1], before: [lift, .activation(.relu), .so3Pool], after: [readout], c: 0.8, inputs: 3)
    }

    func testFiniteNetworkOutputIsScaledExactly() throws {
        let plain = ArchitectureSpec(inputShape: [4, 4, 1], layers: [FW.conv([3, 3], .circular, 1.2, 0.1), FW.relu, .globalAvgPool, FW.dense(1, nil)])
        var scaledLayers = plain.layers; scaledLayers.insert(.scale(3), at: 2)
        let scaled = ArchitectureSpec(inputShape: [4, 4, 1], layers: scaledLayers)
        let n0 = try FiniteNetwork(spec: plain, width: 8, seed: 5), n1 = try FiniteNetwork(spec: scaled, width: 8, seed: 5)
        XCTAssertEqual(n0.parameterCount, n1.parameterCount)
        for x in FW.inputs(3, 16) {
            XCTAssertEqual(n1.forward(x), 3 * n0.forward(x), accuracy: 1e-12 * max(1, abs(n0.forward(x))))
            let g0 = n0.gradient(x), g1 = n1.gradient(x)
            for (a, b) in zip(g0, g1) { XCTAssertEqual(b, 3 * a, accuracy: 1e-12 * max(1, abs(a))) }
        }
    }

    /// Finite networks with a scale between hidden layers agree with the infinite-width kernel,
    /// and their empirical kernels approach it as the width grows (Monte-Carlo error ~ n^(−1/2)).
    func testFiniteWidthNetworkConverges() throws {
        let spec = ArchitectureSpec(inputShape: [5], layers: [FW.dense(1.2, 0.1), .activation(.erf), .scale(1.3), FW.dense(1, 0.2),
                                                               FW.relu, FW.dense(1, 0.1)])
        try MonteCarloCheck.assertAgrees("mlp scale", spec, width: 64, seeds: 400)
        let b = try FW.batch(spec.inputShape, FW.inputs(4, 5))
        let r = try WidthConvergence.measure(spec: spec, inputs: b, widths: [16, 64, 256], seedsPerGroup: 2, groups: 20,
                                             estimator: .readoutExpectation, threads: 2)
        print(String(format: "scale convergence slopes: NNGP %.3f, NTK %.3f", r.nngpSlope, r.ntkSlope))
        XCTAssertLessThan(r.ntkSlope, -0.3)
        XCTAssertLessThan(r.nngpSlope, -0.2)
        XCTAssertLessThan(r.points[2].ntk.mean, r.points[0].ntk.mean)
    }
}
