/// Separable window sums over a 4-D pair block B[ty][tx][t′y][t′x].
///
/// A (twisted) convolution's kernel map is a mean over taps e of B(t + e, t′ + S·e), with S
/// the relative group element (identity for plain convolutions). S is a signed permutation,
/// so each tap axis of e moves exactly one axis of t and one axis of t′: the k_h·k_w-tap
/// window factorises into a k_h-tap pass and a k_w-tap pass — (b) of the exact speed-ups:
/// k_h + k_w additions per entry instead of k_h·k_w. Each pass adds whole contiguous slabs
/// (vectorised), row by row only where a shift crosses a row boundary.
enum WindowSum {
    /// One pass for one output slab (i0, i1) = `slabIndex`: dst = Σ_j src[o + shift_j] where
    /// the shift moves axis `a` (0 or 1) by `shiftA[j]` and axis `b` (2 or 3) by `shiftB[j]`.
    /// Out-of-range indices wrap (circular) or contribute zero (same); valid padding never
    /// leaves the input (`outDims` shrank).
    ///
    /// The taps are summed in one sweep (dst written once, no zero fill): over the interior
    /// of the shifted axis — where every tap's source index is in range — one fused vector
    /// loop; the few boundary rows/columns go tap by tap with the modulo (or zero) rule. Taps
    /// are added in the order j = 0, 1, … everywhere (0 + a + b + … as before), so the result
    /// does not depend on which route an entry took.
    static func passSlab<T: KernelFloat>(src: UnsafePointer<T>, dst: UnsafeMutablePointer<T>, slabIndex: Int,
                         inDims: [Int], outDims: [Int], a: Int, b: Int,
                         shiftA: [Int], shiftB: [Int], padding: Padding) {
        let o1 = outDims[1]
        let i0 = slabIndex / o1, i1 = slabIndex % o1
        let n0 = inDims[0], n1 = inDims[1], n2 = inDims[2], n3 = inDims[3], inSlab = n2 * n3
        let o2 = outDims[2], o3 = outDims[3]
        let circular = padding == .circular
        let k = shiftA.count
        withUnsafeTemporaryAllocation(of: UnsafePointer<T>.self, capacity: 2 * k) { ptrs in
            withUnsafeTemporaryAllocation(of: Int.self, capacity: k) { shifts in
                guard let slabs = ptrs.baseAddress, let r = shifts.baseAddress else { return }
                let cur = slabs + k
                // The taps that reach the input along axis a: source slab and shift along b.
                var m = 0
                for j in 0..<k {
                    var s0 = a == 0 ? i0 + shiftA[j] : i0
                    var s1 = a == 1 ? i1 + shiftA[j] : i1
                    if s0 < 0 || s0 >= n0 { if circular { s0 = ((s0 % n0) + n0) % n0 } else { continue } }
                    if s1 < 0 || s1 >= n1 { if circular { s1 = ((s1 % n1) + n1) % n1 } else { continue } }
                    slabs[m] = src + (s0 * n1 + s1) * inSlab
                    r[m] = shiftB[j]
                    m += 1
                }
                if m == 0 { dst.initialize(repeating: 0, count: o2 * o3); return }
                // Interior [lo, hi) of the shifted axis (length len, input length n): for x in
                // it, 0 ≤ x + r_j < n for every tap j. Empty when some shift exceeds the axis.
                let len = b == 2 ? o2 : o3, n = b == 2 ? n2 : n3
                var lo = 0, hi = len
                for j in 0..<m { lo = max(lo, -r[j]); hi = min(hi, n - r[j]) }
                lo = min(lo, len); hi = max(lo, hi)
                /// Source index x + r along the shifted axis, wrapped; nil = a zero tap.
                @inline(__always) func source(_ x: Int, _ r: Int) -> Int? {
                    let u = x + r
                    if u >= 0 && u < n { return u }
                    return circular ? ((u % n) + n) % n : nil
                }
                if b == 2 {
                    // Rows shift; axis 3 is untouched by this pass, so o3 = n3 and the
                    // interior rows form one contiguous run in dst and in every source.
                    assert(o3 == n3)
                    for j in 0..<m { cur[j] = slabs[j] + (lo + r[j]) * n3 }
                    fusedSum(dst + lo * o3, cur, m, (hi - lo) * o3)
                    @inline(__always) func edgeRow(_ x: Int) {
                        let drow = dst + x * o3
                        drow.initialize(repeating: 0, count: o3)
                        for j in 0..<m { if let u = source(x, r[j]) { VectorMath.add(drow, slabs[j] + u * n3, o3) } }
                    }
                    for x in 0..<lo { edgeRow(x) }
                    for x in hi..<len { edgeRow(x) }
                } else {
                    // Columns within each row shift; o2 = n2.
                    assert(o2 == n2)
                    for i2 in 0..<o2 {
                        let drow = dst + i2 * o3
                        for j in 0..<m { cur[j] = slabs[j] + i2 * n3 + lo + r[j] }
                        fusedSum(drow + lo, cur, m, hi - lo)
                        @inline(__always) func edge(_ x: Int) {
                            var acc: T = 0
                            for j in 0..<m { if let u = source(x, r[j]) { acc += slabs[j][i2 * n3 + u] } }
                            drow[x] = acc
                        }
                        for x in 0..<lo { edge(x) }
                        for x in hi..<len { edge(x) }
                    }
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
    /// out(t, t′) = Σ_e in(t + e, t′ + S·e), unnormalised. `*Scratch` hold the first pass.
    static func twisted<T: KernelFloat>(map: LinearMap, s: Matrix2, dims: [Int],
                        k: UnsafePointer<T>, kOut: UnsafeMutablePointer<T>, kScratch: UnsafeMutablePointer<T>,
                        theta: (UnsafePointer<T>, UnsafeMutablePointer<T>, UnsafeMutablePointer<T>)?,
                        finish: ((_ t: Int, _ k: UnsafeMutablePointer<T>, _ theta: UnsafeMutablePointer<T>?, _ count: Int) -> Void)? = nil) -> [Int] {
        let kh = map.kh, kw = map.kw
        // Pass over e_y: moves t_y, and t′_y (S.a = ±1) or t′_x (S.c = ±1).
        let bY = s.a != 0 ? 2 : 3
        let signY = s.a != 0 ? s.a : s.c
        var mid = dims
        mid[0] = map.outH
        mid[bY] = bY == 2 ? map.outH : map.outW
        let shA1 = shifts(taps: kh, padding: map.padding, sign: 1), shB1 = shifts(taps: kh, padding: map.padding, sign: signY)
        // Pass over e_x: moves t_x, and t′_x (S.d) or t′_y (S.b).
        let bX = s.d != 0 ? 3 : 2
        let signX = s.d != 0 ? s.d : s.b
        var out = mid
        out[1] = map.outW
        out[bX] = bX == 3 ? map.outW : map.outH
        let shA2 = shifts(taps: kw, padding: map.padding, sign: 1), shB2 = shifts(taps: kw, padding: map.padding, sign: signX)
        // The two passes are interleaved row by row: for each output row t_y, the first pass
        // fills one row of slabs (n_x slabs, a few hundred KiB, L2-resident) and the second pass
        // consumes it at once. The full first-pass result is never materialised, so each
        // layer streams its input and output through memory once.
        let midSlab = mid[2] * mid[3], outSlab = out[2] * out[3]
        let rowIn = [1, mid[1], mid[2], mid[3]], rowOut = [1, out[1], out[2], out[3]]
        for i0 in 0..<out[0] {
            for i1 in 0..<mid[1] {
                passSlab(src: k, dst: kScratch + i1 * midSlab, slabIndex: i0 * mid[1] + i1, inDims: dims, outDims: mid,
                         a: 0, b: bY, shiftA: shA1, shiftB: shB1, padding: map.padding)
                if let th = theta {
                    passSlab(src: th.0, dst: th.2 + i1 * midSlab, slabIndex: i0 * mid[1] + i1, inDims: dims, outDims: mid,
                             a: 0, b: bY, shiftA: shA1, shiftB: shB1, padding: map.padding)
                }
            }
            for i1 in 0..<out[1] {
                let t = i0 * out[1] + i1
                let kSlab = kOut + t * outSlab
                passSlab(src: kScratch, dst: kSlab, slabIndex: i1, inDims: rowIn, outDims: rowOut,
                         a: 1, b: bX, shiftA: shA2, shiftB: shB2, padding: map.padding)
                var tSlab: UnsafeMutablePointer<T>?
                if let th = theta {
                    tSlab = th.1 + t * outSlab
                    passSlab(src: th.2, dst: th.1 + t * outSlab, slabIndex: i1, inDims: rowIn, outDims: rowOut,
                             a: 1, b: bX, shiftA: shA2, shiftB: shB2, padding: map.padding)
                }
                finish?(t, kSlab, tSlab, outSlab)
            }
        }
        return out
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
