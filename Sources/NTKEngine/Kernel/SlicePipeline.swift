/// Mean readouts of all-circular stacks, one displacement slice at a time (issue 10, round four).
///
/// With circular padding every spatial layer of a relative element S maps
///   out(t, t′) = Σ_e in(t + e, t′ + S·e)        (indices mod H, W).
/// Write the second point as t′ = S·u (mod H, W; S is a signed permutation, so u ↦ S·u is a
/// bijection of the torus — of a square one when S swaps the axes). Then t′ + S·e = S·(u + e):
/// in (t, u) the window moves both points by the same e, the displacement d = u − t is kept,
/// and the P entries {(t, S·(t + d)) : t} of one d form a closed H×W torus on which each layer
/// is a plain circular window sum. Nonlinearities act entrywise, with the variances v₁(t) and
/// v₂(S·(t + d)). So a pair's P×P block splits into P independent slices of P entries, and
/// all layers of a slice run while it sits in L1/L2 (32×32 float64: 8 KiB per channel): no
/// block is written, no ring is kept, no input gemm is made — only the two inputs' features
/// and the per-point variance tables are read. The mean readout sums every entry once
/// ((t, d) ↦ (t, S·(t + d)) is a bijection onto the block).
///
/// Per entry the arithmetic is that of `spatialBlock` (the same tap order — t_x pass, then t_y
/// pass —, the same affine expressions, the same dual code with its rounding), except the
/// input kernel K⁰(t, t′) = Σ_c x1(t, c)·x2(t′, c)/C, which is formed here by hand instead of
/// by a gemm, and the order of the final sum: results agree with the block routes to
/// rounding (`SlicePipelineTests`: ≤ 1e-13 relative in float64; in practice ~1e-16).
///
/// Taken when every spatial op is a circular convolution (conv/lift/gconv, any group) with
/// odd filters no larger than the image, each followed by at most one nonlinearity, and the
/// readout is a mean (`global_avg_pool`, `group_pool`); otherwise `RowPipeline`/`spatialBlock`.
struct SlicePlan: Sendable {
    struct Stage: Sendable {
        /// Tap offsets along x (t_x pass) and y (t_y pass), in the order the block routes sum them.
        let sx: [Int], sy: [Int]
        let kw2: Double, b2: Double, a: Double, beta: Double
        /// The nonlinearity after the linear map (nil: none or identity) and its op index
        /// (the `SelfKernel.diag` entry with its input variances).
        let act: Activation?
        let diagIndex: Int
    }
    let h: Int, w: Int, c: Int
    /// Columns copied on each side of a slice row, so every x tap reads a contiguous run.
    let halo: Int
    let stages: [Stage]

    init?(_ stack: Stack) {
        guard stack.isImageStack, let red = stack.reduction, red.kind == .mean, let group = stack.group else { return nil }
        let shape = stack.spec.inputShape
        let (h, w) = (shape[0], shape[1])
        guard h > 0, w > 0, shape[2] > 0, !group.needsSquareGrid || h == w else { return nil }
        let ops = stack.spatial
        var st: [Stage] = []
        var halo = 0
        var oi = 0
        while oi < ops.count {
            guard case .linear(let m) = ops[oi].kind, m.padding == .circular, m.kh % 2 == 1, m.kw % 2 == 1,
                  m.kh <= h, m.kw <= w, m.inH == h, m.inW == w, m.outH == h, m.outW == w else { return nil }
            var act: Activation?
            var di = -1
            if oi + 1 < ops.count, case .activation(let a) = ops[oi + 1].kind {
                if a != .identity { act = a }
                di = oi + 1
                oi += 1
            }
            oi += 1
            let inv = 1 / Double(m.kh * m.kw)
            st.append(Stage(sx: WindowSum.shifts(taps: m.kw, padding: .circular, sign: 1),
                            sy: WindowSum.shifts(taps: m.kh, padding: .circular, sign: 1),
                            kw2: m.w2 * inv, b2: m.b2, a: m.thetaFromK * inv, beta: m.thetaConst, act: act, diagIndex: di))
            halo = max(halo, (m.kw - 1) / 2)
        }
        guard !st.isEmpty else { return nil }
        self.h = h; self.w = w; self.c = shape[2]; self.halo = halo; self.stages = st
    }
}

