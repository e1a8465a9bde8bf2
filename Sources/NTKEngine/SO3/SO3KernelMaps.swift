import COpenBLAS
import Foundation

/// Row-major real matrix product C = alpha·op(A)·op(B) + beta·C through OpenBLAS.
@inline(__always)
func so3Gemm(_ transA: Bool, _ transB: Bool, _ m: Int, _ n: Int, _ k: Int, _ alpha: Double,
             _ a: UnsafePointer<Double>, _ lda: Int, _ b: UnsafePointer<Double>, _ ldb: Int,
             _ beta: Double, _ c: UnsafeMutablePointer<Double>, _ ldc: Int) {
    cblas_dgemm(CblasRowMajor, transA ? CblasTrans : CblasNoTrans, transB ? CblasTrans : CblasNoTrans,
                Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
}

/// The `s2_lift` kernel map A(K⁰)(R,R′) = (1/4π) Σ_{l<L} Σ K̂_l[m,m′] conj(D^l_{mn}(R)) D^l_{m′n}(R′).
///
/// Because K⁰ = (1/C) Σ_c f_c f′_c is a sum of products, K̂_l[m,m′] = (1/C) Σ_c a_c[lm] conj(a′_c[lm′])
/// factorises through the harmonic coefficients a_c of each input. So each input is turned once
/// into real "lift features" Φ(R, ·) = (Re, Im) of g_c[l,n](R) = Σ_m a_c[lm] conj(D^l_{mn}(R)), and the
/// map for a pair is one matrix product A = Φ·Φ′ᵀ/(4πC) — block-diagonal in l by construction.
struct LiftKernelMap: Sendable {
    let harmonics: SphericalHarmonicTable
    let wigner: WignerTable
    let channels: Int
    /// Degrees kept: min(bandwidth_in, bandwidth_out) (the input grid resolves nothing above L_in).
    let degrees: Int
    var outputCount: Int { wigner.grid.count }
    /// Columns of one input's feature matrix.
    var featureCount: Int { 2 * channels * degrees * degrees }

    init(bandwidthIn: Int, bandwidthOut: Int, channels: Int) {
        degrees = min(bandwidthIn, bandwidthOut)
        harmonics = SphericalHarmonicTable(grid: S2Grid(bandwidth: bandwidthIn), degrees: degrees)
        wigner = WignerTable(grid: SO3Grid(bandwidth: bandwidthOut), degrees: degrees)
        self.channels = channels
    }

    /// The lift features of one input given in [j][k][c] order (N_out × featureCount, row-major).
    func features(_ x: ArraySlice<Double>) -> [Double] {
        let p = harmonics.grid.count, n = outputCount, fc = featureCount, c = channels
        var out = [Double](repeating: 0, count: n * fc)
        let base = x.startIndex
        for ch in 0..<c {
            var f = [Double](repeating: 0, count: p)
            for i in 0..<p { f[i] = x[base + i * c + ch] }
            let (ar, ai) = harmonics.forward(f)
            for l in 0..<degrees {
                for nn in -l...l {
                    let col = 2 * (ch * degrees * degrees + l * l + nn + l)
                    for m in -l...l {
                        let a = ar[SphericalHarmonicTable.row(l: l, m: m)], b = ai[SphericalHarmonicTable.row(l: l, m: m)]
                        let r = WignerTable.row(l: l, m: m, n: nn) * n
                        // a·conj(D) = (a_r + i a_i)(D_r − i D_i)
                        for q in 0..<n {
                            let dr = wigner.re[r + q], di = wigner.im[r + q]
                            out[q * fc + col] += a * dr + b * di
                            out[q * fc + col + 1] += b * dr - a * di
                        }
                    }
                }
            }
        }
        return out
    }

    /// A(K⁰) for a pair, from the two inputs' features (N_out × N_out, row-major).
    func apply(_ phi1: [Double], _ phi2: [Double]) -> [Double] {
        let n = outputCount, fc = featureCount
        var a = [Double](repeating: 0, count: n * n)
        phi1.withUnsafeBufferPointer { p1 in
            phi2.withUnsafeBufferPointer { p2 in
                a.withUnsafeMutableBufferPointer { pa in
                    guard let b1 = p1.baseAddress, let b2 = p2.baseAddress, let ba = pa.baseAddress else { return }
                    so3Gemm(false, true, n, n, fc, 1 / (4 * Double.pi * Double(channels)), b1, fc, b2, fc, 0, ba, n)
                }
            }
        }
        return a
    }
}

/// The `so3_conv` kernel map
/// A(K)(R,R′) = (1/8π²) Σ_{l<L} ((2l+1)/8π²) Σ K̃_l[m,m′] conj(D^l_{ma}(R)) D^l_{m′a}(R′) with
/// K̃_l[m,m′] = Σ_n Σ_{Q,Q′} ω_Q ω_{Q′} K(Q,Q′) D^l_{mn}(Q) conj(D^l_{m′n}(Q′)).
///
/// Evaluated as: one product F = (ωD)·K (all l, m, n at once), then per l the small
/// (2l+1)×(2l+1) matrices K̃_l (only the l-diagonal blocks are ever formed), then the synthesis
/// H = K̃·D(R′) and A = Re(D(R)ᴴ H). Cost O(M·N_in² + M·N_out²) with M = Σ(2l+1)².
struct ConvKernelMap: Sendable {
    let input: WignerTable
    let output: WignerTable
    /// ω_Q·D (real and imaginary), rows as in `WignerTable`.
    let weightedRe: [Double]
    let weightedIm: [Double]
    let degrees: Int
    var inputCount: Int { input.grid.count }
    var outputCount: Int { output.grid.count }

    init(bandwidthIn: Int, bandwidthOut: Int) {
        degrees = min(bandwidthIn, bandwidthOut)
        input = WignerTable(grid: SO3Grid(bandwidth: bandwidthIn), degrees: degrees)
        output = WignerTable(grid: SO3Grid(bandwidth: bandwidthOut), degrees: degrees)
        let w = input.grid.pointWeights, p = input.grid.count
        var wr = input.re, wi = input.im
        for r in 0..<input.rows { for x in 0..<p { wr[r * p + x] *= w[x]; wi[r * p + x] *= w[x] } }
        weightedRe = wr; weightedIm = wi
    }

    /// A(K) for a kernel K over the input grid (N_in × N_in row-major) → N_out × N_out.
    func apply(_ k: [Double]) -> [Double] {
        let nIn = inputCount, nOut = outputCount, m = input.rows
        var fr = [Double](repeating: 0, count: m * nIn), fi = fr
        var hr = [Double](repeating: 0, count: m * nOut), hi = hr
        var out = [Double](repeating: 0, count: nOut * nOut)
        let eightPi2 = 8 * Double.pi * Double.pi
        weightedRe.withUnsafeBufferPointer { wr in weightedIm.withUnsafeBufferPointer { wi in
        k.withUnsafeBufferPointer { kb in
        fr.withUnsafeMutableBufferPointer { frb in fi.withUnsafeMutableBufferPointer { fib in
        hr.withUnsafeMutableBufferPointer { hrb in hi.withUnsafeMutableBufferPointer { hib in
        output.re.withUnsafeBufferPointer { dr in output.im.withUnsafeBufferPointer { di in
        out.withUnsafeMutableBufferPointer { ob in
            guard let wr = wr.baseAddress, let wi = wi.baseAddress, let kp = kb.baseAddress,
                  let fr = frb.baseAddress, let fi = fib.baseAddress, let hr = hrb.baseAddress,
                  let hi = hib.baseAddress, let dr = dr.baseAddress, let di = di.baseAddress,
                  let op = ob.baseAddress else { return }
            // F = (ωD)·K
            so3Gemm(false, false, m, nIn, nIn, 1, wr, nIn, kp, nIn, 0, fr, nIn)
            so3Gemm(false, false, m, nIn, nIn, 1, wi, nIn, kp, nIn, 0, fi, nIn)
            var ktr = [Double](repeating: 0, count: (2 * degrees + 1) * (2 * degrees + 1)), kti = ktr
            for l in 0..<degrees {
                let d = 2 * l + 1, off = WignerTable.offset(l)
                ktr.withUnsafeMutableBufferPointer { trb in kti.withUnsafeMutableBufferPointer { tib in
                    guard let tr = trb.baseAddress, let ti = tib.baseAddress else { return }
                    // K̃_l = Σ_n F_{ln} (ωD)_{ln}ᴴ
                    for n in 0..<d {
                        let r = (off + n * d) * nIn
                        let beta: Double = n == 0 ? 0 : 1
                        so3Gemm(false, true, d, d, nIn, 1, fr + r, nIn, wr + r, nIn, beta, tr, d)
                        so3Gemm(false, true, d, d, nIn, 1, fi + r, nIn, wi + r, nIn, 1, tr, d)
                        so3Gemm(false, true, d, d, nIn, 1, fi + r, nIn, wr + r, nIn, beta, ti, d)
                        so3Gemm(false, true, d, d, nIn, -1, fr + r, nIn, wi + r, nIn, 1, ti, d)
                    }
                    // H_{la} = c_l K̃_l · D_{la}(R′)
                    let c = Double(d) / (eightPi2 * eightPi2)
                    for a in 0..<d {
                        let r = (off + a * d) * nOut
                        so3Gemm(false, false, d, nOut, d, c, tr, d, dr + r, nOut, 0, hr + r, nOut)
                        so3Gemm(false, false, d, nOut, d, -c, ti, d, di + r, nOut, 1, hr + r, nOut)
                        so3Gemm(false, false, d, nOut, d, c, tr, d, di + r, nOut, 0, hi + r, nOut)
                        so3Gemm(false, false, d, nOut, d, c, ti, d, dr + r, nOut, 1, hi + r, nOut)
                    }
                } }
            }
            // A = Re(Dᴴ H) = D_reᵀ H_re + D_imᵀ H_im
            let mOut = output.rows
            so3Gemm(true, false, nOut, nOut, mOut, 1, dr, nOut, hr, nOut, 0, op, nOut)
            so3Gemm(true, false, nOut, nOut, mOut, 1, di, nOut, hi, nOut, 1, op, nOut)
        } } } } } } } } } }
        return out
    }
}

/// The `so3_pool` map K ↦ (1/8π²)² Σ_{R,R′} ω_R ω_{R′} K(R,R′).
struct PoolMap: Sendable {
    /// ω_R / 8π² in flat grid order.
    let weights: [Double]
    init(bandwidth: Int) {
        let c = 1 / (8 * Double.pi * Double.pi)
        weights = SO3Grid(bandwidth: bandwidth).pointWeights.map { $0 * c }
    }
    func apply(_ k: [Double]) -> Double {
        let n = weights.count
        var s = 0.0
        for i in 0..<n {
            var r = 0.0
            for j in 0..<n { r += k[i * n + j] * weights[j] }
            s += weights[i] * r
        }
        return s
    }
}
