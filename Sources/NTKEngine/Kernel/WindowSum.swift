/// Separable window sums over a 4-D pair block B[ty][tx][t′y][t′x].
///
/// A (twisted) convolution's kernel map is a mean over taps e of B(t + e, t′ + S·e), with S
/// the relative group element (identity for plain convolutions). S is a signed permutation,
/// so each tap axis of e moves exactly one axis of t and one axis of t′: the k_h·k_w-tap
/// window factorises into a k_h-tap pass and a k_w-tap pass — (b) of the exact speed-ups:
/// k_h + k_w additions per entry instead of k_h·k_w. Each pass adds whole contiguous slabs
/// (vectorised), row by row only where a shift crosses a row boundary.
enum WindowSum {
    /// One pass of a separable window sum, planned once per layer and relative element:
    /// dst = Σ_j src[o + shift_j] where the shift moves axis `a` (0 or 1) by `shiftA[j]` and
    /// axis `b` (2 or 3) by `shiftB[j]`. Out-of-range indices wrap (circular) or contribute
    /// zero (same); valid padding never leaves the input (`outDims` shrank).
    ///
    /// Along the shifted axis b the plan holds the interior [lo, hi) — where every tap's source
    /// index is in range — and, for each edge position outside it, every tap's wrapped source
    /// index (−1: a zero tap), so the hot loops never divide (before: a modulo per edge entry
    /// and tap, which with 3×3 circular filters cost about as much as the interior sweep).
    struct Pass {
        let a: Int, b: Int
        let inDims: [Int], outDims: [Int]
        let shiftA: [Int], shiftB: [Int]
        let circular: Bool
        let lo: Int, hi: Int
        /// Edge positions along b: [0, lo) then [hi, len).
        let edges: [Int]
        /// `edgeSource[e·k + j]`: source index along b of tap j at `edges[e]`, or −1.
        let edgeSource: [Int]

        init(inDims: [Int], outDims: [Int], a: Int, b: Int, shiftA: [Int], shiftB: [Int], padding: Padding) {
            self.a = a; self.b = b; self.inDims = inDims; self.outDims = outDims
            self.shiftA = shiftA; self.shiftB = shiftB
            circular = padding == .circular
            let len = outDims[b], n = inDims[b]
            var lo = 0, hi = len
            for r in shiftB { lo = max(lo, -r); hi = min(hi, n - r) }
            lo = min(lo, len); hi = max(lo, hi)
            self.lo = lo; self.hi = hi
            edges = Array(0..<lo) + Array(hi..<len)
            var src: [Int] = []
            src.reserveCapacity(edges.count * shiftB.count)
            for x in edges {
                for r in shiftB {
                    let u = x + r
                    if u >= 0 && u < n { src.append(u) } else { src.append(padding == .circular ? ((u % n) + n) % n : -1) }
                }
            }
            edgeSource = src
        }
    }

    /// One pass for one output slab (i0, i1) = `slabIndex` (see `Pass`); kept for the tests.
    static func passSlab<T: KernelFloat>(src: UnsafePointer<T>, dst: UnsafeMutablePointer<T>, slabIndex: Int,
                         inDims: [Int], outDims: [Int], a: Int, b: Int,
                         shiftA: [Int], shiftB: [Int], padding: Padding) {
        let pass = Pass(inDims: inDims, outDims: outDims, a: a, b: b, shiftA: shiftA, shiftB: shiftB, padding: padding)
        passSlab(pass, src: src, dst: dst, src2: nil, dst2: nil, slabIndex: slabIndex)
    }

