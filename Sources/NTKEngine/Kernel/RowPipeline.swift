/// Cross-layer fusion over rows t_y (issue 10, round three): every spatial layer of one
/// relative element s runs row by row, pulled by the layer after it, so no layer's whole
/// P×P output block is ever written — a row of layer ℓ goes through layer ℓ+1's t_x pass into
/// that layer's ring while it is in cache. The last layer's rows are summed on the spot (the
/// `mean` readout), so a pair streams only the input kernel k0 (read-only) from memory.
///
/// Layer ℓ's output row i is Σ_j ring_ℓ[row(i + shiftY_j)] (the t_y pass of `WindowSum`), where
/// ring_ℓ[r] is the t_x pass of layer ℓ's input row r — layer ℓ−1's output row r, computed on
/// demand (recursively) when not in the ring. Nothing is written in place: every row can be
/// recomputed from k0, so correctness never depends on the ring bookkeeping, only speed does.
/// The ring keeps a row until its last use, found by a dry run of the same demand order
/// (`simulate`), so with `slots` = the most rows ever live each row is computed once (circular
/// wrap: rows 0, 1 are needed again at the end).
///
/// The arithmetic per entry is that of `KernelEvaluator.spatialBlock` (same passes, same tap
/// order, same affine and dual code), and the sum keeps `KernelEvaluator.sum`'s four partial
/// sums by global index, so the result equals the layer-by-layer route's bit for bit.
///
/// Taken when the spatial ops are linear maps, each optionally followed by one nonlinearity
/// (conv/lift/gconv of any padding and group, σ after each), the readout is a mean, and the
/// rings fit in the workspace (one block per channel); otherwise `spatialBlock` runs.
final class RowPipeline<T: KernelFloat> {
    struct Stage {
        let plan: WindowSum.TwistedPlan
        /// The t_x pass of one input row (inDims [1, W, ·, ·]): slab x of the row.
        let rowPass: WindowSum.Pass
        let act: BlockActivation<T>?
        let kw2: T, b2: T, a: T, beta: T
        let inRow: Int, midRow: Int, outRow: Int
        let outRows: Int, outCols: Int, outSlab: Int
    }

    let stages: [Stage]
    /// Per stage: ring slots (whole t_x-passed rows), the row each holds (−1 empty), its
    /// K and Θ storage, and the input-row buffers (stage ℓ ≥ 1 reads layer ℓ−1's row there).
    var slots: [Int] = []
    var slotRow: [[Int]] = []
    var ringK: [UnsafeMutablePointer<T>] = [], ringT: [UnsafeMutablePointer<T>] = []
    var rowK: [UnsafeMutablePointer<T>] = [], rowT: [UnsafeMutablePointer<T>] = []
    /// `lastUse[ℓ][r]`: the last call of stage ℓ's `outputRow` that reads its ring row r.
    var lastUse: [[Int]] = []
    /// Calls of each stage's `outputRow` so far (the clock of `lastUse`).
    var calls: [Int] = []
    let k0: UnsafePointer<T>
    /// Σ K and Σ Θ over the last layer's block (`run`).
    var sumK = PhaseSum(total: 0), sumT = PhaseSum(total: 0)

