import Foundation

/// Wigner small-d matrices d^l_{mn}(β), spherical harmonics Y_lm and Wigner-D functions in the
/// conventions of FORMAT.md (checked there against s2fft 1.3.0):
///
///     Y_lm(θ,φ)        = √((2l+1)/4π) d^l_{m0}(θ) e^{imφ}        (orthonormal, Condon–Shortley)
///     D^l_{mn}(α,β,γ)  = e^{−imα} d^l_{mn}(β) e^{−inγ}
///
/// The production path is a three-term recurrence in l for fixed (m, n) (stable, O(1) per entry),
/// started from the closed form at l = max(|m|, |n|); the explicit factorial sum is kept as an
/// independent check (it loses accuracy by cancellation at large l).
public enum WignerD {
    /// All d^l_{mn}(β) for l < `bandwidth`: `table[l][(m+l)·(2l+1) + (n+l)]`.
    public static func smallD(bandwidth: Int, beta: Double) -> [[Double]] {
        var table = (0..<max(bandwidth, 0)).map { [Double](repeating: 0, count: (2 * $0 + 1) * (2 * $0 + 1)) }
        guard bandwidth > 0 else { return table }
        let c = Foundation.cos(beta / 2), s = Foundation.sin(beta / 2), cb = Foundation.cos(beta)
        let lmax = bandwidth - 1
        for m in -lmax...lmax {
            for n in -lmax...lmax {
                let l0 = max(abs(m), abs(n))
                var prev2 = 0.0
                var prev = start(l: l0, m: m, n: n, c: c, s: s)
                table[l0][(m + l0) * (2 * l0 + 1) + (n + l0)] = prev
                if l0 == lmax { continue }
                for l in (l0 + 1)...lmax {
                    let fl = Double(l), mm = Double(m), nn = Double(n)
                    let a = fl * (2 * fl - 1) / ((fl * fl - mm * mm) * (fl * fl - nn * nn)).squareRoot()
                    let shift = l > 1 ? mm * nn / (fl * (fl - 1)) : 0
                    var b = 0.0
                    if l > 1 {
                        let f1 = fl - 1
                        b = ((f1 * f1 - mm * mm) * (f1 * f1 - nn * nn)).squareRoot() / (f1 * (2 * fl - 1))
                    }
                    let cur = a * ((cb - shift) * prev - b * prev2)
                    table[l][(m + l) * (2 * l + 1) + (n + l)] = cur
                    prev2 = prev; prev = cur
                }
            }
        }
        return table
    }

    /// d^l_{mn} at l = max(|m|, |n|) in closed form (one term of the explicit sum survives).
    static func start(l: Int, m: Int, n: Int, c: Double, s: Double) -> Double {
        if abs(m) >= abs(n) {
            // sqrt(binomial(2l, l+n))
            let binom = (binomial(2 * l, l + n)).squareRoot()
            if m == l {
                let v = binom * pow(c, Double(l + n)) * pow(s, Double(l - n))
                return (l - n) % 2 == 0 ? v : -v
            } else {
                return binom * pow(c, Double(l - n)) * pow(s, Double(l + n))
            }
        }
        // |n| > |m|: d_{mn} = (−1)^{m−n} d_{nm}.
        let v = start(l: l, m: n, n: m, c: c, s: s)
        return (m - n) % 2 == 0 ? v : -v
    }

    static func binomial(_ n: Int, _ k: Int) -> Double {
        guard k >= 0, k <= n else { return 0 }
        var r = 1.0
        let kk = min(k, n - k)
        if kk == 0 { return 1 }
        for i in 1...kk { r = r * Double(n - kk + i) / Double(i) }
        return r
    }

    /// d^l_{mn}(β) by the explicit sum of FORMAT.md (reference for tests; fine for l ≲ 20).
    public static func smallDExplicit(l: Int, m: Int, n: Int, beta: Double) -> Double {
        guard abs(m) <= l, abs(n) <= l else { return 0 }
        func fact(_ k: Int) -> Double { k <= 1 ? 1 : (2...k).reduce(1.0) { $0 * Double($1) } }
        let c = Foundation.cos(beta / 2), s = Foundation.sin(beta / 2)
        let pre = (fact(l + m) * fact(l - m) * fact(l + n) * fact(l - n)).squareRoot()
        var sum = 0.0
        let kmin = max(0, n - m), kmax = min(l + n, l - m)
        if kmin > kmax { return 0 }
        for k in kmin...kmax {
            let sign: Double = (m - n + k) % 2 == 0 ? 1 : -1
            let den = fact(l + n - k) * fact(k) * fact(m - n + k) * fact(l - m - k)
            sum += sign * pre / den * pow(c, Double(2 * l + n - m - 2 * k)) * pow(s, Double(m - n + 2 * k))
        }
        return sum
    }

    /// Y_lm(θ, φ) as (real, imaginary).
    public static func sphericalHarmonic(l: Int, m: Int, theta: Double, phi: Double) -> (re: Double, im: Double) {
        let d = smallD(bandwidth: l + 1, beta: theta)[l][(m + l) * (2 * l + 1) + l]
        let nrm = (Double(2 * l + 1) / (4 * Double.pi)).squareRoot() * d
        return (nrm * Foundation.cos(Double(m) * phi), nrm * Foundation.sin(Double(m) * phi))
    }

    /// D^l_{mn}(α, β, γ) as (real, imaginary).
    public static func D(l: Int, m: Int, n: Int, alpha: Double, beta: Double, gamma: Double) -> (re: Double, im: Double) {
        let d = smallD(bandwidth: l + 1, beta: beta)[l][(m + l) * (2 * l + 1) + (n + l)]
        let ph = -(Double(m) * alpha + Double(n) * gamma)
        return (d * Foundation.cos(ph), d * Foundation.sin(ph))
    }
}