    /// Output slab `slabIndex` of `pass` from `src` into `dst` and, when given, from `src2`
    /// into `dst2` (Θ beside K: same taps, same plan, one call).
    ///
    /// The taps are summed in one sweep (dst written once, no zero fill), over the interior in
    /// one fused vector loop, at the edges tap by tap in the plan's order j = 0, 1, … — the
    /// same order everywhere (0 + a + b + …), so the result does not depend on the route.
    static func passSlab<T: KernelFloat>(_ pass: Pass, src: UnsafePointer<T>, dst: UnsafeMutablePointer<T>,
                                         src2: UnsafePointer<T>?, dst2: UnsafeMutablePointer<T>?, slabIndex: Int) {
        let o1 = pass.outDims[1]
        let i0 = slabIndex / o1, i1 = slabIndex % o1
        let n0 = pass.inDims[0], n1 = pass.inDims[1], inSlab = pass.inDims[2] * pass.inDims[3]
        let k = pass.shiftA.count
        withUnsafeTemporaryAllocation(of: Int.self, capacity: 3 * k + 1) { buf in
            guard let offs = buf.baseAddress else { return }
            // The m taps that reach the input along axis a: source slab offset, shift along b,
            // and the tap's index j (for the edge table).
            let r = offs + k, tap = offs + 2 * k
            var m = 0
            for j in 0..<k {
                var s0 = pass.a == 0 ? i0 + pass.shiftA[j] : i0
                var s1 = pass.a == 1 ? i1 + pass.shiftA[j] : i1
                if s0 < 0 || s0 >= n0 { if pass.circular { s0 = ((s0 % n0) + n0) % n0 } else { continue } }
                if s1 < 0 || s1 >= n1 { if pass.circular { s1 = ((s1 % n1) + n1) % n1 } else { continue } }
                offs[m] = (s0 * n1 + s1) * inSlab
                r[m] = pass.shiftB[j]
                tap[m] = j
                m += 1
            }
            pass.edgeSource.withUnsafeBufferPointer { es in
                pass.edges.withUnsafeBufferPointer { eds in
                    let plan = SlabTaps(m: m, k: k, offset: offs, shift: r, tap: tap,
                                        edges: eds, edgeSource: es, lo: pass.lo, hi: pass.hi)
                    sumSlab(plan, pass: pass, src: src, dst: dst)
                    if let s2 = src2, let d2 = dst2 { sumSlab(plan, pass: pass, src: s2, dst: d2) }
                }
            }
        }
    }

    /// The taps of one output slab (pointers into `passSlab`'s scratch and the pass plan).
    struct SlabTaps {
        let m: Int, k: Int
        let offset: UnsafeMutablePointer<Int>, shift: UnsafeMutablePointer<Int>, tap: UnsafeMutablePointer<Int>
        let edges: UnsafeBufferPointer<Int>, edgeSource: UnsafeBufferPointer<Int>
        let lo: Int, hi: Int
    }

    /// One channel (K or Θ) of `passSlab`.
    ///
    /// Bounds: a tap's source slab is `src + offset[j]` with offset < n0·n1·inSlab (s0, s1 in
    /// range above). Interior reads x + r_j lie in [0, n) by the definition of [lo, hi); edge
    /// reads use table entries in [0, n) (−1 skipped). In the flat route (b = 3, o3 = n3) the
    /// run [flo, fhi) keeps i + r_j in [0, o2·o3) for every tap, and every entry it gets wrong
    /// (a row's x with x + r_j outside [0, n3)) is an edge position, rewritten afterwards.
    @inline(__always)
    static func sumSlab<T: KernelFloat>(_ p: SlabTaps, pass: Pass, src: UnsafePointer<T>, dst: UnsafeMutablePointer<T>) {
        let m = p.m, k = p.k
        let n3 = pass.inDims[3], o2 = pass.outDims[2], o3 = pass.outDims[3]
        if m == 0 { dst.initialize(repeating: 0, count: o2 * o3); return }
        withUnsafeTemporaryAllocation(of: UnsafePointer<T>.self, capacity: m) { cb in
            guard let cur = cb.baseAddress else { return }
            if pass.b == 2 {
                // Rows shift; axis 3 is untouched by this pass, so o3 = n3 and the interior
                // rows form one contiguous run in dst and in every source.
                for j in 0..<m { cur[j] = src + p.offset[j] + (p.lo + p.shift[j]) * n3 }
                fusedSum(dst + p.lo * o3, cur, m, (p.hi - p.lo) * o3)
                for (e, x) in p.edges.enumerated() {
                    let drow = dst + x * o3
                    drow.initialize(repeating: 0, count: o3)
                    for j in 0..<m {
                        let u = p.edgeSource[e * k + p.tap[j]]
                        if u >= 0 { VectorMath.add(drow, src + p.offset[j] + u * n3, o3) }
                    }
                }
                return
            }
            // Columns within each row shift; o2 = n2.
            if o3 == n3 {
                // Same/circular: one flat run over the whole slab, edges rewritten below.
                var rmin = 0, rmax = 0
                for j in 0..<m { rmin = min(rmin, p.shift[j]); rmax = max(rmax, p.shift[j]) }
                let flo = -rmin, fhi = o2 * o3 - rmax
                if fhi > flo {
                    for j in 0..<m { cur[j] = src + p.offset[j] + flo + p.shift[j] }
                    fusedSum(dst + flo, cur, m, fhi - flo)
                }
            } else {
                for i2 in 0..<o2 {
                    for j in 0..<m { cur[j] = src + p.offset[j] + i2 * n3 + p.lo + p.shift[j] }
                    fusedSum(dst + i2 * o3 + p.lo, cur, m, p.hi - p.lo)
                }
            }
            for i2 in 0..<o2 {
                let drow = dst + i2 * o3
                for (e, x) in p.edges.enumerated() {
                    var acc: T = 0
                    for j in 0..<m {
                        let u = p.edgeSource[e * k + p.tap[j]]
                        if u >= 0 { acc += src[p.offset[j] + i2 * n3 + u] }
                    }
                    drow[x] = acc
                }
            }
        }
    }

