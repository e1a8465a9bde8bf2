import Foundation

/// Kernel maps of `s2_lift` / `so3_conv` with *local* filters (`max_beta` < π).
///
/// Definition (entk's; the reference kernels cover only global filters): a local filter is white
/// noise on the grid points of the cap β ≤ max_beta around the identity (θ ≤ max_beta on S²),
/// variance 1/w (1/ω) per point, projected to degrees l < L; the layer divides by the cap volume
/// V = Σ_cap w (Σ_cap ω) instead of 4π (8π²), so a constant kernel maps to itself. Then
/// E[κ̂^l_{mn} conj(κ̂^{l′}_{mn})] = G^{mn}_{ll′} = Σ_cap ω conj(D^l_{mn}) D^{l′}_{mn}, diagonal in
/// (m, n) because the cap is invariant under z rotations, but coupling l ≠ l′. The maps are
///
///     lift:  A(K⁰)(R,R′) = (1/V) Σ_m Σ D^l_{am}(R) G^m_{ll′} K̂*[(l,a),(l′,a′)] conj(D^{l′}_{a′m}(R′))
///     conv:  A(K)(R,R′)  = (1/V) Σ_m Σ conj(D^l_{am}(R)) c_l c_{l′} Σ_n G^{mn}_{ll′} 𝒦^n[(l,a),(l′,a′)] D^{l′}_{a′m}(R′)
///
/// with c_l = (2l+1)/8π² and 𝒦^n[(l,a),(l′,a′)] = Σ ω ω K(Q,Q′) D^l_{an}(Q) conj(D^{l′}_{a′n}(Q′)).
/// At max_beta = π, G is diagonal (8π²/(2l+1), resp. 1) and both reduce to the global maps.
/// Validated by the finite-width Monte Carlo of `SO3FiniteNetwork`, which draws filters this way.
enum LocalFilter {
    /// Grid rows (β or θ index) inside the cap.
    static func capMask(_ beta: [Double], maxBeta: Double) -> [Bool] { beta.map { $0 <= maxBeta + 1e-12 } }
}

/// Local-filter `s2_lift`: per input, features Φ (u^m_l(R) = Σ_a D^l_{am}(R) conj(a_c[la])) and
/// G-weighted features Ψ = G^m·u; a pair's map is Re(Φ Ψ′ᴴ)/(C·V), one matrix product.
struct LocalLiftKernelMap: Sendable {
    let harmonics: SphericalHarmonicTable
    let wigner: WignerTable
    let channels: Int
    let degrees: Int
    let maxBeta: Double
    /// Cap volume Σ_cap w.
    let volume: Double
    /// G^m_{ll′} for l, l′ ≥ |m|: `gram[m + degrees − 1][(l − |m|)·k + (l′ − |m|)]`, k = degrees − |m|.
    let gram: [[Double]]
    var outputCount: Int { wigner.grid.count }
    var featureCount: Int { 2 * channels * degrees * degrees }

    init(bandwidthIn: Int, bandwidthOut: Int, channels: Int, maxBeta: Double) {
        degrees = min(bandwidthIn, bandwidthOut)
        let s2 = S2Grid(bandwidth: bandwidthIn)
        harmonics = SphericalHarmonicTable(grid: s2, degrees: degrees)
        wigner = WignerTable(grid: SO3Grid(bandwidth: bandwidthOut), degrees: degrees)
        self.channels = channels
        self.maxBeta = maxBeta
        let mask = LocalFilter.capMask(s2.theta, maxBeta: maxBeta)
        volume = (0..<s2.thetaCount).reduce(0.0) { $0 + (mask[$1] ? s2.weight[$1] * Double(s2.phiCount) : 0) }
        let L = degrees
        var gram: [[Double]] = []
        let d = s2.theta.map { WignerD.smallD(bandwidth: L, beta: $0) }
        for m in -(L - 1)...(L - 1) {
            let k = L - abs(m)
            var g = [Double](repeating: 0, count: k * k)
            for a in 0..<k { for b in 0..<k {
                let l = abs(m) + a, lp = abs(m) + b
                let nl = (Double(2 * l + 1) / (4 * Double.pi)).squareRoot(), nlp = (Double(2 * lp + 1) / (4 * Double.pi)).squareRoot()
                var s = 0.0
                for j in 0..<s2.thetaCount where mask[j] {
                    s += s2.weight[j] * nl * nlp * d[j][l][(m + l) * (2 * l + 1) + l] * d[j][lp][(m + lp) * (2 * lp + 1) + lp]
                }
                g[a * k + b] = s * Double(s2.phiCount)
            } }
            gram.append(g)
        }
        self.gram = gram
    }

