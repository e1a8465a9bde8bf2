import Foundation

/// Applies a nonlinearity's dual to a whole (t, t′) block in place:
/// K(t,t′) ← E[φφ], Θ(t,t′) ← E[φ′φ′]·Θ(t,t′), with variances v₁(t) and v₂(t′).
enum BlockActivation {
    /// `selfPair`: the block is K(x, x) at s = identity, so its diagonal correlations are
    /// exactly 1 — set them so, since arccos near 1 turns a rounding error of 1e-16 in the
    /// correlation into 1e-8 in the angle.
    static func apply(_ act: Activation, k: UnsafeMutablePointer<Double>, theta: UnsafeMutablePointer<Double>?,
                      rows: Int, cols: Int, v1: [Double], v2: [Double], selfPair: Bool = false) {
        switch act {
        case .abRelu(let a, let b):
            abRelu(a: a, b: b, k: k, theta: theta, rows: rows, cols: cols, v1: v1, v2: v2, selfPair: selfPair)
        case .identity:
            return
        default:
            for i in 0..<rows {
                let vi = v1[i]
                let krow = k + i * cols
                for j in 0..<cols {
                    let kv = selfPair && i == j ? vi : krow[j]
                    let r = act.dual(k: kv, v1: vi, v2: v2[j])
                    krow[j] = r.k
                    if let th = theta { th[i * cols + j] *= r.kdot }
                }
            }
        }
    }

    /// ReLU-family closed form, written as one loop over rows with the 1/√v factors hoisted.
    static func abRelu(a: Double, b: Double, k: UnsafeMutablePointer<Double>, theta: UnsafeMutablePointer<Double>?,
                       rows: Int, cols: Int, v1: [Double], v2: [Double], selfPair: Bool) {
        let sumSq = (a * a + b * b) / 2
        let diff2 = (a - b) * (a - b)
        let inv2pi = 1 / (2 * Double.pi)
        let s2 = v2.map { $0 > 0 ? $0.squareRoot() : 0 }
        let is2 = s2.map { $0 > 0 ? 1 / $0 : 0 }
        for i in 0..<rows {
            let s1 = v1[i] > 0 ? v1[i].squareRoot() : 0
            let is1 = s1 > 0 ? 1 / s1 : 0
            let krow = k + i * cols
            let trow = theta.map { $0 + i * cols }
            for j in 0..<cols {
                let kv = krow[j]
                if is1 == 0 || is2[j] == 0 {
                    krow[j] = sumSq * kv
                    if let t = trow { t[j] *= sumSq }
                    continue
                }
                let c = selfPair && i == j ? 1 : max(-1, min(1, kv * is1 * is2[j]))
                let theta = Foundation.acos(c)
                let dot = sumSq - diff2 * theta / (2 * Double.pi)
                let sinv = max(0, (1 - c) * (1 + c)).squareRoot()
                krow[j] = diff2 * sinv * s1 * s2[j] * inv2pi + dot * kv
                if let t = trow { t[j] *= dot }
            }
        }
    }
}
