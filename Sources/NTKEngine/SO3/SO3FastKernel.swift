import CFFTW
import COpenBLAS
import Foundation
import Synchronization

// The fast exact path of `SO3KernelEvaluator` for stacks with global filters.
//
// Structure used (exact, not an approximation): with R = R_z(α_k)R_y(β_j)R_z(γ_g), every kernel
// a global-filter stack produces over grid pairs (R, R′) depends on γ and γ′ only through
// γ′ − γ (the lift and conv maps contain Σ_n e^{in(γ−γ′)}; pointwise nonlinearities keep this,
// and the variances K(x,x)(R,R) do not depend on γ). So a pair kernel is stored as
//
//     κ[Δ][j][k][j′][k′] = K((γ_0, β_j, α_k), (γ_Δ, β_j′, α_k′)),   Δ = g′ − g mod (2L−1),
//
// (2L−1)·(2L(2L−1))² numbers instead of N² = ((2L−1)²·2L)², and the dense matrix is
// K[(g,j,k),(g′,j′,k′)] = κ[(g′−g) mod (2L−1)][j][k][j′][k′]. The linear maps of FORMAT.md then
// become 3-D discrete Fourier transforms along (Δ, k, k′) (FFTW) plus, per frequency triple, small
// contractions with the Wigner-d values along β (three-term recursion in `WignerD.smallD`):
//
//     lift:  κ = Re Σ_{n,m,m′} Y[n,j,m,j′,m′] e^{−inγ_Δ} e^{imα_k} e^{−im′α_k′},
//            Y[n,j,m,j′,m′] = (W²/4πC) Σ_{c,l} p_c[l,n,j,m] conj(p′_c[l,n,j′,m′]),  p_c = a_c[lm]·d^l_{mn}(β_j)
//     conv:  X = DFT of κ_in;  K̃_l[m,m′] = (2L_in−1) Σ_n Σ_{j,j′} ω_j d^l_{mn}(β_j) X[n,j,m,j′,m′] ω_j′ d^l_{m′n}(β_j′),
//            κ_out = Re Σ_{a,m,m′} e^{−iaγ_Δ} e^{imα_k} e^{−im′α_k′} Σ_l c_l K̃_l[m,m′] d^l_{ma}(β_j) d^l_{m′a}(β_j′)
//
// These are the dense formulas (`LiftKernelMap`, `ConvKernelMap`) with the γ sums done in closed
// form and the α sums as DFTs; the finite sums are the same, so results agree to round-off
// (tested against the dense path to 1e-12). The per-atom factor p is computed once per input;
// the pair's lift is one complex matrix product (zgemm) per n.
//
// Local filters (max_beta < π) keep the dense path.

/// One FFTW plan for the in-place complex 3-D DFT along (Δ, k, k′) of a (2L−1, 2L, 2L−1, 2L, 2L−1)
/// array, batched over (j, j′). Plans are made once per (bandwidth, sign) under a lock, because
/// FFTW's planner is not thread-safe; `execute` (fftw_execute_dft) is.
final class SO3FFTPlan: @unchecked Sendable {
    // @unchecked Sendable: the plan is immutable after creation and FFTW documents
    // fftw_execute_dft on an existing plan as thread-safe.
    private let plan: OpaquePointer
    /// Complex entries of the array the plan transforms.
    let complexCount: Int

    private init(plan: OpaquePointer, complexCount: Int) { self.plan = plan; self.complexCount = complexCount }

    private struct Key: Hashable { let bandwidth: Int; let forward: Bool }
    private static let cache = Mutex<[Key: SO3FFTPlan]>([:])

    /// The plan for bandwidth L; nil if FFTW cannot plan it (the caller falls back to the dense path).
    static func plan(bandwidth L: Int, forward: Bool) -> SO3FFTPlan? {
        cache.withLock { cache in
            let key = Key(bandwidth: L, forward: forward)
            if let p = cache[key] { return p }
            let n = Int32(2 * L - 1), b = Int32(2 * L)
            // Strides of the row-major (n, b, n, b, n) array.
            let s4: Int32 = 1, s3 = n, s2 = b * n, s1 = n * b * n, s0 = b * n * b * n
            var dims = [fftw_iodim(n: n, is: s0, os: s0), fftw_iodim(n: n, is: s2, os: s2), fftw_iodim(n: n, is: s4, os: s4)]
            var many = [fftw_iodim(n: b, is: s1, os: s1), fftw_iodim(n: b, is: s3, os: s3)]
            let count = Int(n) * Int(b * n) * Int(b * n)
            // FFTW_ESTIMATE does not touch the array during planning; it is only needed for its address.
            guard let scratch = fftw_alloc_complex(count) else { return nil }
            defer { fftw_free(scratch) }
            let plan = dims.withUnsafeMutableBufferPointer { d in
                many.withUnsafeMutableBufferPointer { h in
                    fftw_plan_guru_dft(3, d.baseAddress, 2, h.baseAddress, scratch, scratch,
                                       forward ? FFTW_FORWARD : FFTW_BACKWARD, FFTW_ESTIMATE | FFTW_UNALIGNED)
                }
            }
            guard let plan else { return nil }
            let p = SO3FFTPlan(plan: plan, complexCount: count)
            cache[key] = p
            return p
        }
    }