/// The buffers and per-pair tables of the slice route; one per worker (`Workspace`), never shared.
///
/// Layout (one arena of T, offsets fixed at init; every index below is bounded by the sizes
/// allocated here):
/// - `rowK`, `rowT`: two slots (rows t_y alternate) of one output row with its halo, `stride` =
///   W + 2·halo entries each (data in [halo, halo + W), wrapped copies on both sides) — the
///   next layer's t_x pass reads a row one step later, once its stores have reached L1 (read
///   at once, the unaligned tap loads over the fresh vector and halo stores stall on failed
///   store-to-load forwarding: measured 5–9 % of the time);
/// - `midK[i]`, `midT[i]` (i = 0, 1, alternating per layer): a layer's t_x-passed input, H×W;
/// - `x1c`: x1 channel-major, C×P; `x2d`: x2 channel-major, permuted by S and doubled to
///   (2H)×(2W) so that the shifted row u_y = t_y + d_y, u_x ∈ [d_x, d_x + W) is contiguous;
/// - per stage with a nonlinearity: the point-1 tables (P each) and the point-2 tables
///   (doubled like `x2d`, 4P each), and in Double the raw variances (P and 4P).
/// Per stage (`Run`): the tap offsets and the row table rows[t_y·k_h + j] = ((t_y + sy_j) mod H)·W
/// (the mid rows of output row t_y's taps), as plain Ints.
final class SliceRunner<T: KernelFloat> {
    typealias V = T.Vector
    let plan: SlicePlan
    let h: Int, w: Int, c: Int, p: Int, stride: Int, halo: Int
    let arena: UnsafeMutablePointer<T>
    let raw: UnsafeMutablePointer<Double>
    let rowK: UnsafeMutablePointer<T>, rowT: UnsafeMutablePointer<T>
    let midK: [UnsafeMutablePointer<T>], midT: [UnsafeMutablePointer<T>]
    let x1c: UnsafeMutablePointer<T>, x2d: UnsafeMutablePointer<T>
    /// Per stage: s₁/is₁ (P), s₂/is₂ (4P) — √v and 1/√v for ReLU, √(1+2v) and its inverse for erf.
    let p1S: [UnsafeMutablePointer<T>], p1I: [UnsafeMutablePointer<T>]
    let p2S: [UnsafeMutablePointer<T>], p2I: [UnsafeMutablePointer<T>]
    let v1: [UnsafeMutablePointer<Double>], v2: [UnsafeMutablePointer<Double>]
    /// Per stage, the plain values the hot loop reads (no arrays: no reference counting per row).
    let runs: UnsafeMutablePointer<Run>
    let ints: UnsafeMutablePointer<Int>
    struct Run {
        let sx: UnsafePointer<Int>, mx: Int
        /// `rowOff` of the stage: output row t_y's taps at rows[t_y·my ..< t_y·my + my].
        let rows: UnsafePointer<Int>, my: Int
        let co: Affine
        let s1: UnsafePointer<T>, is1: UnsafePointer<T>, s2: UnsafePointer<T>, is2: UnsafePointer<T>
        /// How the stage's dual runs for the current pair (`prepare`); nil: no nonlinearity.
        var route: BlockActivation<T>.VectorRoute?
        var sumSq: T = 0, c1: T = 0
    }
    /// The current pair's second input and self-variances (`prepare`).
    var x2: [Double] = []
    var d2: [[Double]] = []

