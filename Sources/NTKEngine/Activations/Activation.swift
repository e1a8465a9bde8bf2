import Foundation

/// A pointwise nonlinearity and its infinite-width dual.
///
/// For a pair of pre-activations (u, v) ~ N(0, [[v₁, k], [k, v₂]]) the dual gives
/// K' = E[φ(u)φ(v)] and K̇ = E[φ'(u)φ'(v)]; the NTK maps as Θ' = K̇·Θ (neural-tangents).
/// Closed forms for ReLU-like, erf, GELU and identity; any other function goes through
/// `NumericDual` (Gauss–Hermite at small variance, graded composite quadrature above; see
/// `NumericDual.dual`), except sin and cos, whose duals are closed forms too.
public enum Activation: Sendable, Hashable {
    /// φ(x) = a·min(x, 0) + b·max(x, 0); ReLU is (0, 1), leaky ReLU is (α, 1).
    case abRelu(a: Double, b: Double)
    /// φ(x) = erf(x).
    case erf
    /// φ(x) = x·Φ(x) (exact GELU).
    case gelu
    /// φ(x) = x.
    case identity
    /// Any function of the catalogue, evaluated by Gauss–Hermite quadrature.
    case numeric(NumericFunction)

    public static let relu = Activation.abRelu(a: 0, b: 1)
    /// φ(x) = |x| (spec type `abs`): the a/b ReLU with (a, b) = (−1, 1), whose dual is the
    /// degree-1 arc-cosine kernel, K̇ = (2/π)·asin ρ.
    public static let absoluteValue = Activation.abRelu(a: -1, b: 1)

    public var typeName: String {
        switch self {
        case .abRelu(0, 1): "relu"
        case .abRelu(-1, 1): "abs"
        case .abRelu(let a, 1): a == 0 ? "relu" : "leaky_relu"
        case .abRelu: "abrelu"
        case .erf: "erf"
        case .gelu: "gelu"
        case .identity: "identity"
        case .numeric(let f): f.rawValue
        }
    }

    /// The dual on the diagonal: the output variance for input variance `v`.
    @inlinable
    public func varianceMap(_ v: Double) -> Double {
        switch self {
        case .abRelu(let a, let b):
            return (a * a + b * b) / 2 * v
        case .erf:
            // = 2/π·asin(2v/(1+2v)), written as atan2 so it stays accurate at huge v.
            return 2 / Double.pi * Foundation.atan2(2 * v, (1 + 4 * v).squareRoot())
        case .gelu:
            let sq = (1 + 2 * v).squareRoot()
            var r = v / ((v + 1) * sq) + Foundation.atan2(v, sq) / 2
            r /= Double.pi
            r += 0.25
            return r * v
        case .identity:
            return v
        case .numeric(let f):
            return dual(k: v, v1: v, v2: v).k
        }
    }

    /// The dual of one pair entry: returns (K', K̇) for covariance `k` and variances v₁, v₂.
    @inlinable
    public func dual(k: Double, v1: Double, v2: Double) -> (k: Double, kdot: Double) {
        switch self {
        case .abRelu(let a, let b):
            let prod = v1 * v2
            if prod <= 0 { return ((a * a + b * b) / 2 * k, (a * a + b * b) / 2) }
            let norm = prod.squareRoot()
            // Clamp to [−1, 1]: rounding can push |c| a hair above 1 for self-pairs.
            let c = max(-1, min(1, k / norm))
            let theta = Foundation.acos(c)
            let dotSigma = (a * a + b * b - (a - b) * (a - b) * theta / Double.pi) / 2
            let s = max(0, (1 - c) * (1 + c)).squareRoot() * norm
            let kk = (a - b) * (a - b) * s / (2 * Double.pi) + dotSigma * k
            return (kk, dotSigma)
        case .erf:
            guard max(v1, v2) <= Activation.closedFormMaxVariance else { return (.nan, .nan) }
            // Stable at huge variance: with c = k/√(v₁v₂) clamped to [−1, 1],
            // (1+2v₁)(1+2v₂) − 4k² = 4v₁v₂(1−c)(1+c) + 2v₁ + 2v₂ + 1 ≥ 1 (no cancellation).
            let c = Activation.correlation(k, v1, v2)
            let kc = c * (max(v1, 0) * max(v2, 0)).squareRoot()
            let det = 4 * max(v1, 0) * max(v2, 0) * ((1 - c) * (1 + c)) + 2 * v1 + 2 * v2 + 1
            // asin(2k/√(p₁p₂)) as atan2(2k, √det): no loss of accuracy as the argument → 1.
            let kk = 2 / Double.pi * Foundation.atan2(2 * kc, max(det, 0).squareRoot())
            let kdot = 4 / Double.pi / max(det, .leastNormalMagnitude).squareRoot()
            return (kk, kdot)
        case .gelu:
            guard max(v1, v2) <= Activation.closedFormMaxVariance else { return (.nan, .nan) }
            // The closed form of neural-tangents, rearranged so no term cancels or overflows at
            // huge variance: Δ² = (v₁+1)(v₂+1) − k² = v₁v₂(1−c)(1+c) + v₁ + v₂ + 1 ≥ 1.
            let c = Activation.correlation(k, v1, v2)
            let kc = c * (max(v1, 0) * max(v2, 0)).squareRoot()
            let deltaSq = max(v1, 0) * max(v2, 0) * ((1 - c) * (1 + c)) + v1 + v2 + 1
            let delta = deltaSq.squareRoot()
            let angles = Foundation.atan2(kc, delta)
            let r1 = kc / (v1 + 1), r2 = kc / (v2 + 1)          // k²/((v₁+1)(v₂+1)) = r1·r2
            let q1 = v1 / (v1 + 1), q2 = v2 / (v2 + 1)          // v₁v₂/((v₁+1)(v₂+1)) = q1·q2
            var kk = r1 * r2 / delta + q1 * q2 * delta + kc * angles
            kk /= 2 * Double.pi
            kk += 0.25 * kc
            // 1/Δ² + (1 − v₁v₂)/((v₁+1)(v₂+1)) + 1 = 1/Δ² + 1/(v₁+1) + 1/(v₂+1).
            var first = 1 / deltaSq + 1 / (v1 + 1) + 1 / (v2 + 1)
            first *= kc / delta / (2 * Double.pi)
            let kdot = first + 0.25 + angles / (2 * Double.pi)
            return (kk, kdot)
        case .identity:
            return (k, 1)
        case .numeric(.sin):
            // E[sin u sin v] = e^{−m} sinh k, E[cos u cos v] = e^{−m} cosh k, m = (v₁+v₂)/2 ≥ |k|,
            // written as differences of exponents so nothing overflows.
            let (sn, cs) = Activation.trigDual(k, v1, v2)
            return (sn, cs)
        case .numeric(.cos):
            let (sn, cs) = Activation.trigDual(k, v1, v2)
            return (cs, sn)
        case .numeric(let f):
            let r = NumericDual.dual(f, v1: v1, v2: v2, k: k)
            return (r.k, r.kdot)
        }
    }