    /// Transforms `z` (interleaved re, im; exactly 2·complexCount doubles) in place.
    func execute(_ z: inout [Double]) {
        precondition(z.count == 2 * complexCount, "FFT buffer has \(z.count) doubles, the plan needs \(2 * complexCount)")
        z.withUnsafeMutableBytes { raw in
            // The buffer holds complexCount pairs of doubles = fftw_complex values (double[2]);
            // FFTW_UNALIGNED makes any double alignment acceptable.
            let p = raw.bindMemory(to: fftw_complex.self)
            fftw_execute_dft(plan, p.baseAddress, p.baseAddress)
        }
    }
}

@inline(__always) func so3Mod(_ a: Int, _ n: Int) -> Int { let r = a % n; return r < 0 ? r + n : r }

/// Geometry of the compact pair-kernel layout κ[Δ][j][k][j′][k′] at bandwidth L.
struct SO3PairGeometry: Sendable {
    let bandwidth: Int
    /// 2L − 1 (γ and α samples).
    let n: Int
    /// 2L (β samples).
    let b: Int
    /// Points per γ slice, 2L·(2L−1).
    var slice: Int { b * n }
    /// Entries of κ.
    var count: Int { n * slice * slice }
    init(bandwidth: Int) { self.bandwidth = bandwidth; n = 2 * bandwidth - 1; b = 2 * bandwidth }

    /// Expands κ to the dense N × N kernel in [γ, β, α] order (for tests and `intermediate`).
    func dense(_ kappa: [Double]) -> [Double] {
        let s = slice, total = n * s
        var out = [Double](repeating: 0, count: total * total)
        for g in 0..<n { for r in 0..<s { for g2 in 0..<n {
            let d = so3Mod(g2 - g, n)
            for r2 in 0..<s { out[(g * s + r) * total + g2 * s + r2] = kappa[(d * s + r) * s + r2] }
        } } }
        return out
    }

    /// Runs `plan` (backward) on z, whose entry [a, j, m, j′, m′] (frequencies placed at their
    /// residues mod n) holds the coefficient of e^{−iaγ_Δ} e^{imα_k} e^{−im′α_k′}, and returns
    /// the real and imaginary parts as κ[Δ][j][k][j′][k′]. The backward DFT gives
    /// Σ e^{+i(a x₀ + m x₁ + m′ x₂)2π/n}, so κ[Δ, k, k′] is read at x₀ = −Δ, x₁ = k, x₂ = −k′ (mod n).
    /// Coefficients of a real kernel give a real result (the imaginary part is round-off); the
    /// callers use the imaginary part to carry a second real kernel through the same transform.
    func synthesize(_ z: inout [Double], plan: SO3FFTPlan, imaginary: Bool) -> (re: [Double], im: [Double]) {
        plan.execute(&z)
        var re = [Double](repeating: 0, count: count)
        var im = [Double](repeating: 0, count: imaginary ? count : 0)
        let n = self.n, b = self.b
        let negK = (0..<n).map { so3Mod(-$0, n) }
        z.withUnsafeBufferPointer { zb in re.withUnsafeMutableBufferPointer { rb in im.withUnsafeMutableBufferPointer { ib in
            // Bounds: src, dst < n·(b·n)² = count; z holds 2·count doubles, re (and im if asked) count.
            for d in 0..<n {
                let x0 = so3Mod(-d, n)
                for j in 0..<b { for k in 0..<n { for j2 in 0..<b {
                    let src = (((x0 * b + j) * n + k) * b + j2) * n, dst = (((d * b + j) * n + k) * b + j2) * n
                    for k2 in 0..<n {
                        let q = 2 * (src + negK[k2])
                        rb[dst + k2] = zb[q]
                        if imaginary { ib[dst + k2] = zb[q + 1] }
                    }
                } } }
            }
        } } }
        return (re, im)
    }
}