    /// Column of (channel, m, l) in the interleaved (re, im) feature layout.
    func column(_ c: Int, _ m: Int, _ l: Int) -> Int {
        // m blocks in order −(L−1)…L−1, block of m has degrees − |m| entries.
        var off = 0
        for mm in -(degrees - 1)..<m { off += degrees - abs(mm) }
        return 2 * (c * degrees * degrees + off + l - abs(m))
    }

    /// (Φ, Ψ) of one input in [j][k][c] order, each N_out × featureCount.
    func features(_ x: ArraySlice<Double>) -> (phi: [Double], psi: [Double]) {
        let p = harmonics.grid.count, n = outputCount, fc = featureCount, c = channels, L = degrees
        var phi = [Double](repeating: 0, count: n * fc)
        let base = x.startIndex
        for ch in 0..<c {
            let f = (0..<p).map { x[base + $0 * c + ch] }
            let (ar, ai) = harmonics.forward(f)
            for m in -(L - 1)...(L - 1) {
                for l in abs(m)..<L {
                    let col = column(ch, m, l)
                    for a in -l...l {
                        // D^l_{am}(R) · conj(a_c[la])
                        let cr = ar[SphericalHarmonicTable.row(l: l, m: a)], ci = -ai[SphericalHarmonicTable.row(l: l, m: a)]
                        let r = WignerTable.row(l: l, m: a, n: m) * n
                        for q in 0..<n {
                            let dr = wigner.re[r + q], di = wigner.im[r + q]
                            phi[q * fc + col] += dr * cr - di * ci
                            phi[q * fc + col + 1] += dr * ci + di * cr
                        }
                    }
                }
            }
        }
        var psi = [Double](repeating: 0, count: n * fc)
        for ch in 0..<c { for m in -(L - 1)...(L - 1) {
            let k = L - abs(m), g = gram[m + L - 1]
            for a in 0..<k {
                let ca = column(ch, m, abs(m) + a)
                for b in 0..<k {
                    let cb = column(ch, m, abs(m) + b), gv = g[a * k + b]
                    if gv == 0 { continue }
                    for q in 0..<n { psi[q * fc + ca] += gv * phi[q * fc + cb]; psi[q * fc + ca + 1] += gv * phi[q * fc + cb + 1] }
                }
            }
        } }
        return (phi, psi)
    }

    /// A(K⁰) = Re(Φ₁ Ψ₂ᴴ)/(C·V).
    func apply(_ phi1: [Double], _ psi2: [Double]) -> [Double] {
        let n = outputCount, fc = featureCount
        var a = [Double](repeating: 0, count: n * n)
        phi1.withUnsafeBufferPointer { p1 in psi2.withUnsafeBufferPointer { p2 in a.withUnsafeMutableBufferPointer { pa in
            guard let b1 = p1.baseAddress, let b2 = p2.baseAddress, let ba = pa.baseAddress else { return }
            so3Gemm(false, true, n, n, fc, 1 / (volume * Double(channels)), b1, fc, b2, fc, 0, ba, n)
        } } }
        return a
    }
}

/// Local-filter `so3_conv` (see `LocalFilter`): like `ConvKernelMap`, but the l-blocks are
/// coupled through the cap Gram G^{mn}_{ll′}, so per n the full (l,a)×(l′,a′) block of the
/// transformed kernel is formed. Cost O(M·N_in² + L·M·N_out²).
struct LocalConvKernelMap: Sendable {
    let input: WignerTable
    let output: WignerTable
    let weightedRe: [Double]
    let weightedIm: [Double]
    let degrees: Int
    let maxBeta: Double
    let volume: Double
    /// G^{mn}_{ll′}, indexed [m + L − 1][n + L − 1][l·L + l′] (zero when l or l′ < max(|m|,|n|)).
    let gram: [[[Double]]]
    var inputCount: Int { input.grid.count }
    var outputCount: Int { output.grid.count }

