import Foundation
import XCTest
@testable import NTKEngine

/// Grids, Wigner-d, Y_lm / D conventions and the exactness of the transforms.
final class SO3HarmonicsTests: XCTestCase {
    func testGridWeightsSum() {
        for L in 1...8 {
            let s = S2Grid(bandwidth: L), g = SO3Grid(bandwidth: L)
            XCTAssertEqual(s.pointWeights.reduce(0, +), 4 * Double.pi, accuracy: 1e-12, "L=\(L)")
            XCTAssertEqual(g.pointWeights.reduce(0, +), 8 * Double.pi * Double.pi, accuracy: 1e-11, "L=\(L)")
            XCTAssertEqual(g.count, (2 * L - 1) * 2 * L * (2 * L - 1))
            XCTAssertEqual(s.theta.first ?? 0, Double.pi / Double(4 * L), accuracy: 1e-15)
        }
        let g = SO3Grid(bandwidth: 3)
        for i in [0, 7, 41, g.count - 1] {
            let c = g.components(i)
            XCTAssertEqual(g.index(g: c.g, j: c.j, k: c.k), i)
        }
    }

    /// The recurrence agrees with the explicit factorial sum of FORMAT.md.
    func testSmallDRecurrenceMatchesExplicitSum() {
        let lmax = 14
        for beta in [0.0, 0.3, 1.1, Double.pi / 2, 2.5, 3.0, Double.pi] {
            let t = WignerD.smallD(bandwidth: lmax + 1, beta: beta)
            var worst = 0.0
            for l in 0...lmax { for m in -l...l { for n in -l...l {
                let e = WignerD.smallDExplicit(l: l, m: m, n: n, beta: beta)
                worst = max(worst, abs(t[l][(m + l) * (2 * l + 1) + n + l] - e))
            } } }
            XCTAssertLessThan(worst, 1e-12, "β=\(beta)")
        }
    }

    func testSmallDIsOrthogonalAndKnownValues() {
        let beta = 0.77
        let t = WignerD.smallD(bandwidth: 30, beta: beta)
        for l in [0, 1, 5, 29] {
            let d = 2 * l + 1
            var worst = 0.0
            for a in 0..<d { for b in 0..<d {
                var s = 0.0
                for c in 0..<d { s += t[l][a * d + c] * t[l][b * d + c] }
                worst = max(worst, abs(s - (a == b ? 1 : 0)))
            } }
            XCTAssertLessThan(worst, 1e-13, "l=\(l)")
        }
        // d^1_{10} = −sin β/√2, d^1_{11} = (1+cos β)/2.
        XCTAssertEqual(t[1][2 * 3 + 1], -sin(beta) / 2.0.squareRoot(), accuracy: 1e-15)
        XCTAssertEqual(t[1][2 * 3 + 2], (1 + cos(beta)) / 2, accuracy: 1e-15)
        // Condon–Shortley: Y_11 = −√(3/8π) sin θ e^{iφ}.
        let y = WignerD.sphericalHarmonic(l: 1, m: 1, theta: 0.4, phi: 1.3)
        let c = -(3 / (8 * Double.pi)).squareRoot() * sin(0.4)
        XCTAssertEqual(y.re, c * cos(1.3), accuracy: 1e-15)
        XCTAssertEqual(y.im, c * sin(1.3), accuracy: 1e-15)
    }

    /// D(R₁R₂) = D(R₁)D(R₂) for R = R_z(α)R_y(β)R_z(γ): fixes the sign conventions.
    func testWignerDIsAHomomorphism() {
        typealias M3 = [[Double]]
        func rz(_ a: Double) -> M3 { [[cos(a), -sin(a), 0], [sin(a), cos(a), 0], [0, 0, 1]] }
        func ry(_ b: Double) -> M3 { [[cos(b), 0, sin(b)], [0, 1, 0], [-sin(b), 0, cos(b)]] }
        func mul(_ a: M3, _ b: M3) -> M3 {
            (0..<3).map { i in (0..<3).map { j in (0..<3).reduce(0) { $0 + a[i][$1] * b[$1][j] } } }
        }
        func euler(_ r: M3) -> (Double, Double, Double) {
            (atan2(r[1][2], r[0][2]), acos(max(-1, min(1, r[2][2]))), atan2(r[2][1], -r[2][0]))
        }
        let e1 = (0.3, 1.2, -0.7), e2 = (2.1, 0.5, 1.9)
        let r = mul(mul(mul(rz(e1.0), ry(e1.1)), rz(e1.2)), mul(mul(rz(e2.0), ry(e2.1)), rz(e2.2)))
        let e = euler(r)
        for l in 0...4 {
            for m in -l...l { for n in -l...l {
                var sr = 0.0, si = 0.0
                for k in -l...l {
                    let a = WignerD.D(l: l, m: m, n: k, alpha: e1.0, beta: e1.1, gamma: e1.2)
                    let b = WignerD.D(l: l, m: k, n: n, alpha: e2.0, beta: e2.1, gamma: e2.2)
                    sr += a.re * b.re - a.im * b.im; si += a.re * b.im + a.im * b.re
                }
                let d = WignerD.D(l: l, m: m, n: n, alpha: e.0, beta: e.1, gamma: e.2)
                XCTAssertEqual(d.re, sr, accuracy: 1e-12, "l=\(l) m=\(m) n=\(n)")
                XCTAssertEqual(d.im, si, accuracy: 1e-12, "l=\(l) m=\(m) n=\(n)")
            } }
        }
    }