/// d^l_{mn}(β_j) of a grid's β samples, flattened [l][m][n][j] (zero where |m| or |n| > l),
/// optionally times the quadrature weight ω_j.
struct SO3SmallDTable: Sendable {
    let degrees: Int
    let betaCount: Int
    let values: [Double]
    init(beta: [Double], degrees D: Int, weights: [Double]? = nil) {
        self.degrees = D; betaCount = beta.count
        let s = 2 * D - 1
        var v = [Double](repeating: 0, count: D * s * s * beta.count)
        for (j, bj) in beta.enumerated() {
            let d = WignerD.smallD(bandwidth: D, beta: bj)
            let w = weights?[j] ?? 1
            for l in 0..<D { for m in -l...l { for nn in -l...l {
                v[Self.index(D, l, m, nn) * beta.count + j] = w * d[l][(m + l) * (2 * l + 1) + nn + l]
            } } }
        }
        values = v
    }
    @inline(__always) static func index(_ D: Int, _ l: Int, _ m: Int, _ n: Int) -> Int {
        let s = 2 * D - 1
        return (l * s + m + D - 1) * s + n + D - 1
    }
    /// Start of the β vector of (l, m, n).
    @inline(__always) func start(_ l: Int, _ m: Int, _ n: Int) -> Int { Self.index(degrees, l, m, n) * betaCount }
}

/// Global `s2_lift` in the compact layout (see the file comment).
struct FastLiftMap: Sendable {
    let harmonics: SphericalHarmonicTable
    let out: SO3PairGeometry
    let d: SO3SmallDTable
    let channels: Int
    let degrees: Int
    let plan: SO3FFTPlan
    /// Columns of one n-block of the per-input factor: (l, c).
    var columns: Int { degrees * channels }
    /// Doubles of one input's factor P: (2D−1) blocks of slice × columns complex numbers.
    var featureCount: Int { 2 * (2 * degrees - 1) * out.slice * columns }

    init?(bandwidthIn: Int, bandwidthOut: Int, channels: Int) {
        degrees = min(bandwidthIn, bandwidthOut)
        harmonics = SphericalHarmonicTable(grid: S2Grid(bandwidth: bandwidthIn), degrees: degrees)
        out = SO3PairGeometry(bandwidth: bandwidthOut)
        d = SO3SmallDTable(beta: SO3Grid(bandwidth: bandwidthOut).beta, degrees: degrees)
        self.channels = channels
        guard let p = SO3FFTPlan.plan(bandwidth: bandwidthOut, forward: false) else { return nil }
        plan = p
    }

    /// P[n][(j, m mod (2L−1))][(l, c)] = a_c[lm]·d^l_{mn}(β_j) for one input in [j][k][c] order
    /// (complex, interleaved).
    func features(_ x: ArraySlice<Double>) -> [Double] {
        let p = harmonics.grid.count, c = channels, D = degrees, nr = out.slice, cols = columns
        var f = [Double](repeating: 0, count: p)
        var P = [Double](repeating: 0, count: featureCount)
        let base = x.startIndex
        for ch in 0..<c {
            for i in 0..<p { f[i] = x[base + i * c + ch] }
            let (ar, ai) = harmonics.forward(f)
            for nn in -(D - 1)...(D - 1) {
                let block = (nn + D - 1) * nr
                for m in -(D - 1)...(D - 1) {
                    let lmin = max(abs(m), abs(nn))
                    if lmin >= D { continue }
                    let qm = so3Mod(m, out.n)
                    for l in lmin..<D {
                        let s = SphericalHarmonicTable.row(l: l, m: m), dv = d.start(l, m, nn)
                        for j in 0..<out.b {
                            let v = d.values[dv + j]
                            let q = 2 * ((block + j * out.n + qm) * cols + l * c + ch)
                            P[q] = ar[s] * v; P[q + 1] = ai[s] * v
                        }
                    }
                }
            }
        }
        return P
    }

