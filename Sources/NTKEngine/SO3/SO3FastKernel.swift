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
    /// Planned on fftw_malloc memory without FFTW_UNALIGNED: FFTW may use its SIMD codelets,
    /// ≈ 2× (L = 3) to 6× (L = 6) faster than the unaligned plan (measured, BENCHMARKS.md). Only
    /// valid on arrays with the same SIMD alignment, i.e. `SO3AlignedBuffer`s.
    private let aligned: OpaquePointer
    /// For any other double array (no SIMD alignment assumed).
    private let unaligned: OpaquePointer
    /// SIMD alignment class (fftw_alignment_of) of the planning array.
    private let alignment: Int32
    /// Complex entries of the array the plan transforms.
    let complexCount: Int

    private init(aligned: OpaquePointer, unaligned: OpaquePointer, alignment: Int32, complexCount: Int) {
        self.aligned = aligned; self.unaligned = unaligned; self.alignment = alignment; self.complexCount = complexCount
    }

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
            func make(_ flags: UInt32) -> OpaquePointer? {
                dims.withUnsafeMutableBufferPointer { d in
                    many.withUnsafeMutableBufferPointer { h in
                        fftw_plan_guru_dft(3, d.baseAddress, 2, h.baseAddress, scratch, scratch, forward ? FFTW_FORWARD : FFTW_BACKWARD, flags)
                    }
                }
            }
            guard let a = make(FFTW_ESTIMATE), let u = make(FFTW_ESTIMATE | FFTW_UNALIGNED) else { return nil }
            let alignment = scratch.withMemoryRebound(to: Double.self, capacity: 1) { fftw_alignment_of($0) }
            let p = SO3FFTPlan(aligned: a, unaligned: u, alignment: alignment, complexCount: count)
            cache[key] = p
            return p
        }
    }

    /// Transforms `z` (interleaved re, im; exactly 2·complexCount doubles) in place: the SIMD
    /// plan when z has the planning array's alignment (always for `SO3AlignedBuffer`), else the
    /// unaligned one. Deterministic: the same buffer kind always takes the same plan.
    func execute(_ z: UnsafeMutableBufferPointer<Double>) {
        precondition(z.count == 2 * complexCount, "FFT buffer has \(z.count) doubles, the plan needs \(2 * complexCount)")
        guard let base = z.baseAddress else { return }
        let plan = fftw_alignment_of(base) == alignment ? aligned : unaligned
        // The buffer holds complexCount pairs of doubles = fftw_complex values (double[2]).
        base.withMemoryRebound(to: fftw_complex.self, capacity: complexCount) { fftw_execute_dft(plan, $0, $0) }
    }
}

/// A SIMD-aligned double buffer from fftw_malloc, for the FFT arrays (Swift arrays only
/// guarantee 16-byte alignment, which would keep FFTW on its scalar codelets). Owned by one
/// worker (`SO3FastScratch`); its memory is reused until the size changes.
final class SO3AlignedBuffer {
    private(set) var buffer: UnsafeMutableBufferPointer<Double>

    init() { buffer = UnsafeMutableBufferPointer(start: nil, count: 0) }
    deinit { if let p = buffer.baseAddress { fftw_free(p) } }