    init(_ plan: SlicePlan) {
        self.plan = plan
        h = plan.h; w = plan.w; c = plan.c; p = plan.h * plan.w; halo = plan.halo; stride = plan.w + 2 * plan.halo
        let n = plan.stages.count
        let (hh, cc, pp, str) = (plan.h, plan.c, plan.h * plan.w, plan.w + 2 * plan.halo)
        let count = 4 * str + 4 * pp + cc * pp + 4 * cc * pp + n * 10 * pp
        let base = UnsafeMutablePointer<T>.allocate(capacity: count)
        base.initialize(repeating: 0, count: count)
        arena = base
        raw = .allocate(capacity: n * 5 * pp)
        raw.initialize(repeating: 0, count: n * 5 * pp)
        var off = 0
        func take(_ k: Int) -> UnsafeMutablePointer<T> { defer { off += k }; return base + off }
        rowK = take(2 * str); rowT = take(2 * str)
        midK = [take(pp), take(pp)]; midT = [take(pp), take(pp)]
        x1c = take(cc * pp); x2d = take(4 * cc * pp)
        var a = [UnsafeMutablePointer<T>](), b = a, cS = a, cI = a
        var r1 = [UnsafeMutablePointer<Double>](), r2 = r1
        for i in 0..<n {
            a.append(take(pp)); b.append(take(pp)); cS.append(take(4 * pp)); cI.append(take(4 * pp))
            r1.append(raw + i * 5 * pp); r2.append(raw + i * 5 * pp + pp)
        }
        precondition(off == count, "slice arena layout")
        p1S = a; p1I = b; p2S = cS; p2I = cI; v1 = r1; v2 = r2
        let rowOff = plan.stages.map { st in
            (0..<hh).flatMap { ty in st.sy.map { ((ty + $0) % hh + hh) % hh * plan.w } }
        }
        // Tap offsets and row tables as plain Ints: per stage sx, then rowOff.
        let intCount = plan.stages.reduce(0) { $0 + $1.sx.count + hh * $1.sy.count }
        ints = .allocate(capacity: max(intCount, 1))
        runs = .allocate(capacity: n)
        var io = 0
        for (l, st) in plan.stages.enumerated() {
            let sxp = ints + io
            for (j, v) in st.sx.enumerated() { sxp[j] = v }
            io += st.sx.count
            let rp = ints + io
            for (j, v) in rowOff[l].enumerated() { rp[j] = v }
            io += rowOff[l].count
            let co = Affine(kw2: T(st.kw2), b2: T(st.b2), a: T(st.a), beta: T(st.beta), first: l == 0)
            (runs + l).initialize(to: Run(sx: sxp, mx: st.sx.count, rows: rp, my: st.sy.count, co: co,
                                          s1: a[l], is1: b[l], s2: cS[l], is2: cI[l]))
        }
    }

    deinit {
        arena.deallocate()
        raw.deallocate()
        ints.deallocate()
        runs.deinitialize(count: plan.stages.count)
        runs.deallocate()
    }

    /// Loads a pair: x1 channel-major, the point-1 tables, and how each dual runs (the
    /// vectorised ReLU needs every variance > 0, the vectorised erf every variance finite and
    /// ≥ 0 — `BlockActivation`'s rules). The point-2 tables depend on S (`loadSecond`).
    func prepare(_ x1: UnsafeBufferPointer<Double>, _ x2: UnsafeBufferPointer<Double>, _ s1: SelfKernel, _ s2: SelfKernel) {
        for t in 0..<p { for ch in 0..<c { x1c[ch * p + t] = T(x1[t * c + ch]) } }
        self.x2 = Array(x2)
        d2 = plan.stages.map { $0.diagIndex >= 0 ? s2.diag[$0.diagIndex] : [] }
        for (l, st) in plan.stages.enumerated() {
            runs[l].route = nil
            guard let act = st.act else { continue }
            let a = s1.diag[st.diagIndex]
            for t in 0..<p { v1[l][t] = a[t] }
            let route = BlockActivation<T>.vectorRoute(act, v1: a, v2: d2[l])
            runs[l].route = route
            switch route {
            case .erf:
                for t in 0..<p { (p1S[l][t], p1I[l][t]) = BlockActivation<T>.pointRoots(act, a[t]) }
            case .relu:
                guard case .abRelu(let ra, let rb) = act else { break }
                let k = BlockActivation<T>.reluConstants(a: ra, b: rb)
                runs[l].sumSq = T(k.sumSq); runs[l].c1 = T(k.c1)
                for t in 0..<p {
                    // As `BlockActivation.reluRow`: s₁ rounded to T, then 1/s₁ in T.
                    let s = T(a[t].squareRoot())
                    p1S[l][t] = s; p1I[l][t] = 1 / s
                }
            case .scalar:
                break
            }
        }
    }

    /// The S-dependent tables: x2 and the point-2 variances at t′ = S·u, u on the doubled grid.
    func loadSecond(_ s: Matrix2) {
        let w2 = 2 * w
        for uy in 0..<(2 * h) {
            for ux in 0..<w2 {
                let (ty, tx) = s.apply(uy % h, ux % w)
                let t = ((ty % h) + h) % h * w + ((tx % w) + w) % w
                let u = uy * w2 + ux
                for ch in 0..<c { x2d[ch * 4 * p + u] = T(x2[t * c + ch]) }
                for (l, st) in plan.stages.enumerated() {
                    guard let act = st.act, let route = runs[l].route else { continue }
                    v2[l][u] = d2[l][t]
                    if route != .scalar { (p2S[l][u], p2I[l][u]) = BlockActivation<T>.pointRoots(act, d2[l][t]) }
                }
            }
        }
    }

