import Foundation
import XCTest
@testable import NTKEngine

/// Local filters (max_beta < π): reduction to the global maps at π, Monte-Carlo agreement with
/// finite networks drawing cap-supported filters, and invariance under grid z rotations.
final class SO3LocalFilterTests: XCTestCase {
    func randomKernel(_ n: Int, seed: UInt64) -> [Double] {
        // A valid (PSD-like) pair kernel: mean of products of random fields.
        var rng = SO3TestRandom(seed: seed)
        let c = 4
        let u = (0..<(c * n)).map { _ in rng.normal() }, v = (0..<(c * n)).map { _ in rng.normal() }
        var k = [Double](repeating: 0, count: n * n)
        for ch in 0..<c { for i in 0..<n { for j in 0..<n { k[i * n + j] += u[ch * n + i] * v[ch * n + j] / Double(c) } } }
        return k
    }

    func testLocalMapsReduceToGlobalAtPi() {
        for (lin, lout) in [(3, 3), (3, 2), (2, 3)] {
            let g = ConvKernelMap(bandwidthIn: lin, bandwidthOut: lout)
            let l = LocalConvKernelMap(bandwidthIn: lin, bandwidthOut: lout, maxBeta: Double.pi)
            let k = randomKernel(g.inputCount, seed: UInt64(lin * 10 + lout))
            let a = g.apply(k), b = l.apply(k)
            let scale = a.reduce(0) { max($0, abs($1)) }
            let err = zip(a, b).reduce(0) { max($0, abs($1.0 - $1.1)) } / scale
            XCTAssertLessThan(err, 1e-13, "conv \(lin)→\(lout)")
        }
        let x = SO3InvarianceTests.randomInput(L: 3, C: 2, seed: 21), y = SO3InvarianceTests.randomInput(L: 3, C: 2, seed: 22)
        let g = LiftKernelMap(bandwidthIn: 3, bandwidthOut: 3, channels: 2)
        let l = LocalLiftKernelMap(bandwidthIn: 3, bandwidthOut: 3, channels: 2, maxBeta: Double.pi)
        let a = g.apply(g.features(x[...]), g.features(y[...]))
        let b = l.apply(l.features(x[...]).phi, l.features(y[...]).psi)
        let scale = a.reduce(0) { max($0, abs($1)) }
        XCTAssertLessThan(zip(a, b).reduce(0) { max($0, abs($1.0 - $1.1)) } / scale, 1e-13, "lift")
    }

    func localSpec(L: Int, C: Int, liftBeta: Double, convBeta: Double, activation: String = "erf") throws -> ArchitectureSpec {
        try ArchitectureSpec.parse(object: ["parameterization": "ntk", "input_shape": [2 * L, 2 * L - 1, C], "layers": [
            ["type": "s2_lift", "bandwidth_in": L, "bandwidth_out": L, "max_beta": liftBeta, "W_std": 1.3, "b_std": 0.2],
            ["type": activation],
            ["type": "so3_conv", "bandwidth_in": L, "bandwidth_out": L, "max_beta": convBeta, "W_std": 1.5, "b_std": 0.3],
            ["type": activation], ["type": "so3_pool"], ["type": "dense", "W_std": 1.2, "b_std": 0.1]]])
    }