    /// The first `n` doubles, zeroed if `zero`; reallocated (always zeroed) when n changes.
    func prepare(_ n: Int, zero: Bool) -> UnsafeMutableBufferPointer<Double> {
        if buffer.count != n {
            if let p = buffer.baseAddress { fftw_free(p) }
            buffer = UnsafeMutableBufferPointer(start: nil, count: 0)
            if n <= 0 { return buffer }
            // fftw_alloc_real returns nil only when out of memory: a trap is the honest outcome there.
            guard let p = fftw_alloc_real(n) else { fatalError("out of memory allocating \(n) doubles for an SO(3) FFT buffer") }
            buffer = UnsafeMutableBufferPointer(start: p, count: n)
            buffer.update(repeating: 0)
        } else if zero {
            buffer.update(repeating: 0)
        }
        return buffer
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
    func synthesize(_ z: [Double], plan: SO3FFTPlan, imaginary: Bool) -> (re: [Double], im: [Double]) {
        let buffer = SO3AlignedBuffer(), zb = buffer.prepare(z.count, zero: false)
        _ = zb.initialize(from: z)
        var re: [Double] = [], im: [Double] = []
        synthesize(zb, plan: plan, re: &re, im: &im, imaginary: imaginary)
        return (re, im)
    }

    /// `synthesize` into caller-owned buffers (resized to `count` if needed; `im` untouched
    /// unless `imaginary`), so a worker reuses its memory from pair to pair.
    func synthesize(_ zb: UnsafeMutableBufferPointer<Double>, plan: SO3FFTPlan, re: inout [Double], im: inout [Double], imaginary: Bool) {
        plan.execute(zb)
        so3Resize(&re, count)
        if imaginary { so3Resize(&im, count) }
        let n = self.n, b = self.b
        let negK = (0..<n).map { so3Mod(-$0, n) }
        precondition(zb.count == 2 * count)
        re.withUnsafeMutableBufferPointer { rb in im.withUnsafeMutableBufferPointer { ib in
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
        } }
    }
}

/// Makes `a` hold exactly `n` doubles (reallocating only when the size changes).
@inline(__always) func so3Resize(_ a: inout [Double], _ n: Int) {
    if a.count != n { a = [Double](repeating: 0, count: n) }
}

/// `a` resized to `n` doubles, all zero (a memset, no new pages when the size is unchanged).
@inline(__always) func so3Zeroed(_ a: inout [Double], _ n: Int) {
    if a.count != n { a = [Double](repeating: 0, count: n); return }
    a.withUnsafeMutableBufferPointer { $0.update(repeating: 0) }
}

/// Reusable buffers of one worker thread for `FastSO3Stack.run`: the pair kernels and the FFT
/// buffers. Why: without them a T1 pair allocates about ten arrays of 36–72 KB, and glibc's heap
/// trimming turned each into fresh page faults — about half the CPU time of a pair (measured
/// with `perf stat` and glibc.malloc.trim_threshold, BENCHMARKS.md issue 11 second round).
/// Not shared between threads: each worker of a Gram makes its own.
final class SO3FastScratch {
    var k: [Double] = []
    var t: [Double] = []
    let z = SO3AlignedBuffer()
    let zo = SO3AlignedBuffer()
    var unused: [Double] = []
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
///
/// Per input only the harmonic coefficients a_c[lm] are kept. Per pair, the channel sum is done
/// first, G_l[m, m′] = Σ_c a_c[lm]·conj(a′_c[lm′]) (D³-ish complex products), and Y follows by the
/// same Wigner-d synthesis as the conv output, Y[n,j,m,j′,m′] = Σ_l G_l[m,m′] d^l_{mn}(β_j) d^l_{m′n}(β_j′):
/// the same finite sums as the former per-n zgemm of P = a·d factors, regrouped (≈ 20× fewer flops at L = 3).
struct FastLiftMap: Sendable {
    let harmonics: SphericalHarmonicTable
    let out: SO3PairGeometry
    let d: SO3SmallDTable
    let channels: Int
    let degrees: Int
    let plan: SO3FFTPlan
    /// Doubles of one input's feature vector: D² (l, m) rows × C channels, complex.
    var featureCount: Int { 2 * degrees * degrees * channels }

    init?(bandwidthIn: Int, bandwidthOut: Int, channels: Int) {
        degrees = min(bandwidthIn, bandwidthOut)
        harmonics = SphericalHarmonicTable(grid: S2Grid(bandwidth: bandwidthIn), degrees: degrees)
        out = SO3PairGeometry(bandwidth: bandwidthOut)
        d = SO3SmallDTable(beta: SO3Grid(bandwidth: bandwidthOut).beta, degrees: degrees)
        self.channels = channels
        guard let p = SO3FFTPlan.plan(bandwidth: bandwidthOut, forward: false) else { return nil }
        plan = p
    }

    /// A[(row(l, m)·C + c)] = a_c[lm] of one input in [j][k][c] order (complex, interleaved).
    func features(_ x: ArraySlice<Double>) -> [Double] {
        let p = harmonics.grid.count, c = channels
        var f = [Double](repeating: 0, count: p)
        var A = [Double](repeating: 0, count: featureCount)
        let base = x.startIndex
        for ch in 0..<c {
            for i in 0..<p { f[i] = x[base + i * c + ch] }
            let (ar, ai) = harmonics.forward(f)
            for r in 0..<(degrees * degrees) { A[2 * (r * c + ch)] = ar[r]; A[2 * (r * c + ch) + 1] = ai[r] }
        }
        return A
    }