    /// W²·A(K⁰) + b² in the compact layout, from two inputs' factors.
    func apply(_ p1: [Double], _ p2: [Double], w2: Double, b2: Double) -> [Double] {
        let nr = out.slice, cols = columns, D = degrees
        var z = [Double](repeating: 0, count: 2 * out.count)
        var alpha = (w2 / (4 * Double.pi * Double(channels)), 0.0), beta = (0.0, 0.0)
        p1.withUnsafeBufferPointer { a in p2.withUnsafeBufferPointer { b in z.withUnsafeMutableBufferPointer { zb in
            guard let a = a.baseAddress, let b = b.baseAddress, let zp = zb.baseAddress else { return }
            for nn in -(D - 1)...(D - 1) {
                // Bounds: block (nn + D − 1) of P is nr × cols complex, starting at 2·(nn+D−1)·nr·cols < featureCount;
                // the z block of residue q is nr × nr complex inside the n·nr·nr complex buffer.
                // Columns (l, c) with l < |n| are zero in block n: the product starts at column |n|·C.
                let off = 2 * ((nn + D - 1) * nr * cols + abs(nn) * channels), q = so3Mod(nn, out.n)
                // Y_n = P1_n · P2_nᴴ
                cblas_zgemm(CblasRowMajor, CblasNoTrans, CblasConjTrans, Int32(nr), Int32(nr), Int32((D - abs(nn)) * channels),
                            &alpha, a + off, Int32(cols), b + off, Int32(cols), &beta, zp + 2 * q * nr * nr, Int32(nr))
            }
        } } }
        var k = out.synthesize(&z, plan: plan, imaginary: false).re
        if b2 != 0 { for i in k.indices { k[i] += b2 } }
        return k
    }
}

/// Global `so3_conv` in the compact layout (see the file comment).
struct FastConvMap: Sendable {
    let input: SO3PairGeometry
    let out: SO3PairGeometry
    /// ω_j·d^l_{mn}(β_j) on the input grid.
    let dIn: SO3SmallDTable
    /// d^l_{mn}(β_j) on the output grid.
    let dOut: SO3SmallDTable
    let degrees: Int
    let forward: SO3FFTPlan
    let backward: SO3FFTPlan

    init?(bandwidthIn: Int, bandwidthOut: Int) {
        degrees = min(bandwidthIn, bandwidthOut)
        input = SO3PairGeometry(bandwidth: bandwidthIn)
        out = SO3PairGeometry(bandwidth: bandwidthOut)
        let gin = SO3Grid(bandwidth: bandwidthIn)
        dIn = SO3SmallDTable(beta: gin.beta, degrees: degrees, weights: gin.weight)
        dOut = SO3SmallDTable(beta: SO3Grid(bandwidth: bandwidthOut).beta, degrees: degrees)
        guard let f = SO3FFTPlan.plan(bandwidth: bandwidthIn, forward: true),
              let b = SO3FFTPlan.plan(bandwidth: bandwidthOut, forward: false) else { return nil }
        forward = f; backward = b
    }