    /// The local lift is linear in the Gaussian filters: unbiased at any width.
    func testLocalLiftMatchesMonteCarlo() throws {
        let L = 3, C = 2
        let spec = try localSpec(L: L, C: C, liftBeta: Double.pi / 2, convBeta: Double.pi / 3)
        let ev = try SO3KernelEvaluator(spec: spec, threads: 1)
        let x = SO3InvarianceTests.randomInput(L: L, C: C, seed: 31), y = SO3InvarianceTests.randomInput(L: L, C: C, seed: 32)
        let exact = try ev.intermediate(x, y, afterLayer: 0).nngp
        let global = try SO3KernelEvaluator(spec: try localSpec(L: L, C: C, liftBeta: Double.pi, convBeta: Double.pi), threads: 1)
            .intermediate(x, y, afterLayer: 0).nngp
        // The local map really differs from the global one…
        XCTAssertGreaterThan(SO3MonteCarloTests.relFrobenius(global, exact), 0.2)
        // …and the finite network with cap filters converges to it.
        // Lift-only copy of the stack for the wide draw (a conv layer would cost width² filters).
        let liftOnly = ArchitectureSpec(parameterization: .ntk, inputShape: spec.inputShape,
                                        layers: [spec.layers[0], .so3Pool, .dense(.init(wStd: 1))])
        let net = try SO3FiniteNetwork(spec: liftOnly, width: 4000, seed: 5)
        let err = SO3MonteCarloTests.relFrobenius(net.empiricalKernel(try net.forward(x)[0], try net.forward(y)[0]), exact)
        print("SO3 MC local lift: rel. Frobenius error \(err)")
        XCTAssertLessThan(err, 0.08)
    }

    /// Local so3_conv as the conditional mean of the finite conv over independent draws.
    /// The lift is local too: after a *global* lift the kernel is invariant under R, R′ ↦ RT, R′T,
    /// and on such kernels a local so3_conv acts exactly like the global one (Σ_n G^{mn}_{ll} = V),
    /// which would make the test unable to tell them apart.
    func testLocalConvIsTheConditionalMeanOfFiniteConv() throws {
        let L = 2, C = 2
        let spec = try ArchitectureSpec.parse(object: ["parameterization": "ntk", "input_shape": [2 * L, 2 * L - 1, C], "layers": [
            ["type": "s2_lift", "bandwidth_in": L, "bandwidth_out": L, "max_beta": 1.0, "W_std": 1.3],
            ["type": "so3_conv", "bandwidth_in": L, "bandwidth_out": L, "max_beta": 0.5, "W_std": 1.5, "b_std": 0.3],
            ["type": "so3_pool"], ["type": "dense", "W_std": 1.2, "b_std": 0.1]]])
        let ev = try SO3KernelEvaluator(spec: spec, threads: 1)
        guard case .localConv(let map, _) = ev.stack.ops[1] else { return XCTFail("layer 1 is not a local so3_conv") }
        let x = SO3InvarianceTests.randomInput(L: L, C: C, seed: 41), y = SO3InvarianceTests.randomInput(L: L, C: C, seed: 42)
        let n = SO3Grid(bandwidth: L).count, draws = 8
        var diff = [Double](repeating: 0, count: n * n), mean = diff
        let global = ConvKernelMap(bandwidthIn: L, bandwidthOut: L)
        var globalMean = diff
        for seed in 1...draws {
            let net = try SO3FiniteNetwork(spec: spec, width: 300, seed: UInt64(seed))
            let fx = try net.forward(x), fy = try net.forward(y)
            let k0 = net.empiricalKernel(fx[0], fy[0]).data
            let pred = map.apply(k0).map { 1.5 * 1.5 * $0 + 0.3 * 0.3 }
            let gpred = global.apply(k0).map { 1.5 * 1.5 * $0 + 0.3 * 0.3 }
            let e = net.empiricalKernel(fx[1], fy[1])
            for i in diff.indices {
                diff[i] += (e.data[i] - pred[i]) / Double(draws); mean[i] += pred[i] / Double(draws)
                globalMean[i] += gpred[i] / Double(draws)
            }
        }
        let meanM = Matrix(rows: n, cols: n, data: mean)
        let err = SO3MonteCarloTests.relFrobenius(Matrix(rows: n, cols: n, data: diff.indices.map { diff[$0] + mean[$0] }), meanM)
        print("SO3 MC local conv (conditional, \(draws) draws): rel. Frobenius error \(err)")
        XCTAssertLessThan(err, 0.15)
        XCTAssertGreaterThan(SO3MonteCarloTests.relFrobenius(Matrix(rows: n, cols: n, data: globalMean), meanM), 0.2,
                             "the local map should differ from the global one")
    }

