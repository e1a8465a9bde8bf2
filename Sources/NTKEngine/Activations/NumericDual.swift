import Foundation

/// Gauss–Hermite evaluation of E[φ(u)φ(v)] and E[φ'(u)φ'(v)] for a centred Gaussian pair.
///
/// (u, v) = (√v₁ z₁, √v₂ (ρ z₁ + √(1−ρ²) z₂)) with independent standard normals z₁, z₂ and a
/// tensor-product rule of `order` nodes per axis. Exact for polynomials of degree < 2·order
/// in each variable. It is only accurate while φ(√v·z) is smooth on the scale of the node
/// spacing, i.e. for small pre-activation variance v: measured against 1-D high-precision
/// quadrature, order 64 keeps tanh within 1e-6 up to v ≈ 1 but is off by 10 % at v = 10 and
/// by ~100 % (K̇) at v = 100. `dual(_:v1:v2:k:)` therefore switches to `compositeExpectation`
/// (graded Gauss–Legendre panels, accurate at any variance up to `maxVariance`) above
/// `ghMaxVariance(f)`. Kinks (ReLU) converge slowly — use the closed forms there.
public struct NumericDual: Sendable {
    public let nodes: [Double]
    public let weights: [Double]

    public static let shared = NumericDual(order: 64)

    /// Largest pre-activation variance the dual is computed for; beyond it the dual is NaN
    /// and the Gram engine reports the layer (graded panels keep the error below ~1e-9 far
    /// beyond this, but pre-activation variances of 10¹² only arise from misconfigured
    /// W_std/b_std or unscaled inputs).
    public static let maxVariance = 1e12

    /// Largest variance at which 64-node Gauss–Hermite is within ~1e-7 (relative, K and K̇),
    /// measured for tanh, sigmoid, softplus and swish against 2-D Simpson references at
    /// v = 0.5 … 1000 (erf_numeric and gelu_numeric, checks of closed forms, take the bound of
    /// their look-alikes tanh and softplus). NumericsHardeningTests checks the resulting dual
    /// against independent references at v = 0.3 … 10⁴.
    @inlinable public static func ghMaxVariance(_ f: NumericFunction) -> Double {
        switch f {
        case .tanh, .erf_numeric: 0.5
        case .sigmoid, .swish: 2
        case .softplus, .gelu_numeric: 4
        case .relu_numeric: .infinity // documented as a slowly converging check of the closed form
        case .sin, .cos: .infinity    // closed forms (`Activation.dual`) are used instead
        }
    }

    /// (E[φ(u)φ(v)], E[φ'(u)φ'(v)]) with the rule that is accurate at these variances:
    /// Gauss–Hermite for small ones, graded composite Gauss–Legendre above, NaN beyond
    /// `maxVariance` (refused; the Gram engine names the layer).
    @inlinable public static func dual(_ f: NumericFunction, v1: Double, v2: Double, k: Double) -> (k: Double, kdot: Double) {
        let vmax = max(v1, v2)
        if vmax <= ghMaxVariance(f) { return shared.expectation(f, v1: v1, v2: v2, k: k) }
        guard vmax <= maxVariance, vmax.isFinite else { return (.nan, .nan) }
        return compositeExpectation(f, v1: v1, v2: v2, k: k)
    }

    /// 8-point Gauss–Legendre nodes/weights on [−1, 1].
    @usableFromInline static let legendre8: (x: [Double], w: [Double]) = {
        let n = 8
        var x = [Double](repeating: 0, count: n), w = [Double](repeating: 0, count: n)
        for i in 0..<n {
            var z = Foundation.cos(Double.pi * (Double(i) + 0.75) / (Double(n) + 0.5))
            var pp = 0.0
            for _ in 0..<100 {
                var p1 = 1.0, p2 = 0.0
                for j in 0..<n {
                    let p3 = p2
                    p2 = p1
                    p1 = ((2 * Double(j) + 1) * z * p2 - Double(j) * p3) / Double(j + 1)
                }
                pp = Double(n) * (z * p1 - p2) / (z * z - 1)
                let z1 = z
                z = z1 - p1 / pp
                if abs(z - z1) < 1e-16 { break }
            }
            x[i] = z
            w[i] = 2 / ((1 - z * z) * pp * pp)
        }
        return (x, w)
    }()