    /// Σ K and Σ Θ over the whole block of relative element S (after the last spatial layer)
    /// and the entry count. `selfPair` (x1 = x2 at S = identity): the slice d = 0 is the
    /// diagonal t = t′, which takes the exact-correlation rule, and slices d and −d have equal
    /// sums (K(t, t′) = K(t′, t)), so only one of each pair is run, counted twice.
    func sum(s: Matrix2, selfPair: Bool) -> (k: Double, theta: Double, count: Int) {
        loadSecond(s)
        var sk = 0.0, st = 0.0
        for dy in 0..<h {
            for dx in 0..<w {
                var weight = 1.0
                if selfPair {
                    let mine = dy * w + dx, mirror = (h - dy) % h * w + (w - dx) % w
                    if mirror < mine { continue }
                    if mirror > mine { weight = 2 }
                }
                let r = slice(dy: dy, dx: dx, diagonal: selfPair && dy == 0 && dx == 0)
                sk += weight * r.k; st += weight * r.theta
            }
        }
        return (sk, st, p * p)
    }

    /// One slice through every layer: Σ K and Σ Θ of its P entries after the last one. Each
    /// output row goes, while in L1, through the affine map and the dual, then (wrapped, one
    /// row later) through the next layer's t_x pass into the other mid buffer — or, after the
    /// last layer, into the sums (vector partial sums in T, added in Double per slice).
    func slice(dy: Int, dx: Int, diagonal: Bool) -> (k: Double, theta: Double) {
        let n = plan.stages.count
        let slot = { (ty: Int) in (ty & 1) * self.stride + self.halo }
        for ty in 0..<h {
            let cur = rowK + slot(ty)
            inputRow(ty, dy: dy, dx: dx, into: cur)
            wrapRow(cur)
            if ty > 0 { xRow(rowK + slot(ty - 1), midK[0] + (ty - 1) * w, runs[0]) }
        }
        xRow(rowK + slot(h - 1), midK[0] + (h - 1) * w, runs[0])
        let vw = V.scalarCount
        var accK = V(), accT = V()
        var tailK = 0.0, tailT = 0.0
        for l in 0..<n {
            let run = runs[l]
            let mk = midK[l % 2], mt = midT[l % 2], nk = midK[1 - l % 2], nt = midT[1 - l % 2]
            let last = l == n - 1
            let next = last ? run : runs[l + 1]
            for ty in 0..<h {
                let ok = rowK + slot(ty), ot = rowT + slot(ty)
                layerRow(l, run, ty: ty, u: (ty + dy) * 2 * w + dx, mid: (mk, mt), k: ok, theta: ot, diagonal: diagonal)
                if last {
                    var i = 0
                    while i + vw <= w { accK += VectorMath.load(ok + i); accT += VectorMath.load(ot + i); i += vw }
                    while i < w { tailK += Double(ok[i]); tailT += Double(ot[i]); i += 1 }
                    continue
                }
                wrapRow(ok); wrapRow(ot)
                if ty > 0 {
                    xRow(rowK + slot(ty - 1), nk + (ty - 1) * w, next)
                    xRow(rowT + slot(ty - 1), nt + (ty - 1) * w, next)
                }
            }
            if !last {
                xRow(rowK + slot(h - 1), nk + (h - 1) * w, next)
                xRow(rowT + slot(h - 1), nt + (h - 1) * w, next)
            }
        }
        var sk = tailK, st = tailT
        for i in 0..<vw { sk += Double(accK[i]); st += Double(accT[i]) }
        return (sk, st)
    }

    /// Row t_y of K⁰ on the slice: Σ_c x1(t, c)·x2(S·(t + d), c) / C.
    @inline(__always)
    func inputRow(_ ty: Int, dy: Int, dx: Int, into dst: UnsafeMutablePointer<T>) {
        let vw = V.scalarCount
        let invC = T(1.0 / Double(c))
        let vInv = V(repeating: invC)
        let a0 = x1c + ty * w, b0 = x2d + (ty + dy) * 2 * w + dx
        var i = 0
        while i + vw <= w {
            let f0: V = VectorMath.load(a0 + i), g0: V = VectorMath.load(b0 + i)
            var acc = f0 * g0
            for ch in 1..<max(c, 1) {
                let f: V = VectorMath.load(a0 + ch * p + i), g: V = VectorMath.load(b0 + ch * 4 * p + i)
                acc += f * g
            }
            VectorMath.store(acc * vInv, dst + i)
            i += vw
        }
        while i < w {
            var acc = a0[i] * b0[i]
            for ch in 1..<max(c, 1) { acc += a0[ch * p + i] * b0[ch * 4 * p + i] }
            dst[i] = acc * invC
            i += 1
        }
    }

