import Foundation

/// How fast the empirical kernels of finite networks approach the exact infinite-width ones.
///
/// Why: a single relative error at one width says little; the trend over widths 8, 16, 32, …
/// (NTK error ∝ width^(−1/2) for Monte-Carlo fluctuations of the empirical NTK, with an
/// O(1/width) bias on top) is what tells a converging network from a mismatched kernel.
/// For each width the seeds are split into groups; each group's mean kernel is compared
/// with `GramEngine`, giving a mean and a spread of ‖mean − exact‖_F / ‖exact‖_F.
public enum WidthConvergence {
    /// Mean and standard deviation (over seed groups) of a relative Frobenius error.
    public struct ErrorStats: Sendable, Hashable {
        public var mean: Double
        public var std: Double
    }

    /// The errors at one width.
    public struct Point: Sendable, Hashable {
        public var width: Int
        public var nngp: ErrorStats
        public var ntk: ErrorStats
    }

    /// All widths, and least-squares slopes of log(mean error) against log(width).
    public struct Report: Sendable {
        public var points: [Point]
        /// NNGP slope (≈ 0 with the output-product estimator: seed noise does not shrink with width).
        public var nngpSlope: Double
        /// NTK slope (≈ −1/2 when the empirical NTK converges).
        public var ntkSlope: Double
    }

    /// Measures the relative errors for each width with `groups` groups of `seedsPerGroup`
    /// seeds (seed = baseSeed + group·seedsPerGroup + index, the same at every width).
    public static func measure(spec: ArchitectureSpec, inputs: InputBatch, widths: [Int] = [8, 16, 32, 64],
                               seedsPerGroup: Int, groups: Int, baseSeed: UInt64 = 0,
                               estimator: EmpiricalKernels.NNGPEstimator = .outputProduct, threads: Int = 1,
                               progress: GramProgress = GramProgress()) throws -> Report {
        guard seedsPerGroup > 0, groups > 0 else {
            throw FiniteWidthError.invalidArgument("need at least one group of at least one seed")
        }
        guard !widths.isEmpty else { throw FiniteWidthError.invalidArgument("no widths") }
        let seeds = (0..<(seedsPerGroup * groups)).map { baseSeed &+ UInt64($0) }
        var points: [Point] = []
        for w in widths {
            if progress.isCancelled { throw KernelError.cancelled }
            // Exact kernels of the same widths (they matter only for `standard`).
            // SO(3) stacks are NTK-parameterized only: their limit does not depend on the widths.
            let limitSpec = spec.isSpherical ? spec : try FiniteNetwork.resolvedSpec(spec, width: w)
            let exact = try GramEngine(spec: limitSpec, threads: threads).compute(inputs)
            let per = try EmpiricalKernels.perSeed(spec: spec, width: w, seeds: seeds, inputs: inputs,
                                                   estimator: estimator, threads: threads, progress: progress)
            var ek: [Double] = [], et: [Double] = []
            for g in 0..<groups {
                let m = EmpiricalKernels.mean(of: Array(per[(g * seedsPerGroup)..<((g + 1) * seedsPerGroup)]))
                ek.append(relativeError(m.nngp, exact.nngp))
                et.append(relativeError(m.ntk, exact.ntk))
            }
            points.append(Point(width: w, nngp: stats(ek), ntk: stats(et)))
        }
        let lw = points.map { Foundation.log(Double($0.width)) }
        return Report(points: points,
                      nngpSlope: slope(lw, points.map { Foundation.log($0.nngp.mean) }),
                      ntkSlope: slope(lw, points.map { Foundation.log($0.ntk.mean) }))
    }

    /// ‖a − b‖_F / ‖b‖_F.
    public static func relativeError(_ a: Matrix, _ b: Matrix) -> Double {
        var num = 0.0, den = 0.0
        for i in 0..<min(a.data.count, b.data.count) {
            let d = a.data[i] - b.data[i]
            num += d * d; den += b.data[i] * b.data[i]
        }
        return (num / den).squareRoot()
    }

    /// Least-squares slope of y against x (NaN for fewer than two points).
    public static func slope(_ x: [Double], _ y: [Double]) -> Double {
        let n = Double(x.count)
        guard x.count >= 2 else { return .nan }
        let mx = x.reduce(0, +) / n, my = y.reduce(0, +) / n
        var sxy = 0.0, sxx = 0.0
        for i in 0..<x.count { sxy += (x[i] - mx) * (y[i] - my); sxx += (x[i] - mx) * (x[i] - mx) }
        return sxy / sxx
    }

    static func stats(_ v: [Double]) -> ErrorStats {
        let n = Double(v.count)
        let m = v.reduce(0, +) / n
        let varr = v.count > 1 ? v.reduce(0) { $0 + ($1 - m) * ($1 - m) } / (n - 1) : 0
        return ErrorStats(mean: m, std: varr.squareRoot())
    }
}