    /// nil when the stack or the workspace does not fit the pipeline (see the type's doc).
    init?(_ ev: KernelEvaluator, s: Matrix2, _ s1: SelfKernel, _ s2: SelfKernel, selfPair: Bool, workspace ws: Workspace<T>) {
        let ops = ev.stack.spatial
        let shape = ev.stack.spec.inputShape
        var dims = [shape[0], shape[1], shape[0], shape[1]]
        let always = ev.rowPipeline == .always
        guard always || dims.reduce(1, *) * MemoryLayout<T>.stride >= 2 << 20 else { return nil }
        var st: [Stage] = []
        var oi = 0
        while oi < ops.count {
            guard case .linear(let m) = ops[oi].kind else { return nil }
            var act: BlockActivation<T>?
            if oi + 1 < ops.count, case .activation(let a) = ops[oi + 1].kind {
                act = BlockActivation<T>(a, v1: s1.diag[oi + 1], v2: s2.diag[oi + 1], selfPair: selfPair)
                oi += 1
            }
            oi += 1
            // inPlace: true only to get band = a whole row (the ring layout `sumRing` indexes).
            let plan = WindowSum.TwistedPlan(map: m, s: s, dims: dims, elementSize: MemoryLayout<T>.stride, inPlace: true)
            let f = plan.first
            let rowPass = WindowSum.Pass(inDims: [1] + dims.dropFirst(), outDims: [1] + plan.mid.dropFirst(), a: 1, b: f.b,
                                         shiftA: f.shiftA, shiftB: f.shiftB, padding: m.padding)
            let inv = 1 / Double(m.kh * m.kw)
            let out = plan.out
            st.append(Stage(plan: plan, rowPass: rowPass, act: act, kw2: T(m.w2 * inv), b2: T(m.b2),
                            a: T(m.thetaFromK * inv), beta: T(m.thetaConst),
                            inRow: dims[1] * dims[2] * dims[3], midRow: plan.mid[1] * plan.mid[2] * plan.mid[3],
                            outRow: out[1] * out[2] * out[3], outRows: out[0], outCols: out[1], outSlab: out[2] * out[3]))
            dims = out
        }
        guard !st.isEmpty else { return nil }
        stages = st
        k0 = UnsafePointer(ws.k0)
        simulate()
        // Arena: bufs[2] for K, bufs[3] for Θ (each 2 blocks allocated; at most one block used
        // by default, and bufs[0], bufs[1] untouched, so a worker keeps ≤ 3 blocks resident
        // with k0). Per stage its ring, then the row buffers. Bounds: every offset below is
        // < `need` ≤ 2 · capacity (`.always`; else 1), the size of bufs[2] and bufs[3].
        // (32×32, 4 circular 3×3 layers: need ≈ 0.6 block; ≈ Σ slots / H blocks in general.)
        var need = 0
        for (l, g) in st.enumerated() { need += slots[l] * g.midRow + g.outRow }
        guard need <= (always ? 2 : 1) * ws.capacity else { return nil }
        var off = 0
        for (l, g) in st.enumerated() {
            ringK.append(ws.bufs[2] + off); ringT.append(ws.bufs[3] + off)
            off += slots[l] * g.midRow
        }
        for g in st {
            // rowK[ℓ + 1]: stage ℓ's output row (the next stage's input, or the summed row).
            rowK.append(ws.bufs[2] + off); rowT.append(ws.bufs[3] + off)
            off += g.outRow
        }
        slotRow = slots.map { [Int](repeating: -1, count: $0) }
        calls = [Int](repeating: 0, count: st.count)
    }

    /// The dry run: the demand order of `run` with unbounded rings, recording each ring row's
    /// first and last use per stage; `slots[ℓ]` = the most rows live at once (≥ 1).
    func simulate() {
        let n = stages.count
        var first = stages.map { [Int](repeating: -1, count: $0.plan.inRows) }
        var last = first
        var clock = [Int](repeating: 0, count: n)
        func pull(_ l: Int, _ i: Int) {
            let now = clock[l]; clock[l] += 1
            let g = stages[l].plan
            for d in g.shiftY {
                let r = g.sourceRow(i + d)
                guard r >= 0 else { continue }
                if first[l][r] < 0 { first[l][r] = now; if l > 0 { pull(l - 1, r) } }
                last[l][r] = now
            }
        }
        for i in 0..<stages[n - 1].outRows { pull(n - 1, i) }
        lastUse = last
        slots = (0..<n).map { l in
            // At least the distinct rows one output row reads, whatever the dry run says.
            var most = min(stages[l].plan.kh, stages[l].plan.inRows)
            for t in 0..<clock[l] { most = max(most, first[l].indices.filter { first[l][$0] >= 0 && first[l][$0] <= t && last[l][$0] >= t }.count) }
            return most
        }
    }

    /// Runs every layer and returns Σ K and Σ Θ over the last layer's block (as
    /// `KernelEvaluator.sum` would over the whole block) and the block's entry count.
    func run() -> (k: Double, theta: Double, count: Int) {
        let n = stages.count, g = stages[n - 1]
        sumK = PhaseSum(total: g.outRows * g.outRow); sumT = sumK
        for i in 0..<g.outRows { outputRow(n - 1, i) }
        return (sumK.value, sumT.value, g.outRows * g.outRow)
    }

