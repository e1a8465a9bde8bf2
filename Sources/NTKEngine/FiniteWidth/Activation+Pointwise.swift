import Foundation

/// The pointwise function φ and its derivative φ′ behind each `Activation`.
///
/// The infinite-width engine only ever needs the duals E[φφ], E[φ′φ′]; a finite network
/// needs φ itself (forward pass) and φ′ (backpropagation), written here once so every
/// finite-width layer uses the same definitions the duals were derived from.
extension Activation {
    /// φ(x).
    @inlinable
    public func value(_ x: Double) -> Double {
        switch self {
        case .abRelu(let a, let b): return x > 0 ? b * x : a * x
        case .erf: return Foundation.erf(x)
        case .gelu: return 0.5 * x * Foundation.erfc(-x / 2.0.squareRoot())
        case .identity: return x
        case .numeric(let f): return f.value(x)
        }
    }

    /// φ′(x) (for ReLU-like functions the one-sided value from the right at 0 is not used:
    /// x = 0 takes the left slope `a`, a measure-zero choice).
    @inlinable
    public func derivative(_ x: Double) -> Double {
        switch self {
        case .abRelu(let a, let b): return x > 0 ? b : a
        case .erf: return 2 / Double.pi.squareRoot() * Foundation.exp(-x * x)
        case .gelu:
            return 0.5 * Foundation.erfc(-x / 2.0.squareRoot()) + x * Foundation.exp(-x * x / 2) / (2 * Double.pi).squareRoot()
        case .identity: return 1
        case .numeric(let f): return f.derivative(x)
        }
    }
}