    /// W²·A(K⁰) + b² in the compact layout, from two inputs' features, into `k` (`z`: FFT scratch).
    func apply(_ a1: [Double], _ a2: [Double], w2: Double, b2: Double, z: SO3AlignedBuffer, into k: inout [Double], unused: inout [Double]) {
        let D = degrees, S = 2 * D - 1, c = channels
        precondition(a1.count == featureCount && a2.count == featureCount, "lift features have \(a1.count), \(a2.count) doubles, expected \(featureCount)")
        let scale = w2 / (4 * Double.pi * Double(c))
        var g = [Double](repeating: 0, count: 2 * D * S * S)
        // Bounds: rows row(l, m) < D² and channels < C index inside featureCount / 2 complex
        // entries; (l, m, m′) with |m|, |m′| ≤ l < D index inside g's D·S² complex entries.
        a1.withUnsafeBufferPointer { p in a2.withUnsafeBufferPointer { q in g.withUnsafeMutableBufferPointer { gb in
            for l in 0..<D { for m in -l...l {
                let u = 2 * SphericalHarmonicTable.row(l: l, m: m) * c
                for mp in -l...l {
                    let v = 2 * SphericalHarmonicTable.row(l: l, m: mp) * c
                    var sr = 0.0, si = 0.0
                    for ch in 0..<c {
                        let xr = p[u + 2 * ch], xi = p[u + 2 * ch + 1], yr = q[v + 2 * ch], yi = q[v + 2 * ch + 1]
                        sr += xr * yr + xi * yi; si += xi * yr - xr * yi
                    }
                    let o = 2 * ((l * S + m + D - 1) * S + mp + D - 1)
                    gb[o] = scale * sr; gb[o + 1] = scale * si
                }
            } }
        } } }
        let zb = z.prepare(2 * out.count, zero: true)
        SO3Synthesis.accumulate(g, degrees: D, weights: [Double](repeating: 1, count: D), d: d, geometry: out, into: zb)
        out.synthesize(zb, plan: plan, re: &k, im: &unused, imaginary: false)
        if b2 != 0 { for i in k.indices { k[i] += b2 } }
    }

