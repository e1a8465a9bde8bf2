import XCTest
import Foundation
@testable import NTKEngine

/// Monte-Carlo comparison of empirical kernels with `GramEngine`, with a tolerance taken
/// from the measured spread: the relative Frobenius error must be within 3.5 standard
/// errors of the seed mean (plus 1 % for the O(1/width) finite-width bias), and the
/// standard error itself must be small enough for the check to have power.
struct MonteCarloCheck {
    var nngpError = 0.0, nngpSE = 0.0, ntkError = 0.0, ntkSE = 0.0, seconds = 0.0

    /// ‖standard error of the seed mean‖_F / ‖exact‖_F.
    static func standardError(_ per: [Matrix], mean: Matrix, exact: Matrix) -> Double {
        var s = 0.0, d = 0.0
        let n = Double(per.count)
        for i in 0..<mean.data.count {
            var v = 0.0
            for p in per { let e = p.data[i] - mean.data[i]; v += e * e }
            s += v / (n - 1) / n
            d += exact.data[i] * exact.data[i]
        }
        return (s / d).squareRoot()
    }

    static func run(_ spec: ArchitectureSpec, width: Int, seeds: Int, inputs n: Int = 4,
                    estimator: EmpiricalKernels.NNGPEstimator = .readoutExpectation) throws -> MonteCarloCheck {
        let t0 = Date()
        let b = try FW.batch(spec.inputShape, FW.inputs(n, spec.inputShape.reduce(1, *)))
        let exact = try GramEngine(spec: FiniteNetwork.resolvedSpec(spec, width: width), threads: 1).compute(b)
        let per = try EmpiricalKernels.perSeed(spec: spec, width: width, seeds: (0..<seeds).map { UInt64($0) + 1000 },
                                               inputs: b, estimator: estimator, threads: 2)
        let m = EmpiricalKernels.mean(of: per)
        var r = MonteCarloCheck()
        r.nngpError = WidthConvergence.relativeError(m.nngp, exact.nngp)
        r.ntkError = WidthConvergence.relativeError(m.ntk, exact.ntk)
        r.nngpSE = standardError(per.map(\.nngp), mean: m.nngp, exact: exact.nngp)
        r.ntkSE = standardError(per.map(\.ntk), mean: m.ntk, exact: exact.ntk)
        r.seconds = Date().timeIntervalSince(t0)
        return r
    }

    /// Runs and asserts; prints the measured numbers (they are quoted in docs/finite-width.md).
    @discardableResult
    static func assertAgrees(_ name: String, _ spec: ArchitectureSpec, width: Int, seeds: Int,
                             estimator: EmpiricalKernels.NNGPEstimator = .readoutExpectation, maxSE: Double = 0.016,
                             file: StaticString = #filePath, line: UInt = #line) throws -> MonteCarloCheck {
        let r = try run(spec, width: width, seeds: seeds, estimator: estimator)
        print(String(format: "MC %@ width %d, %d seeds: NNGP err %.4f (SE %.4f), NTK err %.4f (SE %.4f), %.1f s",
                     name, width, seeds, r.nngpError, r.nngpSE, r.ntkError, r.ntkSE, r.seconds))
        XCTAssertLessThan(r.nngpError, 3.5 * r.nngpSE + 0.01, "\(name) NNGP", file: file, line: line)
        XCTAssertLessThan(r.ntkError, 3.5 * r.ntkSE + 0.01, "\(name) NTK", file: file, line: line)
        XCTAssertLessThan(r.nngpSE, maxSE, "\(name): NNGP too noisy for a meaningful check", file: file, line: line)
        XCTAssertLessThan(r.ntkSE, maxSE, "\(name): NTK too noisy for a meaningful check", file: file, line: line)
        return r
    }
}
