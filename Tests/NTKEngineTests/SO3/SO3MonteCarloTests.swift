import Foundation
import XCTest
@testable import NTKEngine

/// Finite-width Monte Carlo: the channel-mean empirical kernels of wide random networks
/// (`SO3FiniteNetwork`, which uses the rotation law rather than the kernel formulas) approach the
/// infinite-width maps. Errors are relative Frobenius norms; the noise is about √(2/width).
final class SO3MonteCarloTests: XCTestCase {
    static func relFrobenius(_ a: Matrix, _ b: Matrix) -> Double {
        var num = 0.0, den = 0.0
        for i in a.data.indices { num += (a.data[i] - b.data[i]) * (a.data[i] - b.data[i]); den += b.data[i] * b.data[i] }
        return (num / den).squareRoot()
    }

    /// The lift is linear in Gaussian filters, so its empirical kernel is unbiased at any width.
    func testLiftKernelMatchesMonteCarlo() throws {
        let L = 3, C = 2
        let spec = try ArchitectureSpec.parse(object: ["parameterization": "ntk", "input_shape": [2 * L, 2 * L - 1, C], "layers": [
            ["type": "s2_lift", "bandwidth_in": L, "bandwidth_out": 2, "W_std": 1.3, "b_std": 0.4],
            ["type": "so3_pool"], ["type": "dense", "W_std": 1.0]]])
        let ev = try SO3KernelEvaluator(spec: spec, threads: 1)
        let x = SO3InvarianceTests.randomInput(L: L, C: C, seed: 3), y = SO3InvarianceTests.randomInput(L: L, C: C, seed: 4)
        let net = try SO3FiniteNetwork(spec: spec, width: 4000, seed: 99)
        let fx = try net.forward(x), fy = try net.forward(y)
        let exact = try ev.intermediate(x, y, afterLayer: 0).nngp
        let err = Self.relFrobenius(net.empiricalKernel(fx[0], fy[0]), exact)
        print("SO3 MC lift: rel. Frobenius error \(err)")
        XCTAssertLessThan(err, 0.08)
    }

    /// so3_conv alone: given the layer-0 features h of a draw, E[y yᵀ | h] = W²·A(K_h) + b² exactly,
    /// so the difference averaged over independent draws must shrink like 1/√draws (no bias).
    func testConvMapIsTheConditionalMeanOfFiniteConv() throws {
        let L = 2, C = 2
        let spec = try ArchitectureSpec.parse(object: ["parameterization": "ntk", "input_shape": [2 * L, 2 * L - 1, C], "layers": [
            ["type": "s2_lift", "bandwidth_in": L, "bandwidth_out": L, "W_std": 1.3, "b_std": 0.2],
            ["type": "so3_conv", "bandwidth_in": L, "bandwidth_out": L, "W_std": 1.5, "b_std": 0.3],
            ["type": "so3_pool"], ["type": "dense", "W_std": 1.2, "b_std": 0.1]]])
        let ev = try SO3KernelEvaluator(spec: spec, threads: 1)
        guard case .conv(let map, _) = ev.stack.ops[1] else { return XCTFail("layer 1 is not so3_conv") }
        let x = SO3InvarianceTests.randomInput(L: L, C: C, seed: 13), y = SO3InvarianceTests.randomInput(L: L, C: C, seed: 14)
        let n = SO3Grid(bandwidth: L).count, draws = 8
        var diff = [Double](repeating: 0, count: n * n), mean = diff
        for seed in 1...draws {
            let net = try SO3FiniteNetwork(spec: spec, width: 300, seed: UInt64(seed))
            let fx = try net.forward(x), fy = try net.forward(y)
            let pred = map.apply(net.empiricalKernel(fx[0], fy[0]).data).map { 1.5 * 1.5 * $0 + 0.3 * 0.3 }
            let e = net.empiricalKernel(fx[1], fy[1])
            for i in diff.indices { diff[i] += (e.data[i] - pred[i]) / Double(draws); mean[i] += pred[i] / Double(draws) }
        }
        let err = Self.relFrobenius(Matrix(rows: n, cols: n, data: diff.indices.map { diff[$0] + mean[$0] }),
                                    Matrix(rows: n, cols: n, data: mean))
        print("SO3 MC conv (conditional, \(draws) draws): rel. Frobenius error \(err)")
        XCTAssertLessThan(err, 0.15)   // one draw: ≈ 0.21; eight: ≈ 0.075
    }

    /// Whole stack (lift, erf, so3_conv, relu, pool, dense): grid kernel after the conv and the
    /// pooled output kernel, averaged over a few draws.
    func testStackKernelsMatchMonteCarlo() throws {
        let L = 2, C = 2
        let spec = try ArchitectureSpec.parse(object: ["parameterization": "ntk", "input_shape": [2 * L, 2 * L - 1, C], "layers": [
            ["type": "s2_lift", "bandwidth_in": L, "bandwidth_out": L, "W_std": 1.3, "b_std": 0.2],
            ["type": "erf"],
            ["type": "so3_conv", "bandwidth_in": L, "bandwidth_out": L, "W_std": 1.5, "b_std": 0.3],
            ["type": "relu"], ["type": "so3_pool"], ["type": "dense", "W_std": 1.2, "b_std": 0.1]]])
        let ev = try SO3KernelEvaluator(spec: spec, threads: 1)
        let x = SO3InvarianceTests.randomInput(L: L, C: C, seed: 13), y = SO3InvarianceTests.randomInput(L: L, C: C, seed: 14)
        let draws = 4
        var sums: [Int: Matrix] = [:]
        for seed in 1...draws {
            let net = try SO3FiniteNetwork(spec: spec, width: 400, seed: UInt64(100 + seed))
            let fx = try net.forward(x), fy = try net.forward(y)
            for layer in [2, 5] {
                let e = net.empiricalKernel(fx[layer], fy[layer])
                var s = sums[layer] ?? Matrix(rows: e.rows, cols: e.cols)
                for i in s.data.indices { s.data[i] += e.data[i] / Double(draws) }
                sums[layer] = s
            }
        }
        for layer in [2, 5] {
            let exact = try ev.intermediate(x, y, afterLayer: layer).nngp
            guard let mc = sums[layer] else { return XCTFail("no samples") }
            let err = Self.relFrobenius(mc, exact)
            print("SO3 MC after layer \(layer): rel. Frobenius error \(err)")
            XCTAssertLessThan(err, 0.15, "layer \(layer)")
        }
    }
}