    /// d[i] = 0 + s[0][i] + s[1][i] + … + s[m−1][i] for i < n (left to right, as the tap-by-tap
    /// accumulation into a zeroed buffer gives).
    @inline(__always)
    static func fusedSum<T: KernelFloat>(_ d: UnsafeMutablePointer<T>, _ s: UnsafeMutablePointer<UnsafePointer<T>>, _ m: Int, _ n: Int) {
        guard n > 0 else { return }
        let w = T.Vector.scalarCount
        switch m {
        case 1:
            d.update(from: s[0], count: n)
        case 2:
            let s0 = s[0], s1 = s[1]
            var i = 0
            while i + w <= n { VectorMath.store(VectorMath.load(s0 + i) + VectorMath.load(s1 + i), d + i); i += w }
            while i < n { d[i] = s0[i] + s1[i]; i += 1 }
        case 3:
            let s0 = s[0], s1 = s[1], s2 = s[2]
            var i = 0
            while i + w <= n {
                VectorMath.store(VectorMath.load(s0 + i) + VectorMath.load(s1 + i) + VectorMath.load(s2 + i), d + i)
                i += w
            }
            while i < n { d[i] = s0[i] + s1[i] + s2[i]; i += 1 }
        default:
            d.update(from: s[0], count: n)
            for j in 1..<m { VectorMath.add(d, s[j], n) }
        }
    }

    /// Per-tap input offsets along one axis: input = output + shift. For the second point of
    /// a twisted pass (`sign` = −1) the taps run mirrored about the filter centre.
    static func shifts(taps k: Int, padding: Padding, sign: Int) -> [Int] {
        let lo = padding == .valid ? 0 : (k - 1) / 2
        return (0..<k).map { j in (sign >= 0 ? j : k - 1 - j) - lo }
    }

