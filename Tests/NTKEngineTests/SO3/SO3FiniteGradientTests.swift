import Foundation
import XCTest
@testable import NTKEngine

/// Parameter gradients of `SO3FiniteNetwork` (hand-written backprop) against finite differences,
/// and the empirical NTK Σ_θ ∂f(x)/∂θ·∂f(x′)/∂θ against `SO3KernelEvaluator`'s NTK by Monte Carlo,
/// with tolerances set from the measured spread over seeds.
final class SO3FiniteGradientTests: XCTestCase {
    static func spec(L: Int, C: Int, _ layers: [[String: Any]]) throws -> ArchitectureSpec {
        try ArchitectureSpec.parse(object: ["parameterization": "ntk", "input_shape": [2 * L, 2 * L - 1, C], "layers": layers])
    }

    /// lift → erf → so3_conv → gelu → pool → dense → erf → dense, all with biases; the bandwidth
    /// changes (3 → 2 → 2) so the degree cut-offs are exercised. Smooth activations only, so central
    /// differences are accurate to O(h²).
    static func smoothStack(maxBeta: Double) throws -> ArchitectureSpec {
        try spec(L: 3, C: 2, [
            ["type": "s2_lift", "bandwidth_in": 3, "bandwidth_out": 2, "max_beta": maxBeta, "W_std": 1.3, "b_std": 0.4],
            ["type": "erf"],
            ["type": "so3_conv", "bandwidth_in": 2, "bandwidth_out": 2, "max_beta": maxBeta, "W_std": 1.5, "b_std": 0.3],
            ["type": "gelu"], ["type": "so3_pool"],
            ["type": "dense", "W_std": 1.2, "b_std": 0.1], ["type": "erf"], ["type": "dense", "W_std": 0.9, "b_std": 0.2]])
    }

    /// Every component of ∂f/∂θ against a central difference (h = 1e-5, truncation ≈ 1e-10).
    func checkFiniteDifferences(_ spec: ArchitectureSpec, width: Int) throws {
        let net = try SO3FiniteNetwork(spec: spec, width: width, seed: 7)
        let x = SO3InvarianceTests.randomInput(L: 3, C: 2, seed: 21)
        let (value, grad) = try net.valueAndGradient(x)
        XCTAssertEqual(grad.count, net.parameterCount)
        XCTAssertEqual(value, try net.forward(x).last?.first ?? .nan, accuracy: 1e-14)
        let theta = net.parameterVector, h = 1e-5
        var worst = 0.0, scale = 0.0, nonzero = 0
        for i in theta.indices {
            var tp = theta, tm = theta
            tp[i] += h; tm[i] -= h
            let fd = (try net.withParameters(tp).value(x) - net.withParameters(tm).value(x)) / (2 * h)
            worst = max(worst, abs(fd - grad[i])); scale = max(scale, abs(grad[i]))
            if grad[i] != 0 { nonzero += 1 }
        }
        print("SO3 gradient vs finite differences (\(theta.count) parameters, \(nonzero) nonzero): max error \(worst), max |∂f| \(scale)")
        XCTAssertGreaterThan(scale, 1e-3)
        XCTAssertLessThan(worst, 1e-6 * scale)
    }

    func testGradientMatchesFiniteDifferences() throws {
        try checkFiniteDifferences(Self.smoothStack(maxBeta: Double.pi), width: 2)
    }

    /// Local filters: cap points carry gradient, points outside the cap get exactly 0.
    func testLocalFilterGradientMatchesFiniteDifferences() throws {
        try checkFiniteDifferences(Self.smoothStack(maxBeta: 1.2), width: 2)
    }

    /// Mean and standard error over seeds of the empirical NTK Gram of (x, y) against the exact Θ.
    /// Returns the worst |mean − exact| / SE and the worst relative error of the mean.
    func monteCarloNTK(_ spec: ArchitectureSpec, L: Int, width: Int, seeds: Int, label: String) throws -> (z: Double, rel: Double, relSE: Double) {
        let x = SO3InvarianceTests.randomInput(L: L, C: 2, seed: 13), y = SO3InvarianceTests.randomInput(L: L, C: 2, seed: 14)
        let ev = try SO3KernelEvaluator(spec: spec, threads: 1)
        let last = spec.layers.count - 1
        let exact = [try ev.intermediate(x, x, afterLayer: last).ntk.data[0], try ev.intermediate(x, y, afterLayer: last).ntk.data[0],
                     try ev.intermediate(y, y, afterLayer: last).ntk.data[0]]
        var samples: [[Double]] = []
        for s in 1...seeds {
            let k = try SO3FiniteNetwork(spec: spec, width: width, seed: UInt64(500 + s)).empiricalNTK([x, y])
            samples.append([k.data[0], k.data[1], k.data[3]])
        }
        var z = 0.0, rel = 0.0, relSE = 0.0
        for e in 0..<3 {
            let v = samples.map { $0[e] }
            let mean = v.reduce(0, +) / Double(seeds)
            let se = (v.reduce(0.0) { $0 + ($1 - mean) * ($1 - mean) } / Double(seeds - 1) / Double(seeds)).squareRoot()
            z = max(z, abs(mean - exact[e]) / se)
            rel = max(rel, abs(mean - exact[e]) / abs(exact[e])); relSE = max(relSE, se / abs(exact[e]))
            print("SO3 MC NTK \(label) width \(width), \(seeds) seeds, entry \(e): exact \(exact[e]), mean \(mean), SE \(se)")
        }
        print("SO3 MC NTK \(label) width \(width): max rel. error \(rel), max rel. SE \(relSE), max |z| \(z)")
        return (z, rel, relSE)
    }