    init(bandwidthIn: Int, bandwidthOut: Int, maxBeta: Double) {
        let L = min(bandwidthIn, bandwidthOut)
        degrees = L
        self.maxBeta = maxBeta
        let gin = SO3Grid(bandwidth: bandwidthIn)
        input = WignerTable(grid: gin, degrees: L)
        output = WignerTable(grid: SO3Grid(bandwidth: bandwidthOut), degrees: L)
        let w = gin.pointWeights, p = gin.count
        var wr = input.re, wi = input.im
        for r in 0..<input.rows { for x in 0..<p { wr[r * p + x] *= w[x]; wi[r * p + x] *= w[x] } }
        weightedRe = wr; weightedIm = wi
        let mask = LocalFilter.capMask(gin.beta, maxBeta: maxBeta)
        let ring = Double(gin.alphaCount * gin.gammaCount)
        volume = (0..<gin.betaCount).reduce(0.0) { $0 + (mask[$1] ? gin.weight[$1] * ring : 0) }
        let d = gin.beta.map { WignerD.smallD(bandwidth: L, beta: $0) }
        var gram: [[[Double]]] = []
        for m in -(L - 1)...(L - 1) {
            var gm: [[Double]] = []
            for n in -(L - 1)...(L - 1) {
                var g = [Double](repeating: 0, count: L * L)
                let l0 = max(abs(m), abs(n))
                if l0 < L {
                    for l in l0..<L { for lp in l0..<L {
                        var s = 0.0
                        for j in 0..<gin.betaCount where mask[j] {
                            s += gin.weight[j] * d[j][l][(m + l) * (2 * l + 1) + n + l] * d[j][lp][(m + lp) * (2 * lp + 1) + n + lp]
                        }
                        g[l * L + lp] = s * ring
                    } }
                }
                gm.append(g)
            }
            gram.append(gm)
        }
        self.gram = gram
    }