    /// The unscaled map A (FORMAT.md's so3_conv map without W², b²) of two kernels at once.
    /// Every step (DFT, contractions with real d, synthesis) is complex-linear and maps real
    /// kernels to real kernels, so A(κ₁ + iκ₂) = A(κ₁) + iA(κ₂): one transform serves both.
    func apply(_ kappa: [Double], _ theta: [Double]) -> (k: [Double], t: [Double]) {
        let D = degrees, S = 2 * D - 1, ni = input.n, bi = input.b, no = out.n, bo = out.b
        precondition(kappa.count == input.count && theta.count == input.count, "kernel has \(kappa.count) entries, expected \(input.count)")
        var z = [Double](repeating: 0, count: 2 * input.count)
        for i in 0..<kappa.count { z[2 * i] = kappa[i]; z[2 * i + 1] = theta[i] }
        forward.execute(&z)
        // F[q0, j, q1, j′, q2] = Σ κ e^{−2πi(q0Δ + q1k + q2k′)/n}; X[n, j, m, j′, m′] = F[−n, j, m, j′, −m′].
        var kt = [Double](repeating: 0, count: 2 * D * S * S)
        var xr = [Double](repeating: 0, count: bi * bi), xi = xr
        var zo = [Double](repeating: 0, count: 2 * out.count)
        let scale = Double(ni)
        let eightPi2 = 8 * Double.pi * Double.pi
        // Bounds: every index below is a (frequency residue, β) position inside the n·(b·n)² complex
        // arrays z / zo, a (l, m, m′) slot of kt (D·S² complex), a j·bi + j′ slot of xr / xi, or
        // start(l, m, n) + j < D·S²·b in the d tables (|m|, |n| ≤ l < D by the loop bounds).
        z.withUnsafeBufferPointer { zb in kt.withUnsafeMutableBufferPointer { ktb in
        xr.withUnsafeMutableBufferPointer { xrb in xi.withUnsafeMutableBufferPointer { xib in
        dIn.values.withUnsafeBufferPointer { du in dOut.values.withUnsafeBufferPointer { dv in
        zo.withUnsafeMutableBufferPointer { zob in
            for nn in -(D - 1)...(D - 1) {
                let q0 = so3Mod(-nn, ni)
                for m in -(D - 1)...(D - 1) {
                    let q1 = so3Mod(m, ni)
                    for mp in -(D - 1)...(D - 1) {
                        let lmin = max(abs(nn), abs(m), abs(mp))
                        if lmin >= D { continue }
                        let q2 = so3Mod(-mp, ni)
                        for j in 0..<bi { for j2 in 0..<bi {
                            let idx = 2 * ((((q0 * bi + j) * ni + q1) * bi + j2) * ni + q2)
                            xrb[j * bi + j2] = zb[idx]; xib[j * bi + j2] = zb[idx + 1]
                        } }
                        for l in lmin..<D {
                            let u = dIn.start(l, m, nn), v = dIn.start(l, mp, nn)
                            var sr = 0.0, si = 0.0
                            for j in 0..<bi {
                                let uj = du[u + j]
                                var tr = 0.0, ti = 0.0
                                for j2 in 0..<bi { let w = du[v + j2]; tr += xrb[j * bi + j2] * w; ti += xib[j * bi + j2] * w }
                                sr += uj * tr; si += uj * ti
                            }
                            let q = 2 * ((l * S + m + D - 1) * S + mp + D - 1)
                            ktb[q] += scale * sr; ktb[q + 1] += scale * si
                        }
                    }
                }
            }
            // Synthesis onto the output grid: zo[a, j, m, j′, m′] = Σ_l c_l K̃_l[m, m′] d^l_{ma}(β_j) d^l_{m′a}(β_j′).
            for a in -(D - 1)...(D - 1) {
                let q0 = so3Mod(a, no)
                for m in -(D - 1)...(D - 1) {
                    let q1 = so3Mod(m, no)
                    for mp in -(D - 1)...(D - 1) {
                        let lmin = max(abs(a), abs(m), abs(mp))
                        if lmin >= D { continue }
                        let q2 = so3Mod(mp, no)
                        for l in lmin..<D {
                            let c = Double(2 * l + 1) / (eightPi2 * eightPi2)
                            let q = 2 * ((l * S + m + D - 1) * S + mp + D - 1)
                            let kr = c * ktb[q], ki = c * ktb[q + 1]
                            let u = dOut.start(l, m, a), v = dOut.start(l, mp, a)
                            for j in 0..<bo {
                                let dj = dv[u + j]
                                if dj == 0 { continue }
                                let cr = kr * dj, ci = ki * dj
                                let base = ((q0 * bo + j) * no + q1) * bo
                                for j2 in 0..<bo {
                                    let d2 = dv[v + j2], idx = 2 * ((base + j2) * no + q2)
                                    zob[idx] += cr * d2; zob[idx + 1] += ci * d2
                                }
                            }
                        }
                    }
                }
            }
        } } } } } } }
        let r = out.synthesize(&zo, plan: backward, imaginary: true)
        return (r.re, r.im)
    }

    /// A(κ) of one kernel.
    func apply(_ kappa: [Double]) -> [Double] { apply(kappa, [Double](repeating: 0, count: kappa.count)).k }
}

/// A global-filter SO(3) stack evaluated in the compact layout; nil for stacks with local
/// filters (or if FFTW cannot plan), which keep the dense path.
struct FastSO3Stack: Sendable {
    enum Op: Sendable {
        case lift(FastLiftMap, LayerSpec.Affine)
        case conv(FastConvMap, LayerSpec.Affine)
        /// Nonlinearity on an SO(3) kernel at this geometry.
        case gridActivation(Activation, SO3PairGeometry)
        /// so3_pool: ω_j per slice point r = (j, k), and the geometry.
        case pool([Double], SO3PairGeometry)
        case dense(LayerSpec.Affine)
        case scalarActivation(Activation)
    }
    let ops: [Op]