    /// lift → relu → pool → dense: the lift output is exactly Gaussian with Σ_θ ∂y∂y′ = K¹ at any
    /// width, so the empirical NTK is unbiased and the mean must be within a few standard errors
    /// (400 seeds at width 64: within 0.5%, z 0.6).
    func testLiftNTKMatchesMonteCarlo() throws {
        let spec = try Self.spec(L: 2, C: 2, [
            ["type": "s2_lift", "bandwidth_in": 2, "bandwidth_out": 2, "W_std": 1.3, "b_std": 0.4],
            ["type": "relu"], ["type": "so3_pool"], ["type": "dense", "W_std": 1.2, "b_std": 0.1]])
        let r = try monteCarloNTK(spec, L: 2, width: 64, seeds: 100, label: "lift")
        XCTAssertLessThan(r.z, 4)
        XCTAssertLessThan(r.relSE, 0.05)   // the check is informative
    }

    /// With so3_conv (lift → erf → conv → relu → pool → dense) the empirical NTK has an O(1/width)
    /// bias besides the O(width^−½) noise; at width 100 it is below the noise (60 seeds: mean within 0.8% of Θ, z 0.6).
    func testConvNTKMatchesMonteCarlo() throws {
        let spec = try Self.spec(L: 2, C: 2, Self.convStack)
        let r = try monteCarloNTK(spec, L: 2, width: 100, seeds: 24, label: "conv")
        XCTAssertLessThan(r.z, 4)
        XCTAssertLessThan(r.relSE, 0.05)
    }

    /// lift → erf → so3_conv → relu → pool → dense at L = 2.
    static var convStack: [[String: Any]] {
        [["type": "s2_lift", "bandwidth_in": 2, "bandwidth_out": 2, "W_std": 1.3, "b_std": 0.2],
         ["type": "erf"],
         ["type": "so3_conv", "bandwidth_in": 2, "bandwidth_out": 2, "W_std": 1.5, "b_std": 0.3],
         ["type": "relu"], ["type": "so3_pool"], ["type": "dense", "W_std": 1.2, "b_std": 0.1]]
    }

    /// One draw's NTK Gram of (x, y) differs from Θ by O(width^−½): the root-mean-square over
    /// seeds of its relative Frobenius error must fall with width (≈ ½ per 4× width).
    func testEmpiricalNTKErrorFallsWithWidth() throws {
        let L = 2
        let spec = try Self.spec(L: L, C: 2, Self.convStack)
        let x = SO3InvarianceTests.randomInput(L: L, C: 2, seed: 13), y = SO3InvarianceTests.randomInput(L: L, C: 2, seed: 14)
        let ev = try SO3KernelEvaluator(spec: spec, threads: 1)
        let exact = try ev.compute(try InputBatch(shape: spec.inputShape, data: x + y)).ntk
        var rms: [Double] = []
        for (width, seeds) in [(8, 24), (32, 12), (128, 12)] {
            var sum = 0.0
            for s in 1...seeds {
                let k = try SO3FiniteNetwork(spec: spec, width: width, seed: UInt64(900 + s)).empiricalNTK([x, y])
                let e = SO3MonteCarloTests.relFrobenius(k, exact)
                sum += e * e
            }
            rms.append((sum / Double(seeds)).squareRoot())
            print("SO3 empirical NTK width \(width): rms rel. Frobenius error \(rms.last ?? .nan) over \(seeds) seeds")
        }
        XCTAssertLessThan(rms[1], rms[0])
        XCTAssertLessThan(rms[2], rms[1])
        XCTAssertLessThan(rms[2], 0.5 * rms[0])   // expected ≈ 0.25
    }
}