    /// A(K) for a kernel over the input grid (N_in × N_in) → N_out × N_out.
    func apply(_ k: [Double]) -> [Double] {
        let nIn = inputCount, nOut = outputCount, rows = input.rows, L = degrees
        let eightPi2 = 8 * Double.pi * Double.pi
        var fr = [Double](repeating: 0, count: rows * nIn), fi = fr
        k.withUnsafeBufferPointer { kb in weightedRe.withUnsafeBufferPointer { wr in weightedIm.withUnsafeBufferPointer { wi in
        fr.withUnsafeMutableBufferPointer { frb in fi.withUnsafeMutableBufferPointer { fib in
            guard let kp = kb.baseAddress, let wr = wr.baseAddress, let wi = wi.baseAddress,
                  let f1 = frb.baseAddress, let f2 = fib.baseAddress else { return }
            so3Gemm(false, false, rows, nIn, nIn, 1, wr, nIn, kp, nIn, 0, f1, nIn)
            so3Gemm(false, false, rows, nIn, nIn, 1, wi, nIn, kp, nIn, 0, f2, nIn)
        } } } } }
        // Index sets per n: (l, a) with l ≥ |n|, in order of l then a.
        func set(_ n: Int) -> [(l: Int, a: Int)] { (abs(n)..<L).flatMap { l in (-l...l).map { (l, $0) } } }
        // 𝒦^n = F_n (ωD)_nᴴ, complex.
        var kn: [Int: (re: [Double], im: [Double], index: [Int: Int])] = [:]
        for n in -(L - 1)...(L - 1) {
            let s = set(n), sn = s.count
            var a = [Double](repeating: 0, count: sn * nIn), b = a, c = a, e = a
            for (i, la) in s.enumerated() {
                let r = WignerTable.row(l: la.l, m: la.a, n: n) * nIn
                for q in 0..<nIn {
                    a[i * nIn + q] = fr[r + q]; b[i * nIn + q] = fi[r + q]
                    c[i * nIn + q] = weightedRe[r + q]; e[i * nIn + q] = weightedIm[r + q]
                }
            }
            var re = [Double](repeating: 0, count: sn * sn), im = re
            a.withUnsafeBufferPointer { ap in b.withUnsafeBufferPointer { bp in c.withUnsafeBufferPointer { cp in e.withUnsafeBufferPointer { ep in
            re.withUnsafeMutableBufferPointer { rp in im.withUnsafeMutableBufferPointer { ip in
                guard let ap = ap.baseAddress, let bp = bp.baseAddress, let cp = cp.baseAddress, let ep = ep.baseAddress,
                      let rp = rp.baseAddress, let ip = ip.baseAddress else { return }
                so3Gemm(false, true, sn, sn, nIn, 1, ap, nIn, cp, nIn, 0, rp, sn)
                so3Gemm(false, true, sn, sn, nIn, 1, bp, nIn, ep, nIn, 1, rp, sn)
                so3Gemm(false, true, sn, sn, nIn, 1, bp, nIn, cp, nIn, 0, ip, sn)
                so3Gemm(false, true, sn, sn, nIn, -1, ap, nIn, ep, nIn, 1, ip, sn)
            } } } } } }
            var index: [Int: Int] = [:]
            for (i, la) in s.enumerated() { index[la.l * 1000 + la.a] = i }
            kn[n] = (re, im, index)
        }
        var out = [Double](repeating: 0, count: nOut * nOut)
        for m in -(L - 1)...(L - 1) {
            let s = set(m), sm = s.count
            // B^m[(l,a),(l′,a′)] = c_l c_l′ Σ_n G^{mn}_{ll′} 𝒦^n[(l,a),(l′,a′)] / V
            var br = [Double](repeating: 0, count: sm * sm), bi = br
            for (i, x) in s.enumerated() { for (j, y) in s.enumerated() {
                let cl = Double(2 * x.l + 1) / eightPi2, clp = Double(2 * y.l + 1) / eightPi2
                var sr = 0.0, si = 0.0
                let nmax = min(x.l, y.l)
                for n in -nmax...nmax {
                    let g = gram[m + L - 1][n + L - 1][x.l * L + y.l]
                    guard g != 0, let e = kn[n], let p = e.index[x.l * 1000 + x.a], let q = e.index[y.l * 1000 + y.a] else { continue }
                    let sn = e.index.count
                    sr += g * e.re[p * sn + q]; si += g * e.im[p * sn + q]
                }
                br[i * sm + j] = cl * clp * sr / volume; bi[i * sm + j] = cl * clp * si / volume
            } }
            // E_m[(l,a), R] = D^l_{am}(R); A += Re(E_mᴴ B E_m).
            var er = [Double](repeating: 0, count: sm * nOut), ei = er
            for (i, x) in s.enumerated() {
                let r = WignerTable.row(l: x.l, m: x.a, n: m) * nOut
                for q in 0..<nOut { er[i * nOut + q] = output.re[r + q]; ei[i * nOut + q] = output.im[r + q] }
            }
            var hr = [Double](repeating: 0, count: sm * nOut), hi = hr
            br.withUnsafeBufferPointer { brp in bi.withUnsafeBufferPointer { bip in er.withUnsafeBufferPointer { erp in ei.withUnsafeBufferPointer { eip in
            hr.withUnsafeMutableBufferPointer { hrp in hi.withUnsafeMutableBufferPointer { hip in out.withUnsafeMutableBufferPointer { op in
                guard let b1 = brp.baseAddress, let b2 = bip.baseAddress, let e1 = erp.baseAddress, let e2 = eip.baseAddress,
                      let h1 = hrp.baseAddress, let h2 = hip.baseAddress, let o = op.baseAddress else { return }
                so3Gemm(false, false, sm, nOut, sm, 1, b1, sm, e1, nOut, 0, h1, nOut)
                so3Gemm(false, false, sm, nOut, sm, -1, b2, sm, e2, nOut, 1, h1, nOut)
                so3Gemm(false, false, sm, nOut, sm, 1, b1, sm, e2, nOut, 0, h2, nOut)
                so3Gemm(false, false, sm, nOut, sm, 1, b2, sm, e1, nOut, 1, h2, nOut)
                so3Gemm(true, false, nOut, nOut, sm, 1, e1, nOut, h1, nOut, 1, o, nOut)
                so3Gemm(true, false, nOut, nOut, sm, 1, e2, nOut, h2, nOut, 1, o, nOut)
            } } } } } } }
        }
        return out
    }
}