    /// `apply` into fresh arrays (tests).
    func apply(_ a1: [Double], _ a2: [Double], w2: Double, b2: Double) -> [Double] {
        var k: [Double] = [], unused: [Double] = []
        apply(a1, a2, w2: w2, b2: b2, z: SO3AlignedBuffer(), into: &k, unused: &unused)
        return k
    }
}

/// The Wigner-d synthesis shared by the lift and conv maps: from coefficients K̃_l[m, m′]
/// (complex, [l][m][m′] with |m|, |m′| ≤ l < D, S = 2D − 1 slots per index) onto the compact
/// frequency layout z[a, j, m, j′, m′] (residues mod n) of `geometry`:
///     z[a, j, m, j′, m′] += Σ_l w_l K̃_l[m, m′] d^l_{ma}(β_j) d^l_{m′a}(β_j′).
enum SO3Synthesis {
    static func accumulate(_ kt: [Double], degrees D: Int, weights: [Double], d: SO3SmallDTable,
                           geometry g: SO3PairGeometry, into zob: UnsafeMutableBufferPointer<Double>) {
        let S = 2 * D - 1, no = g.n, bo = g.b
        precondition(kt.count == 2 * D * S * S && weights.count == D && zob.count == 2 * g.count && d.betaCount == bo && d.degrees == D)
        // Bounds: q < D·S² complex in kt (|m|, |m′| ≤ l < D); start(l, m, a) + j < D·S²·b in d;
        // idx is a (residue, β, residue, β, residue) position inside the n·(b·n)² complex zo.
        kt.withUnsafeBufferPointer { ktb in d.values.withUnsafeBufferPointer { dv in
            for a in -(D - 1)...(D - 1) {
                let q0 = so3Mod(a, no)
                for m in -(D - 1)...(D - 1) {
                    let q1 = so3Mod(m, no)
                    for mp in -(D - 1)...(D - 1) {
                        let lmin = max(abs(a), abs(m), abs(mp))
                        if lmin >= D { continue }
                        let q2 = so3Mod(mp, no)
                        for l in lmin..<D {
                            let q = 2 * ((l * S + m + D - 1) * S + mp + D - 1)
                            let kr = weights[l] * ktb[q], ki = weights[l] * ktb[q + 1]
                            if kr == 0 && ki == 0 { continue }
                            let u = d.start(l, m, a), v = d.start(l, mp, a)
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
        } }
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
        var k = kappa, t = theta
        apply(&k, &t, z: SO3AlignedBuffer(), zo: SO3AlignedBuffer())
        return (k, t)
    }

    /// In place: (κ, θ) ← (A(κ), A(θ)), resized to the output geometry; `z`, `zo`: FFT scratch.
    func apply(_ kappa: inout [Double], _ theta: inout [Double], z zBuffer: SO3AlignedBuffer, zo zoBuffer: SO3AlignedBuffer) {
        let D = degrees, S = 2 * D - 1, ni = input.n, bi = input.b
        precondition(kappa.count == input.count && theta.count == input.count, "kernel has \(kappa.count) entries, expected \(input.count)")
        let z = zBuffer.prepare(2 * input.count, zero: false)
        for i in 0..<kappa.count { z[2 * i] = kappa[i]; z[2 * i + 1] = theta[i] }
        forward.execute(z)
        // F[q0, j, q1, j′, q2] = Σ κ e^{−2πi(q0Δ + q1k + q2k′)/n}; X[n, j, m, j′, m′] = F[−n, j, m, j′, −m′].
        var kt = [Double](repeating: 0, count: 2 * D * S * S)
        var xr = [Double](repeating: 0, count: bi * bi), xi = xr
        let zo = zoBuffer.prepare(2 * out.count, zero: true)
        let scale = Double(ni)
        // Bounds: every index below is a (frequency residue, β) position inside the n·(b·n)² complex
        // arrays z / zo, a (l, m, m′) slot of kt (D·S² complex), a j·bi + j′ slot of xr / xi, or
        // start(l, m, n) + j < D·S²·b in the d tables (|m|, |n| ≤ l < D by the loop bounds).
        let zb = z
        kt.withUnsafeMutableBufferPointer { ktb in
        xr.withUnsafeMutableBufferPointer { xrb in xi.withUnsafeMutableBufferPointer { xib in
        dIn.values.withUnsafeBufferPointer { du in
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
        } } } }
        // Synthesis onto the output grid: zo[a, j, m, j′, m′] = Σ_l c_l K̃_l[m, m′] d^l_{ma}(β_j) d^l_{m′a}(β_j′).
        let eightPi2 = 8 * Double.pi * Double.pi
        let weights = (0..<D).map { Double(2 * $0 + 1) / (eightPi2 * eightPi2) }
        SO3Synthesis.accumulate(kt, degrees: D, weights: weights, d: dOut, geometry: out, into: zo)
        out.synthesize(zo, plan: backward, re: &kappa, im: &theta, imaginary: true)
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
    /// Grid nonlinearities through the vectorised row kernels (`BlockActivation`); false: the
    /// scalar `Activation.dual` per entry. Off in debug builds, where the generic SIMD code runs
    /// unspecialised and ≈ 4× slower than the scalar dual (tests switch it on explicitly).
    var vectorGridDuals = FastSO3Stack.optimizedBuild

    #if DEBUG
    static let optimizedBuild = false
    #else
    static let optimizedBuild = true
    #endif

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
    /// The grid dual entry by entry with `Activation.dual` (exact at correlation ±1 by itself).
    static func scalarGridDuals(_ act: Activation, _ g: SO3PairGeometry, _ v1: [Double], _ v2: [Double],
                                _ k: inout [Double], _ t: inout [Double]) {
        let s = g.slice
        // Bounds: k and t hold n·s² entries (checked by the caller), v1 and v2 hold s.
        for d in 0..<g.n { for r in 0..<s {
            let row = (d * s + r) * s, a = v1[r]
            for r2 in 0..<s {
                let dual = act.dual(k: k[row + r2], v1: a, v2: v2[r2])
                k[row + r2] = dual.k; t[row + r2] *= dual.kdot
            }
        } }
    }

    /// Returns K and Θ of the pooled output (entry 0 of the final kernels). The stack's kernels
    /// live in `scratch` (reused from pair to pair by one worker).
    func run(_ p1: [Double], _ p2: [Double], _ var1: [[Double]]?, _ var2: [[Double]]?,
             through last: Int, capture: inout [[Double]], scratch: SO3FastScratch) -> (k: Double, t: Double) {
        var k: [Double] = [], t: [Double] = []
        swap(&k, &scratch.k); swap(&t, &scratch.t)
        defer { swap(&k, &scratch.k); swap(&t, &scratch.t) }
        for (i, op) in ops.enumerated() where i <= last {
            switch op {
            case .lift(let map, let a):
                let w = a.wStd, b = a.bStd ?? 0
                map.apply(p1, p2, w2: w * w, b2: b * b, z: scratch.z, into: &k, unused: &scratch.unused)
                so3Resize(&t, k.count)
                for q in k.indices { t[q] = k[q] }
            case .conv(let map, let a):
                let w2 = a.wStd * a.wStd, b = a.bStd ?? 0, b2 = b * b
                map.apply(&k, &t, z: scratch.z, zo: scratch.zo)
                for q in k.indices { k[q] = w2 * k[q] + b2; t[q] = k[q] + w2 * t[q] }
            case .gridActivation(let act, let g):
                let s = g.slice
                let diag = (0..<s).map { k[$0 * s + $0] }
                let v1 = var1?[i] ?? diag, v2 = var2?[i] ?? diag
                if var1 == nil { capture[i] = diag }
                // Bounds: k and t hold g.count = n·s² entries (the layout of the previous linear op);
                // row (d, r) starts at (d·s + r)·s and has s entries, v1 and v2 have s.
                precondition(k.count == g.count && t.count == g.count && v1.count == s && v2.count == s)
                // The plane engine's row kernels (vectorised erf/ReLU duals with the per-row and
                // per-column variance factors hoisted; scalar `dual` for other activations). In a
                // self-pair the Δ = 0 slice holds K(x, x)(R, R) on its diagonal: exact there.
                if !vectorGridDuals {
                    Self.scalarGridDuals(act, g, v1, v2, &k, &t)
                    break
                }
                let rows = BlockActivation<Double>(act, v1: v1, v2: v2, selfPair: false)
                let selfRows = var1 == nil ? BlockActivation<Double>(act, v1: v1, v2: v2, selfPair: true) : rows
                // Entries whose correlation is exactly ±1 in the scalar form (|K| = v₁ = v₂, e.g. a
                // cross pair of an input with itself): the hoisted 1/√v factors would give 1 ± ε,
                // which arccos turns into 1e-8, so they take the scalar `dual` (exact there).
                let equalVariance = (0..<s).map { r in (0..<s).filter { v2[$0] == v1[r] } }
                k.withUnsafeMutableBufferPointer { kb in t.withUnsafeMutableBufferPointer { tb in
                    guard let kp = kb.baseAddress, let tp = tb.baseAddress else { return }
                    for d in 0..<g.n {
                        let block = d == 0 ? selfRows : rows
                        for r in 0..<s {
                            let row = (d * s + r) * s
                            let exact = equalVariance[r].filter { abs(kp[row + $0]) == v1[r] && !(d == 0 && var1 == nil && $0 == r) }
                            let saved = exact.map { (kp[row + $0], tp[row + $0]) }
                            block.applyRow(r, k: kp + row, theta: tp + row, cols: s)
                            for (c, (kv, tv)) in zip(exact, saved) {
                                let dual = act.dual(k: kv, v1: v1[r], v2: v2[c])
                                kp[row + c] = dual.k; tp[row + c] = tv * dual.kdot
                            }
                        }
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
                // From here on only entry 0 is used (the buffers keep their size for the next pair).
                k[0] = c * sk; t[0] = c * st
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
        return (k.first ?? .nan, t.first ?? .nan)
    }
}