    /// Closed forms (erf, GELU) are exact up to this pre-activation variance; beyond it
    /// products of variances would overflow, so the dual is NaN and the Gram engine refuses.
    public static let closedFormMaxVariance = 1e150

    /// Largest pre-activation variance this dual is computed for (nil: no limit).
    public var maxReliableVariance: Double? {
        switch self {
        case .erf, .gelu: Activation.closedFormMaxVariance
        case .numeric(.sin), .numeric(.cos): nil
        case .numeric: NumericDual.maxVariance
        case .abRelu, .identity: nil
        }
    }

    /// k/√(v₁v₂) clamped to [−1, 1] (0 when a variance is 0).
    @inlinable static func correlation(_ k: Double, _ v1: Double, _ v2: Double) -> Double {
        // √(v₁v₂) from the product while it is a normal finite number, so a self pair
        // (k = v₁ = v₂) gives c = 1 exactly (√(v·v) = v in IEEE arithmetic); √v₁·√v₂ otherwise.
        let p = max(v1, 0) * max(v2, 0)
        let n = p.isNormal && p.isFinite ? p.squareRoot() : max(v1, 0).squareRoot() * max(v2, 0).squareRoot()
        return n > 0 ? max(-1, min(1, k / n)) : 0
    }

    /// (E[sin u sin v], E[cos u cos v]) for (u, v) ~ N(0, [[v₁, k], [k, v₂]]).
    @inlinable static func trigDual(_ k: Double, _ v1: Double, _ v2: Double) -> (Double, Double) {
        let m = (v1 + v2) / 2
        let a = Foundation.exp(k - m), b = Foundation.exp(-k - m)
        return ((a - b) / 2, (a + b) / 2)
    }
}

/// Pointwise functions whose duals are computed numerically (and closed-form ones, forced
/// through the numerical path so it can be checked against the closed forms).
public enum NumericFunction: String, Sendable, Hashable, CaseIterable {
    case tanh, sin, cos, sigmoid, softplus, swish
    case relu_numeric, erf_numeric, gelu_numeric

    @inlinable public func value(_ x: Double) -> Double {
        switch self {
        case .tanh: Foundation.tanh(x)
        case .sin: Foundation.sin(x)
        case .cos: Foundation.cos(x)
        case .sigmoid: 1 / (1 + Foundation.exp(-x))
        case .softplus: x > 30 ? x : Foundation.log1p(Foundation.exp(x))
        case .swish: x / (1 + Foundation.exp(-x))
        case .relu_numeric: max(0, x)
        case .erf_numeric: Foundation.erf(x)
        case .gelu_numeric: 0.5 * x * Foundation.erfc(-x / 2.0.squareRoot())
        }
    }

    @inlinable public func derivative(_ x: Double) -> Double {
        switch self {
        case .tanh: let t = Foundation.tanh(x); return 1 - t * t
        case .sin: return Foundation.cos(x)
        case .cos: return -Foundation.sin(x)
        case .sigmoid: let s = 1 / (1 + Foundation.exp(-x)); return s * (1 - s)
        case .softplus: return 1 / (1 + Foundation.exp(-x))
        case .swish: let s = 1 / (1 + Foundation.exp(-x)); return s + x * s * (1 - s)
        case .relu_numeric: return x > 0 ? 1 : 0
        case .erf_numeric: return 2 / Double.pi.squareRoot() * Foundation.exp(-x * x)
        case .gelu_numeric:
            return 0.5 * Foundation.erfc(-x / 2.0.squareRoot()) + x * Foundation.exp(-x * x / 2) / (2 * Double.pi).squareRoot()
        }
    }
}