    /// The halo of one slice row (`row` points at its first data column): the last `halo`
    /// data columns before it, the first `halo` after it. Bounds: halo ≤ (W − 1)/2 < W.
    @inline(__always)
    func wrapRow(_ row: UnsafeMutablePointer<T>) {
        for j in 0..<halo {
            row[-halo + j] = row[w - halo + j]
            row[w + j] = row[j]
        }
    }

    /// out(t_x) = Σ_j row(t_x + sx_j), taps in order (the t_x pass of one row). Reads stay
    /// within [−halo, W + halo) of the row since |sx_j| ≤ halo.
    @inline(__always)
    func xRow(_ row: UnsafeMutablePointer<T>, _ out: UnsafeMutablePointer<T>, _ run: Run) {
        let vw = V.scalarCount
        let sx = run.sx, m = run.mx
        var i = 0
        if m == 3 {
            let s0 = row + sx[0], s1 = row + sx[1], s2 = row + sx[2]
            while i + vw <= w {
                let v0: V = VectorMath.load(s0 + i), v1: V = VectorMath.load(s1 + i)
                let v2: V = VectorMath.load(s2 + i)
                VectorMath.store(v0 + v1 + v2, out + i)
                i += vw
            }
            while i < w { out[i] = s0[i] + s1[i] + s2[i]; i += 1 }
            return
        }
        while i + vw <= w {
            var acc: V = VectorMath.load(row + sx[0] + i)
            for j in 1..<m { acc += VectorMath.load(row + sx[j] + i) }
            VectorMath.store(acc, out + i)
            i += vw
        }
        while i < w {
            var acc = row[sx[0] + i]
            for j in 1..<m { acc += row[sx[j] + i] }
            out[i] = acc
            i += 1
        }
    }

    /// Σ_j mid[rows_j + i] as a vector, taps in order.
    @inline(__always)
    static func taps(_ mid: UnsafePointer<T>, _ rows: UnsafePointer<Int>, _ m: Int, _ i: Int) -> V {
        if m == 3 {
            let a: V = VectorMath.load(mid + rows[0] + i), b: V = VectorMath.load(mid + rows[1] + i)
            let c: V = VectorMath.load(mid + rows[2] + i)
            return a + b + c
        }
        var acc: V = VectorMath.load(mid + rows[0] + i)
        for j in 1..<m { acc += VectorMath.load(mid + rows[j] + i) }
        return acc
    }

    @inline(__always)
    static func tapsScalar(_ mid: UnsafePointer<T>, _ rows: UnsafePointer<Int>, _ m: Int, _ i: Int) -> T {
        var acc = mid[rows[0] + i]
        for j in 1..<m { acc += mid[rows[j] + i] }
        return acc
    }

    /// Output row t_y of stage l into `k`, `theta`: the t_y pass over the mid rows, the affine
    /// map (`spatialBlock`'s expressions: Θ′ = a·ΣK + kw2·ΣΘ + β, a·ΣK + β on the first layer;
    /// K′ = kw2·ΣK + b2) and the dual — fused in registers for the vectorised ReLU and erf.
    @inline(__always)
    func layerRow(_ l: Int, _ run: Run, ty: Int, u: Int, mid: (UnsafeMutablePointer<T>, UnsafeMutablePointer<T>),
                  k: UnsafeMutablePointer<T>, theta: UnsafeMutablePointer<T>, diagonal: Bool) {
        let m = run.my
        let rows = run.rows + ty * m
        let t0 = ty * w
        let tb = RowTables(s1: run.s1 + t0, is1: run.is1 + t0, s2: run.s2 + u, is2: run.is2 + u, k: k, t: theta)
        if run.route == .relu && !diagonal {
            reluRow(mid, rows, m, run.co, tb, sumSq: run.sumSq, c1: run.c1)
        } else if run.route == .erf && !diagonal {
            erfRow(mid, rows, m, run.co, tb)
        } else {
            affineRow(mid, rows, m, run.co, k, theta)
            if run.route != nil { dualRow(l, run, t0: t0, u: u, k: k, theta: theta, diagonal: diagonal) }
        }
    }