    /// The twisted window sum of `map` applied to K (and Θ when given):
    /// out(t, t′) = Σ_e in(t + e, t′ + S·e), unnormalised. `*Scratch` (≥ `scratchNeed`
    /// entries) hold first-pass slabs.
    ///
    /// Order (issue 10, second round): the t_x pass first, the t_y pass second, in column
    /// bands of `band` output slabs. For a band, a small ring of t_x-pass rows (one row = the
    /// band's slabs of one input row t_y) is kept; each output row t_y sums the ring rows its
    /// taps need, computing a row only when it is not in the ring. Each input slab is thus read
    /// once from memory (plus the band halo of the t_x taps) — before, the t_y pass read every
    /// input slab k_h times at a reuse distance of ≈ 1.5 MiB (three block rows of K and of Θ).
    /// The two passes commute (they move disjoint axes, each with its own padding rule), so the
    /// result is the same sum in another order.
    ///
    /// In place (`kOut == k`, and then Θ's output is its input too): one band of whole rows
    /// (a narrower band's t_x halo would read slabs of a band already written), and output row
    /// i0 is written over input row(s) only after every ring row it needs is computed. A ring
    /// row whose input has been overwritten is never evicted before its last use (circular
    /// wrap: the first rows are needed again at the end), and a row is only ever computed from
    /// intact input (checked). Bounds: output slab t lies in [0, out[0]·out[1]) slabs of the
    /// output block, ring slots in [0, ringRows·band) slabs of the scratch (`scratchNeed`).
    static func twisted<T: KernelFloat>(map: LinearMap, s: Matrix2, dims: [Int],
                        k: UnsafePointer<T>, kOut: UnsafeMutablePointer<T>, kScratch: UnsafeMutablePointer<T>,
                        theta: (UnsafePointer<T>, UnsafeMutablePointer<T>, UnsafeMutablePointer<T>)?,
                        maxBand: Int = .max,
                        finish: ((_ t: Int, _ k: UnsafeMutablePointer<T>, _ theta: UnsafeMutablePointer<T>?, _ count: Int) -> Void)? = nil) -> [Int] {
        let plan = TwistedPlan(map: map, s: s, dims: dims, elementSize: MemoryLayout<T>.stride, maxBand: maxBand,
                               inPlace: UnsafePointer(kOut) == k)
        // K and Θ are both in place or both not (the rings' bookkeeping is shared).
        precondition(theta.map { (UnsafePointer($0.1) == $0.0) == plan.inPlace } ?? true, "K and Θ must both be in place or not")
        let mid = plan.mid, out = plan.out
        let midSlab = mid[2] * mid[3], outSlab = out[2] * out[3]
        let rows = plan.ringRows, band = plan.band
        withUnsafeTemporaryAllocation(of: Int.self, capacity: rows + 2 * plan.kh) { tmp in
            guard let slotRow = tmp.baseAddress else { return }
            let needed = slotRow + rows, slotOf = needed + plan.kh
            for c in stride(from: 0, to: out[1], by: band) {
                let width = min(band, out[1] - c)
                for r in 0..<rows { slotRow[r] = -1 }
                for i0 in 0..<out[0] {
                    // The input rows this output row's t_y taps read (−1: a zero tap).
                    for j in 0..<plan.kh { needed[j] = plan.sourceRow(i0 + plan.shiftY[j]) }
                    for j in 0..<plan.kh where needed[j] >= 0 {
                        if let r = (0..<rows).first(where: { slotRow[$0] == needed[j] }) { slotOf[j] = r; continue }
                        // A free slot: empty, or holding a row this output row does not need that
                        // is either never needed again or can still be recomputed from its input.
                        let free = (0..<rows).first { r in
                            let row = slotRow[r]
                            if row < 0 { return true }
                            if (0..<plan.kh).contains(where: { needed[$0] == row }) { return false }
                            return plan.lastUse[row] < i0 || plan.intact(row, before: i0)
                        }
                        // `ringRows` counts the rows that are needed now or live and overwritten
                        // (see `TwistedPlan.init`), so a free slot exists and the row's input is intact.
                        guard let r = free, plan.intact(needed[j], before: i0) else {
                            preconditionFailure("window-sum ring: no free slot or input row \(needed[j]) already overwritten")
                        }
                        slotRow[r] = needed[j]
                        slotOf[j] = r
                        for x in 0..<width {
                            let d = (r * band + x) * midSlab
                            passSlab(plan.first, src: k, dst: kScratch + d, src2: theta?.0, dst2: theta.map { $0.2 + d },
                                     slabIndex: needed[j] * mid[1] + c + x)
                        }
                    }
                    for x in 0..<width {
                        let t = i0 * out[1] + c + x
                        let kSlab = kOut + t * outSlab
                        let tSlab = theta.map { $0.1 + t * outSlab }
                        plan.sumRing(slotOf: slotOf, needed: needed, x: x, k: kScratch, kDst: kSlab,
                                     theta: theta.map { UnsafePointer($0.2) }, thetaDst: tSlab)
                        finish?(t, kSlab, tSlab, outSlab)
                    }
                }
            }
        }
        return out
    }

