import Foundation

/// Y_lm sampled on a DH sphere grid, for all l < `degrees`: the analysis/synthesis matrix of the
/// spherical-harmonic transform, stored as separate real and imaginary row-major arrays so the
/// kernel maps can use real BLAS.
///
/// Row index of (l, m) is l² + (m + l); column index is the flat grid index [j][k].
public struct SphericalHarmonicTable: Sendable {
    public let grid: S2Grid
    public let degrees: Int
    /// Number of rows, Σ_{l<degrees} (2l+1) = degrees².
    public var rows: Int { degrees * degrees }
    public let re: [Double]
    public let im: [Double]

    public init(grid: S2Grid, degrees: Int) {
        self.grid = grid; self.degrees = degrees
        let p = grid.count, rows = degrees * degrees
        var re = [Double](repeating: 0, count: rows * p), im = re
        for j in 0..<grid.thetaCount {
            let d = WignerD.smallD(bandwidth: degrees, beta: grid.theta[j])
            for l in 0..<degrees {
                let nrm = (Double(2 * l + 1) / (4 * Double.pi)).squareRoot()
                for m in -l...l {
                    let v = nrm * d[l][(m + l) * (2 * l + 1) + l]
                    let row = l * l + m + l
                    for k in 0..<grid.phiCount {
                        let x = grid.index(j: j, k: k)
                        re[row * p + x] = v * Foundation.cos(Double(m) * grid.phi[k])
                        im[row * p + x] = v * Foundation.sin(Double(m) * grid.phi[k])
                    }
                }
            }
        }
        self.re = re; self.im = im
    }

    @inlinable public static func row(l: Int, m: Int) -> Int { l * l + m + l }

    /// Forward transform a_lm = Σ_x w_x f(x) conj(Y_lm(x)) of a real signal in flat [j][k] order;
    /// exact (to round-off) when f has degree < L.
    public func forward(_ f: [Double]) -> (re: [Double], im: [Double]) {
        let p = grid.count
        precondition(f.count == p, "signal has \(f.count) samples, the grid has \(p)")
        let w = grid.pointWeights
        var ar = [Double](repeating: 0, count: rows), ai = ar
        for r in 0..<rows {
            var sr = 0.0, si = 0.0
            for x in 0..<p { let v = w[x] * f[x]; sr += v * re[r * p + x]; si -= v * im[r * p + x] }
            ar[r] = sr; ai[r] = si
        }
        return (ar, ai)
    }

    /// Inverse transform f(x) = Σ_lm a_lm Y_lm(x) (complex result; real for real-signal coefficients).
    public func inverse(re ar: [Double], im ai: [Double]) -> (re: [Double], im: [Double]) {
        let p = grid.count
        var fr = [Double](repeating: 0, count: p), fi = fr
        for r in 0..<rows {
            for x in 0..<p {
                fr[x] += ar[r] * re[r * p + x] - ai[r] * im[r * p + x]
                fi[x] += ar[r] * im[r * p + x] + ai[r] * re[r * p + x]
            }
        }
        return (fr, fi)
    }
}

/// Wigner-D functions D^l_{mn} sampled on an SO(3) grid for all l < `degrees`: the matrix of
/// the SO(3) Fourier transform, split into real and imaginary row-major arrays.
///
/// Rows are ordered (l, n, m) — for fixed (l, n) the 2l+1 values of m are contiguous — because
/// the so3_conv kernel map sums over n of (m × m′) blocks. Row of (l, m, n) is
/// `offset(l) + (n+l)(2l+1) + (m+l)`; columns are flat grid indices [γ, β, α].
public struct WignerTable: Sendable {
    public let grid: SO3Grid
    public let degrees: Int
    public let rows: Int
    public let re: [Double]
    public let im: [Double]

    /// Σ_{l′<l} (2l′+1)².
    @inlinable public static func offset(_ l: Int) -> Int { l * (2 * l - 1) * (2 * l + 1) / 3 }
    @inlinable public static func row(l: Int, m: Int, n: Int) -> Int { offset(l) + (n + l) * (2 * l + 1) + (m + l) }

    public init(grid: SO3Grid, degrees: Int) {
        self.grid = grid; self.degrees = degrees
        let rows = Self.offset(degrees), p = grid.count
        self.rows = rows
        var re = [Double](repeating: 0, count: rows * p), im = re
        for j in 0..<grid.betaCount {
            let d = WignerD.smallD(bandwidth: degrees, beta: grid.beta[j])
            for l in 0..<degrees {
                for n in -l...l {
                    for m in -l...l {
                        let dv = d[l][(m + l) * (2 * l + 1) + (n + l)]
                        let r = Self.row(l: l, m: m, n: n)
                        for g in 0..<grid.gammaCount {
                            for k in 0..<grid.alphaCount {
                                let ph = -(Double(m) * grid.alpha[k] + Double(n) * grid.gamma[g])
                                let x = grid.index(g: g, j: j, k: k)
                                re[r * p + x] = dv * Foundation.cos(ph)
                                im[r * p + x] = dv * Foundation.sin(ph)
                            }
                        }
                    }
                }
            }
        }
        self.re = re; self.im = im
    }

    /// Forward SO(3) transform F^l_{mn} = ((2l+1)/8π²) Σ_Q ω_Q f(Q) conj(D^l_{mn}(Q)) of a real map,
    /// normalised so that `inverse` reconstructs f; exact for maps of degree < L.
    public func forward(_ f: [Double]) -> (re: [Double], im: [Double]) {
        let p = grid.count
        precondition(f.count == p, "map has \(f.count) samples, the grid has \(p)")
        let w = grid.pointWeights
        var fr = [Double](repeating: 0, count: rows), fi = fr
        for l in 0..<degrees {
            let c = Double(2 * l + 1) / (8 * Double.pi * Double.pi)
            for r in Self.offset(l)..<Self.offset(l + 1) {
                var sr = 0.0, si = 0.0
                for x in 0..<p { let v = w[x] * f[x]; sr += v * re[r * p + x]; si -= v * im[r * p + x] }
                fr[r] = c * sr; fi[r] = c * si
            }
        }
        return (fr, fi)
    }

    /// Inverse transform f(Q) = Σ_{l,m,n} F^l_{mn} D^l_{mn}(Q) (complex result).
    public func inverse(re cr: [Double], im ci: [Double]) -> (re: [Double], im: [Double]) {
        let p = grid.count
        var fr = [Double](repeating: 0, count: p), fi = fr
        for r in 0..<rows {
            for x in 0..<p {
                fr[x] += cr[r] * re[r * p + x] - ci[r] * im[r * p + x]
                fi[x] += cr[r] * im[r * p + x] + ci[r] * re[r * p + x]
            }
        }
        return (fr, fi)
    }
}