    /// The t_y pass and affine map of one row (no dual).
    @inline(__always)
    func affineRow(_ mid: (UnsafeMutablePointer<T>, UnsafeMutablePointer<T>), _ rows: UnsafePointer<Int>, _ m: Int, _ co: Affine,
                   _ k: UnsafeMutablePointer<T>, _ theta: UnsafeMutablePointer<T>) {
        for i in 0..<w { (k[i], theta[i]) = affineScalar(mid, rows, m, co, i) }
    }

    /// (K′, Θ′) at entries i ..< i + lanes: the t_y taps over the mid rows and the affine map,
    /// `spatialBlock`'s expressions — Θ′ = a·ΣK + kw2·ΣΘ + β (a·ΣK + β on the first layer),
    /// K′ = kw2·ΣK + b2.
    @inline(__always)
    func affineLanes(_ mid: (UnsafeMutablePointer<T>, UnsafeMutablePointer<T>), _ rows: UnsafePointer<Int>, _ m: Int,
                     _ co: Affine, _ i: Int) -> (k: V, theta: V) {
        let vkw2 = V(repeating: co.kw2), va = V(repeating: co.a), vbeta = V(repeating: co.beta)
        let sk = Self.taps(mid.0, rows, m, i)
        let tv = co.first ? va * sk + vbeta : va * sk + vkw2 * Self.taps(mid.1, rows, m, i) + vbeta
        return (vkw2 * sk + V(repeating: co.b2), tv)
    }

    /// `affineLanes` for one entry.
    @inline(__always)
    func affineScalar(_ mid: (UnsafeMutablePointer<T>, UnsafeMutablePointer<T>), _ rows: UnsafePointer<Int>, _ m: Int,
                      _ co: Affine, _ i: Int) -> (k: T, theta: T) {
        let sk = Self.tapsScalar(mid.0, rows, m, i)
        let tv = co.first ? co.a * sk + co.beta : co.a * sk + co.kw2 * Self.tapsScalar(mid.1, rows, m, i) + co.beta
        return (co.kw2 * sk + co.b2, tv)
    }

    /// The scalar duals and the self diagonal's exact-correlation rules (`BlockActivation`'s).
    func dualRow(_ l: Int, _ run: Run, t0: Int, u: Int, k: UnsafeMutablePointer<T>, theta: UnsafeMutablePointer<T>, diagonal: Bool) {
        guard let act = plan.stages[l].act else { return }
        if diagonal && run.route == .relu {
            // Exact correlation 1 on the self diagonal: θ = 0, K̇ = (a²+b²)/2 (`reluRow`).
            for i in 0..<w { k[i] = run.sumSq * k[i]; theta[i] = theta[i] * run.sumSq }
            return
        }
        let a = v1[l] + t0, b = v2[l] + u
        for i in 0..<w {
            // The self diagonal takes the exact variance (erf and the scalar route).
            let r = diagonal ? act.dual(k: a[i], v1: a[i], v2: a[i]) : act.dual(k: Double(k[i]), v1: a[i], v2: b[i])
            k[i] = T(r.k)
            theta[i] *= T(r.kdot)
        }
    }

    /// The affine map of one layer (`layerRow`).
    struct Affine {
        let kw2: T, b2: T, a: T, beta: T
        let first: Bool
    }

    /// One row's variance tables (point 1 at t, point 2 at S·(t + d)) and its output rows.
    struct RowTables {
        let s1: UnsafePointer<T>, is1: UnsafePointer<T>, s2: UnsafePointer<T>, is2: UnsafePointer<T>
        let k: UnsafeMutablePointer<T>, t: UnsafeMutablePointer<T>
    }

