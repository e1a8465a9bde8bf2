import Foundation

/// A pointwise nonlinearity and its infinite-width dual.
///
/// For a pair of pre-activations (u, v) ~ N(0, [[v₁, k], [k, v₂]]) the dual gives
/// K' = E[φ(u)φ(v)] and K̇ = E[φ'(u)φ'(v)]; the NTK maps as Θ' = K̇·Θ (neural-tangents).
/// Closed forms for ReLU-like, erf, GELU and identity; any other function goes through
/// `NumericDual` (2-D Gauss–Hermite quadrature).
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

    public var typeName: String {
        switch self {
        case .abRelu(0, 1): "relu"
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
            return 2 / Double.pi * Foundation.asin(2 * v / (1 + 2 * v))
        case .gelu:
            let sq = (1 + 2 * v).squareRoot()
            var r = v / ((v + 1) * sq) + Foundation.atan2(v, sq) / 2
            r /= Double.pi
            r += 0.25
            return r * v
        case .identity:
            return v
        case .numeric(let f):
            return NumericDual.shared.expectation(f, v1: v, v2: v, k: v).k
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
            let p1 = 1 + 2 * v1, p2 = 1 + 2 * v2
            let prod = p1 * p2
            let x = max(-1, min(1, 2 * k / prod.squareRoot()))
            let kk = 2 / Double.pi * Foundation.asin(x)
            let kdot = 4 / Double.pi / max(prod - 4 * k * k, .leastNormalMagnitude).squareRoot()
            return (kk, kdot)
        case .gelu:
            let prod = v1 * v2
            let prodPlus1 = (v1 + 1) * (v2 + 1)
            let deltaSq = prodPlus1 - k * k
            let delta = max(deltaSq, 0).squareRoot()
            let angles = Foundation.atan2(k, delta)
            var kk = (k * k + prod * deltaSq) / (prodPlus1 * delta) + k * angles
            kk /= 2 * Double.pi
            kk += 0.25 * k
            var first = 1 / deltaSq + (1 - prod) / prodPlus1 + 1
            first *= k / delta / (2 * Double.pi)
            let kdot = first + 0.25 + angles / (2 * Double.pi)
            return (kk, kdot)
        case .identity:
            return (k, 1)
        case .numeric(let f):
            let r = NumericDual.shared.expectation(f, v1: v1, v2: v2, k: k)
            return (r.k, r.kdot)
        }
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