    /// The caps are invariant under z rotations, so pooled kernels stay exactly invariant.
    func testLocalStackInvariantUnderGridRotations() throws {
        let L = 3, C = 2
        let ev = try SO3KernelEvaluator(spec: try localSpec(L: L, C: C, liftBeta: 1.0, convBeta: 1.4), threads: 2)
        let x = SO3InvarianceTests.randomInput(L: L, C: C, seed: 51), y = SO3InvarianceTests.randomInput(L: L, C: C, seed: 52)
        let batch = try InputBatch(shape: [2 * L, 2 * L - 1, C], data: x + y + SO3InvarianceTests.rotate(x, L: L, C: C, s: 3))
        let g = try ev.compute(batch)
        for c in 0..<3 {
            let c0 = c == 2 ? 0 : c
            XCTAssertLessThan(abs(g.nngp[2, c] - g.nngp[0, c0]) / g.nngp.maxAbs, 1e-12)
            XCTAssertLessThan(abs(g.ntk[2, c] - g.ntk[0, c0]) / g.ntk.maxAbs, 1e-12)
        }
        XCTAssertTrue(g.nngp.isFinite && g.ntk.isFinite)
    }

    /// After a global lift the kernel is right-invariant, and a local so3_conv then equals the global one.
    func testLocalConvAfterGlobalLiftEqualsGlobalConv() throws {
        let L = 3, C = 2
        let x = SO3InvarianceTests.randomInput(L: L, C: C, seed: 61), y = SO3InvarianceTests.randomInput(L: L, C: C, seed: 62)
        func spec(_ convBeta: Double) throws -> ArchitectureSpec {
            try ArchitectureSpec.parse(object: ["parameterization": "ntk", "input_shape": [2 * L, 2 * L - 1, C], "layers": [
                ["type": "s2_lift", "bandwidth_in": L, "bandwidth_out": L, "W_std": 1.3, "b_std": 0.2],
                ["type": "so3_conv", "bandwidth_in": L, "bandwidth_out": L, "max_beta": convBeta, "W_std": 1.5, "b_std": 0.3],
                ["type": "so3_pool"], ["type": "dense"]]])
        }
        // Directly on the lift output (band-limited, right-invariant): equal to round-off. After a
        // grid nonlinearity the equality holds only up to quadrature aliasing (~1e-7 here).
        let a = try SO3KernelEvaluator(spec: try spec(0.9), threads: 1).intermediate(x, y, afterLayer: 1)
        let b = try SO3KernelEvaluator(spec: try spec(Double.pi), threads: 1).intermediate(x, y, afterLayer: 1)
        XCTAssertLessThan(ReferenceCase.relativeError(a.nngp, b.nngp), 1e-12)
        XCTAssertLessThan(ReferenceCase.relativeError(a.ntk, b.ntk), 1e-12)
        // With a local lift in front, the two differ.
        let local2 = try SO3KernelEvaluator(spec: try localSpec(L: L, C: C, liftBeta: 1.0, convBeta: 0.9), threads: 1)
        let global2 = try SO3KernelEvaluator(spec: try localSpec(L: L, C: C, liftBeta: 1.0, convBeta: Double.pi), threads: 1)
        let c = try local2.intermediate(x, y, afterLayer: 2), d = try global2.intermediate(x, y, afterLayer: 2)
        XCTAssertGreaterThan(SO3MonteCarloTests.relFrobenius(c.nngp, d.nngp), 0.05)
    }

    func testEmptyCapIsRejected() throws {
        let spec = try localSpec(L: 3, C: 1, liftBeta: 0.1, convBeta: Double.pi)
        XCTAssertThrowsError(try SO3KernelEvaluator(spec: spec)) { XCTAssertEqual(($0 as? SpecError)?.path, "layers[0].max_beta") }
    }
}