    /// Fused t_y pass, affine map and ReLU dual (`BlockActivation.reluLanes`, point 1 per
    /// lane), a vector at a time, then scalar; Float rows go to C first (`T.reluRow`).
    // Kept out of line (as measured): the Float specialisation leaves `T.reluAngle` as an
    // out-of-line call here either way, which is why Float takes the C rows.
    @inline(never)
    func reluRow(_ mid: (UnsafeMutablePointer<T>, UnsafeMutablePointer<T>), _ rows: UnsafePointer<Int>, _ m: Int, _ co: Affine,
                 _ tb: RowTables, sumSq: T, c1: T) {
        let vw = V.scalarCount
        var j = withTaps(mid, rows, m) { kt, tt in
            T.reluRow(SliceRow(kTaps: kt, tTaps: tt, m: m, first: co.first, kw2: co.kw2, b2: co.b2, a: co.a, beta: co.beta,
                               s1: tb.s1, is1: tb.is1, s2: tb.s2, is2: tb.is2, k: tb.k, t: tb.t, n: w), sumSq: sumSq, c1: c1)
        }
        let vSum = V(repeating: sumSq), vC1 = V(repeating: c1)
        while j + vw <= w {
            let (kv, tv) = affineLanes(mid, rows, m, co, j)
            let r = BlockActivation<T>.reluLanes(kv, s1: VectorMath.load(tb.s1 + j), is1: VectorMath.load(tb.is1 + j),
                                                 s2: VectorMath.load(tb.s2 + j), is2: VectorMath.load(tb.is2 + j), sumSq: vSum, c1: vC1)
            VectorMath.store(r.k, tb.k + j)
            VectorMath.store(tv * r.dot, tb.t + j)
            j += vw
        }
        while j < w {
            let (kv, tv) = affineScalar(mid, rows, m, co, j)
            let r = BlockActivation<T>.reluScalar(Double(kv), s1: Double(tb.s1[j]), is1: Double(tb.is1[j]), s2: Double(tb.s2[j]),
                                                  is2: Double(tb.is2[j]), sumSq: Double(sumSq), c1: Double(c1))
            tb.k[j] = T(r.k)
            tb.t[j] = tv * T(r.dot)
            j += 1
        }
    }

    /// The mid-row pointers of one output row's taps (K, then Θ), for the C rows.
    @inline(__always)
    func withTaps(_ mid: (UnsafeMutablePointer<T>, UnsafeMutablePointer<T>), _ rows: UnsafePointer<Int>, _ m: Int,
                  _ body: (UnsafePointer<UnsafePointer<T>?>, UnsafePointer<UnsafePointer<T>?>) -> Int) -> Int {
        withUnsafeTemporaryAllocation(of: UnsafePointer<T>?.self, capacity: 2 * m) { buf in
            guard let kp = buf.baseAddress else { return 0 }
            for j in 0..<m { kp[j] = UnsafePointer(mid.0 + rows[j]); kp[m + j] = UnsafePointer(mid.1 + rows[j]) }
            return body(UnsafePointer(kp), UnsafePointer(kp + m))
        }
    }

    /// Fused t_y pass, affine map and erf dual (`BlockActivation.erfLanes`).
    @inline(never)
    func erfRow(_ mid: (UnsafeMutablePointer<T>, UnsafeMutablePointer<T>), _ rows: UnsafePointer<Int>, _ m: Int, _ co: Affine,
                _ tb: RowTables) {
        let vw = V.scalarCount
        var j = withTaps(mid, rows, m) { kt, tt in
            T.erfRow(SliceRow(kTaps: kt, tTaps: tt, m: m, first: co.first, kw2: co.kw2, b2: co.b2, a: co.a, beta: co.beta,
                              s1: tb.s1, is1: tb.is1, s2: tb.s2, is2: tb.is2, k: tb.k, t: tb.t, n: w))
        }
        while j + vw <= w {
            let (kv, tv) = affineLanes(mid, rows, m, co, j)
            let r = BlockActivation<T>.erfLanes(kv, sp1: VectorMath.load(tb.s1 + j), isp1: VectorMath.load(tb.is1 + j),
                                                sp2: VectorMath.load(tb.s2 + j), isp2: VectorMath.load(tb.is2 + j))
            VectorMath.store(r.k, tb.k + j)
            VectorMath.store(tv * r.kdot, tb.t + j)
            j += vw
        }
        while j < w {
            let (kv, tv) = affineScalar(mid, rows, m, co, j)
            let r = BlockActivation<T>.erfScalar(Double(kv), sp1: Double(tb.s1[j]), isp1: Double(tb.is1[j]),
                                                 sp2: Double(tb.s2[j]), isp2: Double(tb.is2[j]))
            tb.k[j] = r.k
            tb.t[j] = tv * r.kdot
            j += 1
        }
    }
}