    /// Σ_x w_x Y_lm conj(Y_l′m′) = δ on the DH grid for l, l′ < L.
    func testSphericalHarmonicsOrthonormalOnGrid() {
        let L = 5
        let t = SphericalHarmonicTable(grid: S2Grid(bandwidth: L), degrees: L)
        let w = t.grid.pointWeights, p = t.grid.count
        var worst = 0.0
        for a in 0..<t.rows { for b in 0..<t.rows {
            var sr = 0.0, si = 0.0
            for x in 0..<p {
                sr += w[x] * (t.re[a * p + x] * t.re[b * p + x] + t.im[a * p + x] * t.im[b * p + x])
                si += w[x] * (t.im[a * p + x] * t.re[b * p + x] - t.re[a * p + x] * t.im[b * p + x])
            }
            worst = max(worst, abs(sr - (a == b ? 1 : 0)), abs(si))
        } }
        XCTAssertLessThan(worst, 1e-13)
    }

    /// Band-limited real signal → coefficients → signal is exact; random coefficients survive.
    func testSphericalHarmonicRoundTrip() {
        let L = 6
        let t = SphericalHarmonicTable(grid: S2Grid(bandwidth: L), degrees: L)
        var rng = SO3TestRandom(seed: 7)
        let cr = (0..<t.rows).map { _ in rng.normal() }, ci = (0..<t.rows).map { _ in rng.normal() }
        let f = t.inverse(re: cr, im: ci).re                 // real, band-limited
        let (ar, ai) = t.forward(f)
        let g = t.inverse(re: ar, im: ai)
        for x in f.indices { XCTAssertEqual(g.re[x], f[x], accuracy: 1e-12); XCTAssertEqual(g.im[x], 0, accuracy: 1e-12) }
        // Real part of Σ c Y has coefficients (c_lm + (−1)^m conj(c_{l,−m}))/2.
        for l in 0..<L { for m in -l...l {
            let r = SphericalHarmonicTable.row(l: l, m: m), q = SphericalHarmonicTable.row(l: l, m: -m)
            let s: Double = m % 2 == 0 ? 1 : -1
            XCTAssertEqual(ar[r], (cr[r] + s * cr[q]) / 2, accuracy: 1e-12)
            XCTAssertEqual(ai[r], (ci[r] - s * ci[q]) / 2, accuracy: 1e-12)
        } }
    }

    /// Σ_Q ω_Q D^l_{mn} conj(D^l′_{m′n′}) = 8π²/(2l+1) δ on the SO(3) grid.
    func testWignerDOrthogonalOnGrid() {
        let L = 3
        let t = WignerTable(grid: SO3Grid(bandwidth: L), degrees: L)
        let w = t.grid.pointWeights, p = t.grid.count
        var worst = 0.0
        for l in 0..<L { for a in WignerTable.offset(l)..<WignerTable.offset(l + 1) { for b in 0..<t.rows {
            var sr = 0.0, si = 0.0
            for x in 0..<p {
                sr += w[x] * (t.re[a * p + x] * t.re[b * p + x] + t.im[a * p + x] * t.im[b * p + x])
                si += w[x] * (t.im[a * p + x] * t.re[b * p + x] - t.re[a * p + x] * t.im[b * p + x])
            }
            let expect = a == b ? 8 * Double.pi * Double.pi / Double(2 * l + 1) : 0
            worst = max(worst, abs(sr - expect), abs(si))
        } } }
        XCTAssertLessThan(worst, 1e-12)
    }

    func testWignerRoundTrip() {
        let L = 4
        let t = WignerTable(grid: SO3Grid(bandwidth: L), degrees: L)
        var rng = SO3TestRandom(seed: 11)
        let cr = (0..<t.rows).map { _ in rng.normal() }, ci = (0..<t.rows).map { _ in rng.normal() }
        let f = t.inverse(re: cr, im: ci)
        // The complex map's real and imaginary parts are each band-limited: both round-trip.
        for part in [f.re, f.im] {
            let c = t.forward(part)
            let g = t.inverse(re: c.re, im: c.im)
            for x in part.indices { XCTAssertEqual(g.re[x], part[x], accuracy: 1e-11); XCTAssertEqual(g.im[x], 0, accuracy: 1e-11) }
        }
        // Coefficients of Re f: (c_{mn} + (−1)^{m−n} conj(c_{−m,−n}))/2.
        let c = t.forward(f.re)
        for l in 0..<L { for m in -l...l { for n in -l...l {
            let r = WignerTable.row(l: l, m: m, n: n), q = WignerTable.row(l: l, m: -m, n: -n)
            let s: Double = (m - n) % 2 == 0 ? 1 : -1
            XCTAssertEqual(c.re[r], (cr[r] + s * cr[q]) / 2, accuracy: 1e-11)
            XCTAssertEqual(c.im[r], (ci[r] - s * ci[q]) / 2, accuracy: 1e-11)
        } } }
    }
}

/// A small deterministic generator for test data (no Foundation randomness: reproducible).
struct SO3TestRandom {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    mutating func uniform() -> Double { Double(next() >> 11) / Double(1 << 53) }
    mutating func normal() -> Double {
        let u = max(uniform(), 1e-300), v = uniform()
        return (-2 * log(u)).squareRoot() * cos(2 * Double.pi * v)
    }
}