    /// Entries of each scratch buffer `twisted` may use for a block of `dims` under `map`
    /// (any s): the ring of `TwistedPlan`. Never more than 2·(H·W)² for an H×W image.
    static func scratchNeed(map: LinearMap, dims: [Int], elementSize: Int, inPlace: Bool = false) -> Int {
        // The ring's slab size depends on which t′ axis the t_x pass moves (s = identity or a
        // quarter turn), which matters for valid padding with k_h ≠ k_w.
        [Matrix2.identity, .rotation90].map {
            TwistedPlan(map: map, s: $0, dims: dims, elementSize: elementSize, inPlace: inPlace).scratchNeed
        }.max() ?? 0
    }

    /// Shapes, shifts and ring layout of one `twisted` call.
    struct TwistedPlan {
        let mid: [Int], out: [Int]
        let kh: Int
        let shiftY: [Int]
        let inRows: Int
        let circular: Bool
        /// The t_x pass (axis 1 and t′ axis bX) over the whole block, and the t_y pass (axis
        /// 0 and t′ axis bY) over the ring.
        let first: Pass, second: Pass
        let ringRows: Int, band: Int
        /// Output written over the input (`kOut == k`): then the band is the whole row, and a
        /// ring row whose input was overwritten is kept until its last use.
        let inPlace: Bool
        /// Entries of one input / output row t_y.
        let inRow: Int, outRow: Int
        /// `lastUse[r]`: the last output row whose taps read input row r (−1: none).
        let lastUse: [Int]

        /// `maxBand` caps the band width (the tests force narrow bands on small blocks).
        init(map: LinearMap, s: Matrix2, dims: [Int], elementSize: Int, maxBand: Int = .max, inPlace: Bool = false) {
            kh = map.kh
            circular = map.padding == .circular
            inRows = dims[0]
            // Pass over e_x: moves t_x, and t′_x (S.d = ±1) or t′_y (S.b = ±1).
            let bX = s.d != 0 ? 3 : 2
            let signX = s.d != 0 ? s.d : s.b
            var mid = dims
            mid[1] = map.outW
            mid[bX] = bX == 3 ? map.outW : map.outH
            // Pass over e_y: moves t_y, and t′_y (S.a) or t′_x (S.c).
            let bY = s.a != 0 ? 2 : 3
            let signY = s.a != 0 ? s.a : s.c
            var out = mid
            out[0] = map.outH
            out[bY] = bY == 2 ? map.outH : map.outW
            self.mid = mid; self.out = out
            first = Pass(inDims: dims, outDims: mid, a: 1, b: bX,
                         shiftA: shifts(taps: map.kw, padding: map.padding, sign: 1),
                         shiftB: shifts(taps: map.kw, padding: map.padding, sign: signX), padding: map.padding)
            shiftY = shifts(taps: map.kh, padding: map.padding, sign: 1)
            // The ring's "input" is one band row per slot: a = 0 indexes the slot.
            second = Pass(inDims: [1, 1, mid[2], mid[3]], outDims: [1, 1, out[2], out[3]], a: 0, b: bY,
                          shiftA: [Int](repeating: 0, count: map.kh),
                          shiftB: shifts(taps: map.kh, padding: map.padding, sign: signY), padding: map.padding)
            self.inPlace = inPlace
            inRow = dims[1] * dims[2] * dims[3]
            outRow = out[1] * out[2] * out[3]
            var last = [Int](repeating: -1, count: dims[0])
            for i0 in 0..<out[0] { for d in shiftY { let r = Self.sourceRow(i0 + d, dims[0], circular); if r >= 0 { last[r] = i0 } } }
            lastUse = last
            ringRows = Self.ringRows(out: out, dims: dims, shiftY: shiftY, circular: circular, lastUse: last,
                                     inPlace: inPlace, inRow: inRow, outRow: outRow)
            // Band width: the ring (K and Θ) within ≈ 512 KiB, at least one slab; in place the
            // whole row (a band's t_x halo would read slabs a previous band overwrote).
            let slabBytes = max(1, mid[2] * mid[3] * elementSize)
            band = inPlace ? map.outW : max(1, min(map.outW, maxBand, (512 << 10) / (2 * ringRows * slabBytes)))
        }

