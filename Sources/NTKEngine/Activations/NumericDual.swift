import Foundation

/// Gauss–Hermite evaluation of E[φ(u)φ(v)] and E[φ'(u)φ'(v)] for a centred Gaussian pair.
///
/// (u, v) = (√v₁ z₁, √v₂ (ρ z₁ + √(1−ρ²) z₂)) with independent standard normals z₁, z₂ and a
/// tensor-product rule of `order` nodes per axis. Exact for polynomials of degree < 2·order
/// in each variable; smooth functions (tanh, sin, erf, GELU) converge to ~1e-12 at order 64.
/// Kinks (ReLU) converge slowly — use the closed forms there.
public struct NumericDual: Sendable {
    public let nodes: [Double]
    public let weights: [Double]

    public static let shared = NumericDual(order: 64)

    /// Nodes and weights for the probabilists' rule: E f(z) ≈ Σ wᵢ f(xᵢ), z ~ N(0, 1).
    public init(order n: Int) {
        // Physicists' Hermite nodes by Newton iteration (Numerical Recipes `gauher`),
        // then rescaled x → √2·x, w → w/√π.
        var x = [Double](repeating: 0, count: n)
        var w = [Double](repeating: 0, count: n)
        let m = (n + 1) / 2
        let pim4 = 0.7511255444649425 // π^(-1/4)
        var z = 0.0
        for i in 0..<m {
            if i == 0 { z = (Double(2 * n + 1)).squareRoot() - 1.85575 * pow(Double(2 * n + 1), -0.16667) }
            else if i == 1 { z -= 1.14 * pow(Double(n), 0.426) / z }
            else if i == 2 { z = 1.86 * z - 0.86 * x[0] }
            else if i == 3 { z = 1.91 * z - 0.91 * x[1] }
            else { z = 2 * z - x[i - 2] }
            var pp = 0.0
            for _ in 0..<100 {
                var p1 = pim4, p2 = 0.0
                for j in 0..<n {
                    let p3 = p2
                    p2 = p1
                    p1 = z * (2.0 / Double(j + 1)).squareRoot() * p2 - (Double(j) / Double(j + 1)).squareRoot() * p3
                }
                pp = (2.0 * Double(n)).squareRoot() * p2
                let z1 = z
                z = z1 - p1 / pp
                if abs(z - z1) <= 1e-15 * max(1, abs(z)) { break }
            }
            x[i] = z; x[n - 1 - i] = -z
            w[i] = 2 / (pp * pp); w[n - 1 - i] = w[i]
        }
        nodes = x.map { $0 * 2.0.squareRoot() }
        weights = w.map { $0 / Double.pi.squareRoot() }
    }

    /// (E[φ(u)φ(v)], E[φ'(u)φ'(v)]).
    public func expectation(_ f: NumericFunction, v1: Double, v2: Double, k: Double) -> (k: Double, kdot: Double) {
        let s1 = max(v1, 0).squareRoot(), s2 = max(v2, 0).squareRoot()
        let rho = (s1 > 0 && s2 > 0) ? max(-1, min(1, k / (s1 * s2))) : 0
        let rc = max(0, 1 - rho * rho).squareRoot()
        var kk = 0.0, kd = 0.0
        for i in nodes.indices {
            let u = s1 * nodes[i]
            let fu = f.value(u), du = f.derivative(u)
            var ak = 0.0, ad = 0.0
            for j in nodes.indices {
                let v = s2 * (rho * nodes[i] + rc * nodes[j])
                ak += weights[j] * f.value(v)
                ad += weights[j] * f.derivative(v)
            }
            kk += weights[i] * fu * ak
            kd += weights[i] * du * ad
        }
        return (kk, kd)
    }
}