    /// Stage l's output row i into rowK[l], rowT[l]: its ring rows (computed when missing),
    /// the t_y pass, the affine map and the dual — `spatialBlock`'s code per slab.
    func outputRow(_ l: Int, _ i: Int) {
        let g = stages[l], plan = g.plan, kh = plan.kh
        let now = calls[l]; calls[l] += 1
        withUnsafeTemporaryAllocation(of: Int.self, capacity: 2 * kh) { tmp in
            guard let needed = tmp.baseAddress else { return }
            let slotOf = needed + kh
            for j in 0..<kh { needed[j] = plan.sourceRow(i + plan.shiftY[j]) }
            for j in 0..<kh where needed[j] >= 0 {
                if let r = slotRow[l].firstIndex(of: needed[j]) { slotOf[j] = r; continue }
                let slot = freeSlot(l, now: now, needed: needed, kh: kh)
                slotRow[l][slot] = needed[j]
                slotOf[j] = slot
                fillRing(l, row: needed[j], slot: slot)
            }
            let zero = l == 0
            for x in 0..<g.outCols {
                let kSlab = rowK[l] + x * g.outSlab, tSlab = rowT[l] + x * g.outSlab
                plan.sumRing(slotOf: slotOf, needed: needed, x: x, k: UnsafePointer(ringK[l]), kDst: kSlab,
                             theta: zero ? nil : UnsafePointer(ringT[l]), thetaDst: zero ? nil : tSlab)
                let (a, beta, kw2, b2) = (g.a, g.beta, g.kw2, g.b2)
                if zero {
                    for e in 0..<g.outSlab { let v = kSlab[e]; tSlab[e] = a * v + beta; kSlab[e] = kw2 * v + b2 }
                } else {
                    for e in 0..<g.outSlab { let v = kSlab[e]; tSlab[e] = a * v + kw2 * tSlab[e] + beta; kSlab[e] = kw2 * v + b2 }
                }
                g.act?.applyRow(i * g.outCols + x, k: kSlab, theta: tSlab, cols: g.outSlab)
                // The last layer's slab is summed while it is in L1 (rows arrive in order).
                if l == stages.count - 1 { sumK.add(kSlab, g.outSlab); sumT.add(tSlab, g.outSlab) }
            }
        }
    }

    /// A slot for a new ring row of stage l: empty, or holding a row not needed now whose last
    /// use is past; failing that (only if the dry run's order was left), any row not needed
    /// now (it is recomputed from k0 if asked for again). `slots[l]` ≥ the distinct rows one
    /// output row needs, so such a slot exists.
    func freeSlot(_ l: Int, now: Int, needed: UnsafeMutablePointer<Int>, kh: Int) -> Int {
        let rows = slotRow[l]
        let inUse: (Int) -> Bool = { row in (0..<kh).contains { needed[$0] == row } }
        if let r = rows.indices.first(where: { rows[$0] < 0 || (!inUse(rows[$0]) && lastUse[l][rows[$0]] < now) }) { return r }
        if let r = rows.indices.first(where: { !inUse(rows[$0]) }) { return r }
        preconditionFailure("row pipeline: ring of stage \(l) smaller than one output row's taps")
    }

    /// Ring slot `slot` of stage l ← the t_x pass of its input row `row` (k0's row for stage
    /// 0, else stage l−1's output row, pulled first). Bounds: slab x < mid[1] of a slot of
    /// `midRow` entries; the row pass reads only slabs of the one input row (inDims[0] = 1).
    func fillRing(_ l: Int, row: Int, slot: Int) {
        let g = stages[l]
        let srcK: UnsafePointer<T>, srcT: UnsafePointer<T>?
        if l == 0 {
            srcK = k0 + row * g.inRow; srcT = nil
        } else {
            outputRow(l - 1, row)
            srcK = UnsafePointer(rowK[l - 1]); srcT = UnsafePointer(rowT[l - 1])
        }
        let midSlab = g.plan.mid[2] * g.plan.mid[3]
        for x in 0..<g.plan.mid[1] {
            let d = slot * g.midRow + x * midSlab
            WindowSum.passSlab(g.rowPass, src: srcK, dst: ringK[l] + d, src2: srcT, dst2: srcT == nil ? nil : ringT[l] + d, slabIndex: x)
        }
    }
}

/// `KernelEvaluator.sum` fed in pieces: four partial sums by global index mod 4, the last
/// `total % 4` entries into the first — the same additions in the same order.
struct PhaseSum {
    let total: Int
    var pos = 0
    var a0 = 0.0, a1 = 0.0, a2 = 0.0, a3 = 0.0
    init(total: Int) { self.total = total }

    mutating func add<T: KernelFloat>(_ p: UnsafePointer<T>, _ n: Int) {
        let body = total - total % 4
        var i = 0
        // Until the global position is a multiple of 4, one at a time.
        while i < n && pos % 4 != 0 && pos < body { addOne(Double(p[i])); i += 1 }
        if pos < body {
            // The aligned run, with the partial sums in locals (registers) — `KernelEvaluator.sum`'s loop.
            let m = min(n - i, body - pos) / 4 * 4
            var b0 = a0, b1 = a1, b2 = a2, b3 = a3
            var j = i
            while j < i + m {
                b0 += Double(p[j]); b1 += Double(p[j + 1]); b2 += Double(p[j + 2]); b3 += Double(p[j + 3])
                j += 4
            }
            a0 = b0; a1 = b1; a2 = b2; a3 = b3
            i += m; pos += m
        }
        while i < n { addOne(Double(p[i])); i += 1 }
    }

    mutating func addOne(_ v: Double) {
        if pos >= total - total % 4 { a0 += v } else {
            switch pos % 4 { case 0: a0 += v; case 1: a1 += v; case 2: a2 += v; default: a3 += v }
        }
        pos += 1
    }

    var value: Double { (a0 + a1) + (a2 + a3) }
}