    init?(_ stack: SO3Stack) {
        var ops: [Op] = []
        var geometry: SO3PairGeometry?
        for op in stack.ops {
            switch op {
            case .lift(let m, let a):
                guard let f = FastLiftMap(bandwidthIn: m.harmonics.grid.bandwidth, bandwidthOut: m.wigner.grid.bandwidth,
                                          channels: m.channels) else { return nil }
                ops.append(.lift(f, a)); geometry = f.out
            case .conv(let m, let a):
                guard let f = FastConvMap(bandwidthIn: m.input.grid.bandwidth, bandwidthOut: m.output.grid.bandwidth) else { return nil }
                ops.append(.conv(f, a)); geometry = f.out
            case .localLift, .localConv:
                return nil
            case .gridActivation(let act):
                guard let g = geometry else { return nil }
                ops.append(.gridActivation(act, g))
            case .pool(let p):
                guard let g = geometry, p.weights.count == g.n * g.slice else { return nil }
                let grid = SO3Grid(bandwidth: g.bandwidth)
                var w = [Double](repeating: 0, count: g.slice)
                for j in 0..<g.b { for k in 0..<g.n { w[j * g.n + k] = grid.weight[j] } }
                ops.append(.pool(w, g))
            case .dense(let a): ops.append(.dense(a))
            case .scalarActivation(let act): ops.append(.scalarActivation(act))
            }
        }
        self.ops = ops
    }

    var liftFeatureCount: Int {
        if case .lift(let m, _)? = ops.first { return m.featureCount }
        return 0
    }

    func features(_ x: ArraySlice<Double>) -> [Double] {
        if case .lift(let m, _)? = ops.first { return m.features(x) }
        return []
    }

    /// Runs ops 0…`last` for one pair in the compact layout. With nil variances the pair is a
    /// self-pair: the variances are its own diagonal κ[0][r][r] (stored into `capture`).
    func run(_ p1: [Double], _ p2: [Double], _ var1: [[Double]]?, _ var2: [[Double]]?,
             through last: Int, capture: inout [[Double]]) -> (k: [Double], t: [Double]) {
        var k: [Double] = [], t: [Double] = []
        for (i, op) in ops.enumerated() where i <= last {
            switch op {
            case .lift(let map, let a):
                let w = a.wStd, b = a.bStd ?? 0
                k = map.apply(p1, p2, w2: w * w, b2: b * b); t = k
            case .conv(let map, let a):
                let w2 = a.wStd * a.wStd, b = a.bStd ?? 0, b2 = b * b
                let (ak, at) = map.apply(k, t)
                k = ak; t = at
                for q in k.indices { k[q] = w2 * ak[q] + b2; t[q] = k[q] + w2 * at[q] }
            case .gridActivation(let act, let g):
                let s = g.slice
                let diag = (0..<s).map { k[$0 * s + $0] }
                let v1 = var1?[i] ?? diag, v2 = var2?[i] ?? diag
                if var1 == nil { capture[i] = diag }
                // Bounds: k and t hold g.count = n·s² entries (the layout of the previous linear op).
                precondition(k.count == g.count && t.count == g.count && v1.count == s && v2.count == s)
                k.withUnsafeMutableBufferPointer { kb in t.withUnsafeMutableBufferPointer { tb in
                    v2.withUnsafeBufferPointer { v2b in
                        for d in 0..<g.n { for r in 0..<s {
                            let row = (d * s + r) * s, a = v1[r]
                            for r2 in 0..<s {
                                let dual = act.dual(k: kb[row + r2], v1: a, v2: v2b[r2])
                                kb[row + r2] = dual.k; tb[row + r2] *= dual.kdot
                            }
                        } }
                    }
                } }
            case .pool(let w, let g):
                let s = g.slice
                var sk = 0.0, st = 0.0
                for d in 0..<g.n { for r in 0..<s {
                    var rk = 0.0, rt = 0.0
                    let row = (d * s + r) * s
                    for r2 in 0..<s { rk += w[r2] * k[row + r2]; rt += w[r2] * t[row + r2] }
                    sk += w[r] * rk; st += w[r] * rt
                } }
                let c = Double(g.n) / (64 * pow(Double.pi, 4))
                k = [c * sk]; t = [c * st]
            case .dense(let a):
                let w2 = a.wStd * a.wStd, b2 = (a.bStd ?? 0) * (a.bStd ?? 0)
                k[0] = w2 * k[0] + b2
                t[0] = k[0] + w2 * t[0]
            case .scalarActivation(let act):
                let v1 = var1?[i] ?? [k[0]], v2 = var2?[i] ?? [k[0]]
                if var1 == nil { capture[i] = [k[0]] }
                let dual = act.dual(k: k[0], v1: v1[0], v2: v2[0])
                k[0] = dual.k; t[0] = dual.kdot * t[0]
            }
        }
        return (k, t)
    }
}