    /// Composite Gauss–Legendre nodes t and weights (no density) on [lo, hi] ∋ 0 with panels
    /// graded geometrically about 0: [−h, h], then widths doubling outwards, none wider than 2.
    /// φ(√v·z) is analytic except for poles ≥ π/(2√v) off its transition (tanh, sigmoid,
    /// softplus, swish): with h = 1/(2√v) the central panel sees them ≥ 3 half-widths away and
    /// a panel [d, 2d] sees the transition 3 half-widths from its centre, so every panel has
    /// Bernstein ratio ≥ 3 + √8 and 8 nodes give ~(3+√8)^(−16) ≈ 1e-12 relative.
    @usableFromInline static func gradedRule(lo: Double, hi: Double, h0: Double) -> (x: [Double], w: [Double]) {
        let h = min(max(h0, 1e-12), 1)
        var cuts: [Double] = [0]
        var d = h
        while -d > lo { cuts.insert(-d, at: 0); d *= 2 }
        cuts.insert(lo, at: 0)
        d = h
        while d < hi { cuts.append(d); d *= 2 }
        cuts.append(hi)
        var fine: [Double] = [cuts[0]]
        for b in cuts.dropFirst() {
            let a = fine[fine.count - 1]
            let m = max(1, Int(((b - a) / 2).rounded(.up)))
            for q in 1...m { fine.append(a + (b - a) * Double(q) / Double(m)) }
        }
        let (gx, gw) = legendre8
        var x: [Double] = [], w: [Double] = []
        x.reserveCapacity(fine.count * 8); w.reserveCapacity(fine.count * 8)
        for q in 1..<fine.count {
            let a = fine[q - 1], b = fine[q]
            guard b > a else { continue }
            let mid = (a + b) / 2, half = (b - a) / 2
            for t in 0..<8 { x.append(mid + half * gx[t]); w.append(half * gw[t]) }
        }
        return (x, w)
    }

    /// The dual by graded composite Gauss–Legendre over z ∈ [−9, 9]² (Gaussian tail beyond:
    /// < 1e-18): outer over z₁ graded about 0 at scale 1/(2·√v₁); inner over z₂ graded about
    /// the point where v changes sign, z₂ = −ρz₁/√(1−ρ²), at scale 1/(2·√v₂·√(1−ρ²)).
    /// The variances are ordered first, so the result is exactly symmetric in its inputs.
    public static func compositeExpectation(_ f: NumericFunction, v1: Double, v2: Double, k: Double) -> (k: Double, kdot: Double) {
        if v2 > v1 { return compositeExpectation(f, v1: v2, v2: v1, k: k) }
        let s1 = max(v1, 0).squareRoot(), s2 = max(v2, 0).squareRoot()
        let rho = (s1 > 0 && s2 > 0) ? max(-1, min(1, k / (s1 * s2))) : 0
        let rc = max(0, (1 - rho) * (1 + rho)).squareRoot()
        let norm = 1 / (2 * Double.pi).squareRoot()
        let outer = gradedRule(lo: -9, hi: 9, h0: 0.5 / max(s1, 1e-300))
        let sc = s2 * rc
        // Inner offsets from the centre; the centre lies in [−9, 9] after clamping, so offsets
        // in [−18, 18] cover z₂ ∈ [−9, 9] (nodes beyond carry density < e^(−40)).
        let inner = sc < 1e-9 ? (x: [Double](), w: [Double]()) : gradedRule(lo: -18, hi: 18, h0: 0.5 / sc)
        var kk = 0.0, kd = 0.0
        for i in outer.x.indices {
            let z1 = outer.x[i]
            let wi = outer.w[i] * norm * Foundation.exp(-z1 * z1 / 2)
            let u = s1 * z1
            let fu = f.value(u), du = f.derivative(u)
            var ak = 0.0, ad = 0.0
            if sc < 1e-9 {
                let v = s2 * rho * z1
                ak = f.value(v); ad = f.derivative(v)
            } else {
                let c = max(-9, min(9, -rho * z1 / rc))
                let base = s2 * rho * z1
                for j in inner.x.indices {
                    let z2 = c + inner.x[j]
                    guard z2 >= -9.5, z2 <= 9.5 else { continue }
                    let wj = inner.w[j] * norm * Foundation.exp(-z2 * z2 / 2)
                    let v = base + sc * z2
                    ak += wj * f.value(v)
                    ad += wj * f.derivative(v)
                }
            }
            kk += wi * fu * ak
            kd += wi * du * ad
        }
        return (kk, kd)
    }

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
