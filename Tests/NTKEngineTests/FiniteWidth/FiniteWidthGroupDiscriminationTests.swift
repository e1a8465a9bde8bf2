import XCTest
import Foundation
@testable import NTKEngine

/// Monte Carlo that can tell the groups apart.
///
/// On generic inputs the group-pooled kernels of C1…D4 differ by well under 1 % (measured:
/// 0.02–1.5 % between groups), below the Monte-Carlo error, so `FiniteWidthMonteCarloTests`
/// validates the machinery but would not notice, say, D4 computed as C4. Here the inputs are
/// a chiral pattern x₀ and noisy copies of its quarter turn, left–right mirror and diagonal
/// mirror, and both kernels are double-centred (K ↦ HKH, H = I − 11ᵀ/N), which removes the
/// large common part. What is left is the group structure — which inputs the kernel treats
/// as (nearly) equivalent. Distances are in units of the C1 centred kernel. The finite
/// network of each group must match its own group's exact kernel within 3.5 SE + 0.005 and
/// every other group's exact kernel must lie outside 1.5× that tolerance.
final class FiniteWidthGroupDiscriminationTests: XCTestCase {
    static let n = 5
    /// Noise on the transformed copies: small enough that the groups stay far apart, large
    /// enough that no finite network is trivially constant on the inputs.
    static let noiseLevel = 0.1

    static func inputs() -> [[Double]] {
        var x0 = [Double](repeating: 0, count: n * n)
        for (y, x) in [(0, 1), (1, 1), (2, 1), (3, 1), (3, 2), (3, 3), (1, 3)] { x0[y * n + x] = 2 }
        for y in 0..<n { for x in 0..<n { x0[y * n + x] += 0.3 * Double(x) - 0.2 * Double(y) } }
        let act = { (m: Matrix2) in ImageAction.transform(x0, height: n, width: n, channels: 1, by: m) }
        // Noisy copies: related to x₀ through one group element each, but in no orbit.
        let noise = FW.inputs(3, n * n, seed: 77)
        let copies = [act(.rotation90), act(.mirrorX), act(Matrix2(0, 1, 1, 0))]
        return [x0] + (0..<3).map { i in zip(copies[i], noise[i]).map { $0 + noiseLevel * $1 } }
    }

    static func spec(_ g: PointGroup, _ p: Padding) -> ArchitectureSpec {
        ArchitectureSpec(name: "\(g.name)-\(p)", inputShape: [n, n, 1],
                         layers: [FW.lift(g, 3, p, 1.2, 0.1), FW.relu, FW.gconv(g, 3, p, 1, 0.1), FW.relu,
                                  .groupPool, FW.dense(1, 0.1)])
    }

    static func centred(_ k: Matrix) -> Matrix {
        let n = k.rows
        var out = k
        let rowMean = (0..<n).map { i in (0..<n).reduce(0) { $0 + k[i, $1] } / Double(n) }
        let total = rowMean.reduce(0, +) / Double(n)
        for i in 0..<n { for j in 0..<n { out[i, j] = k[i, j] - rowMean[i] - rowMean[j] + total } }
        return out
    }

    func check(_ g: PointGroup, _ p: Padding, width: Int, seeds: Int, file: StaticString = #filePath, line: UInt = #line) throws {
        let t0 = Date()
        let b = try FW.batch([Self.n, Self.n, 1], Self.inputs())
        var exact: [String: KernelMatrices] = [:]
        for h in PointGroup.all { exact[h.name] = try GramEngine(spec: Self.spec(h, p), threads: 1).compute(b) }
        let per = try EmpiricalKernels.perSeed(spec: Self.spec(g, p), width: width, seeds: (0..<seeds).map { UInt64($0) + 500 },
                                               inputs: b, estimator: .readoutExpectation, threads: 2)
        let mean = EmpiricalKernels.mean(of: per)
        guard let own = exact[g.name] else { return XCTFail("no exact kernel", file: file, line: line) }
        for (kind, pick) in [("NNGP", { (k: KernelMatrices) in k.nngp }), ("NTK", { (k: KernelMatrices) in k.ntk })] {
            // Distances in units of the C1 (no symmetry) centred kernel: D4's own is ≈ 0.
            guard let c1 = exact["C1"] else { return XCTFail("no C1 kernel", file: file, line: line) }
            let unit = Self.centred(pick(c1)).data.reduce(0) { $0 + $1 * $1 }.squareRoot()
            func dist(_ a: Matrix, _ b: Matrix) -> Double {
                var d = 0.0
                for i in 0..<a.data.count { d += (a.data[i] - b.data[i]) * (a.data[i] - b.data[i]) }
                return d.squareRoot() / unit
            }
            let c1c = Self.centred(pick(c1))
            let m = Self.centred(pick(mean)), ex = Self.centred(pick(own))
            let err = dist(m, ex)
            let se = MonteCarloCheck.standardError(per.map { Self.centred(pick($0)) }, mean: m, exact: c1c)
            let tol = 3.5 * se + 0.005
            let structure = dist(ex, Matrix(rows: 4, cols: 4))
            var others: [String] = []
            var nearest = Double.infinity
            for h in PointGroup.all where h != g {
                guard let e = exact[h.name] else { continue }
                let d = dist(m, Self.centred(pick(e)))
                nearest = min(nearest, d)
                others.append(String(format: "%@ %.3f", h.name, d))
            }
            print(String(format: "centred MC %@ %@ %@ width %d, %d seeds: own structure %.3f, err %.4f (SE %.4f); distance to other groups: %@ (%.1f s)",
                         g.name, "\(p)", kind, width, seeds, structure, err, se, others.joined(separator: ", "), Date().timeIntervalSince(t0)))
            XCTAssertLessThan(err, tol, "\(g.name) \(p) \(kind): empirical centred kernel off its own group's", file: file, line: line)
            XCTAssertGreaterThan(nearest, 1.5 * tol, "\(g.name) \(p) \(kind): the check cannot tell the groups apart", file: file, line: line)
        }
    }

    func testD1() throws { try check(.d1, .same, width: 32, seeds: 250) }
    func testD2() throws { try check(.d2, .circular, width: 32, seeds: 250) }
    func testD4Same() throws { try check(.d4, .same, width: 24, seeds: 200) }
    func testD4Circular() throws { try check(.d4, .circular, width: 24, seeds: 200) }
    func testC4() throws { try check(.c4, .same, width: 32, seeds: 250) }
}