        /// Slots the ring needs: at each output row, the rows its taps read plus (in place) the
        /// rows already computed whose input was overwritten and which are still to be read —
        /// at most, plus one. Not in place: min(k_h, H) + 1.
        static func ringRows(out: [Int], dims: [Int], shiftY: [Int], circular: Bool, lastUse: [Int],
                             inPlace: Bool, inRow: Int, outRow: Int) -> Int {
            guard inPlace else { return min(shiftY.count, dims[0]) + 1 }
            var first = [Int](repeating: -1, count: dims[0])
            var most = 1
            for i0 in 0..<out[0] {
                var live = Set<Int>()
                for d in shiftY {
                    let r = sourceRow(i0 + d, dims[0], circular)
                    if r >= 0 { live.insert(r); if first[r] < 0 { first[r] = i0 } }
                }
                for r in 0..<dims[0] where first[r] >= 0 && first[r] < i0 && lastUse[r] >= i0 && r * inRow < i0 * outRow {
                    live.insert(r)
                }
                most = max(most, live.count)
            }
            return most + 1
        }

        /// Whether input row r is still unwritten when output row i0 is about to be written
        /// (output rows 0..<i0 are written; always true when not in place).
        func intact(_ r: Int, before i0: Int) -> Bool { !inPlace || r * inRow >= i0 * outRow }

        /// Entries of each scratch buffer: the ring (in place: whole rows).
        var scratchNeed: Int { ringRows * band * mid[2] * mid[3] }

        /// Input row of a t_y tap (wrapped when circular), or −1 (a zero tap).
        func sourceRow(_ u: Int) -> Int { Self.sourceRow(u, inRows, circular) }
        static func sourceRow(_ u: Int, _ n: Int, _ circular: Bool) -> Int {
            if u >= 0 && u < n { return u }
            return circular ? ((u % n) + n) % n : -1
        }

        /// Output slab x of the band from the ring: Σ_j ring[slotOf[j]][x] shifted along bY
        /// (taps j in order, zero taps skipped), for K and, when given, Θ.
        func sumRing<T: KernelFloat>(slotOf: UnsafeMutablePointer<Int>, needed: UnsafeMutablePointer<Int>, x: Int,
                                     k: UnsafePointer<T>, kDst: UnsafeMutablePointer<T>,
                                     theta: UnsafePointer<T>?, thetaDst: UnsafeMutablePointer<T>?) {
            let midSlab = mid[2] * mid[3]
            withUnsafeTemporaryAllocation(of: Int.self, capacity: 3 * kh + 1) { buf in
                guard let offs = buf.baseAddress else { return }
                let r = offs + kh, tap = offs + 2 * kh
                var m = 0
                for j in 0..<kh where needed[j] >= 0 {
                    offs[m] = (slotOf[j] * band + x) * midSlab
                    r[m] = second.shiftB[j]
                    tap[m] = j
                    m += 1
                }
                second.edgeSource.withUnsafeBufferPointer { es in
                    second.edges.withUnsafeBufferPointer { eds in
                        let taps = SlabTaps(m: m, k: kh, offset: offs, shift: r, tap: tap,
                                            edges: eds, edgeSource: es, lo: second.lo, hi: second.hi)
                        sumSlab(taps, pass: second, src: k, dst: kDst)
                        if let th = theta, let td = thetaDst { sumSlab(taps, pass: second, src: th, dst: td) }
                    }
                }
            }
        }
    }

    /// The diagonal recursion v′(t) = Σ_e v(t + e) on an H×W grid (self-variances, S = identity).
    static func diagonal(_ v: [Double], h: Int, w: Int, map: LinearMap) -> [Double] {
        let sy = shifts(taps: map.kh, padding: map.padding, sign: 1)
        let sx = shifts(taps: map.kw, padding: map.padding, sign: 1)
        var out = [Double](repeating: 0, count: map.outH * map.outW)
        for oy in 0..<map.outH {
            for ox in 0..<map.outW {
                var acc = 0.0
                for dy in sy {
                    var y = oy + dy
                    if y < 0 || y >= h { if map.padding == .circular { y = ((y % h) + h) % h } else { continue } }
                    for dx in sx {
                        var x = ox + dx
                        if x < 0 || x >= w { if map.padding == .circular { x = ((x % w) + w) % w } else { continue } }
                        acc += v[y * w + x]
                    }
                }
                out[oy * map.outW + ox] = acc
            }
        }
        return out
    }
}
