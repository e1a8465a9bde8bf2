import Foundation
import XCTest
@testable import NTKEngine

/// Rotation invariance of the pooled kernels and equivariance of the layer-wise kernels, for
/// rotations about z by 2πs/(2L−1) (exact on the grid: a cyclic shift of the φ index).
final class SO3InvarianceTests: XCTestCase {
    static func spec(L: Int, C: Int, activation: String, conv: Bool = true) throws -> ArchitectureSpec {
        var layers: [[String: Any]] = [
            ["type": "s2_lift", "bandwidth_in": L, "bandwidth_out": L, "W_std": 1.3, "b_std": 0.1],
            ["type": activation],
        ]
        if conv {
            layers += [["type": "so3_conv", "bandwidth_in": L, "bandwidth_out": L, "W_std": 1.2, "b_std": 0.2],
                       ["type": activation]]
        }
        layers += [["type": "so3_pool"], ["type": "dense", "W_std": 1.0, "b_std": 0.05]]
        return try ArchitectureSpec.parse(object: ["parameterization": "ntk", "input_shape": [2 * L, 2 * L - 1, C], "layers": layers])
    }

    /// x_rot[j][k][c] = x[j][(k − s) mod (2L−1)][c].
    static func rotate(_ x: [Double], L: Int, C: Int, s: Int) -> [Double] {
        let nk = 2 * L - 1
        var y = x
        for j in 0..<(2 * L) { for k in 0..<nk { for c in 0..<C {
            y[(j * nk + k) * C + c] = x[(j * nk + ((k - s) % nk + nk) % nk) * C + c]
        } } }
        return y
    }

    static func randomInput(L: Int, C: Int, seed: UInt64) -> [Double] {
        var rng = SO3TestRandom(seed: seed)
        return (0..<(2 * L * (2 * L - 1) * C)).map { _ in rng.normal() }
    }

    /// Pooled K and Θ are invariant under every grid-exact z rotation of either input.
    /// erf: 1e-12. ReLU: its dual is evaluated at correlation ≈ 1 on the matched grid points,
    /// where arccos amplifies rounding (FORMAT.md notes ~1e-11), so 1e-9 there.
    func testPooledKernelInvariantUnderGridRotations() throws {
        let L = 3, C = 2
        for (act, tol) in [("erf", 1e-12), ("relu", 1e-9)] {
            let ev = try SO3KernelEvaluator(spec: try Self.spec(L: L, C: C, activation: act), threads: 2)
            let x = Self.randomInput(L: L, C: C, seed: 1), y = Self.randomInput(L: L, C: C, seed: 2)
            var data = x + y
            for s in 1..<(2 * L - 1) { data += Self.rotate(x, L: L, C: C, s: s) }
            let batch = try InputBatch(shape: [2 * L, 2 * L - 1, C], data: data)
            let g = try ev.compute(batch)
            let scaleK = g.nngp.maxAbs, scaleT = g.ntk.maxAbs
            for r in 2..<batch.count {
                for c in 0..<batch.count {
                    let c0 = c >= 2 ? 0 : c
                    XCTAssertLessThanOrEqual(abs(g.nngp[r, c] - g.nngp[0, c0]) / scaleK, tol, "\(act) nngp row \(r) col \(c)")
                    XCTAssertLessThanOrEqual(abs(g.ntk[r, c] - g.ntk[0, c0]) / scaleT, tol, "\(act) ntk row \(r) col \(c)")
                }
            }
        }
    }

    /// The files whose last input is input 0 rotated: our rows agree with each other.
    func testReferenceFilesBuiltInRotatedInput() throws {
        let files = ["so3_lift_erf_pool.json": 1e-12, "so3_lift_erf_conv_erf_pool_convWb.json": 1e-12,
                     "so3_lift_relu_conv_relu_pool.json": 1e-9]
        for (name, tol) in files {
            let c = try SO3Fixtures.load(name)
            let g = try SO3KernelEvaluator(spec: c.spec, threads: 2).compute(c.inputs)
            let last = c.inputs.count - 1
            for col in 0..<c.inputs.count {
                let c0 = col == last ? 0 : col
                XCTAssertLessThanOrEqual(abs(g.nngp[last, col] - g.nngp[0, c0]) / g.nngp.maxAbs, tol, "\(name) nngp col \(col)")
                XCTAssertLessThanOrEqual(abs(g.ntk[last, col] - g.ntk[0, c0]) / g.ntk.maxAbs, tol, "\(name) ntk col \(col)")
            }
        }
    }

    /// Layer-wise equivariance: K(x, rot_s x)(R, R′_{g,j,k}) = K(x, x)(R, R′_{g,j,k−s}) after
    /// the lift, the nonlinearity and the group convolution.
    func testLayerwiseKernelsAreEquivariant() throws {
        let L = 3, C = 1, s = 2
        let ev = try SO3KernelEvaluator(spec: try Self.spec(L: L, C: C, activation: "erf"), threads: 1)
        let x = Self.randomInput(L: L, C: C, seed: 5)
        let xr = Self.rotate(x, L: L, C: C, s: s)
        let grid = SO3Grid(bandwidth: L)
        for layer in 0..<3 {
            let a = try ev.intermediate(x, x, afterLayer: layer)
            let b = try ev.intermediate(x, xr, afterLayer: layer)
            let n = grid.count
            XCTAssertEqual(a.nngp.rows, n)
            var worst = 0.0
            for r in 0..<n { for q in 0..<n {
                let (g, j, k) = grid.components(q)
                let src = grid.index(g: g, j: j, k: ((k - s) % grid.alphaCount + grid.alphaCount) % grid.alphaCount)
                worst = max(worst, abs(b.nngp[r, q] - a.nngp[r, src]), abs(b.ntk[r, q] - a.ntk[r, src]))
            } }
            XCTAssertLessThan(worst / a.ntk.maxAbs, 1e-12, "layer \(layer)")
        }
    }
}
