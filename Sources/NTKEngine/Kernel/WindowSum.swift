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
    static func passSlab<T: KernelFloat>(src: UnsafePointer<T>, dst: UnsafeMutablePointer<T>, slabIndex: Int,
                         inDims: [Int], outDims: [Int], a: Int, b: Int,
                         shiftA: [Int], shiftB: [Int], padding: Padding) {
        let o1 = outDims[1]
        let i0 = slabIndex / o1, i1 = slabIndex % o1
        let n1 = inDims[1], inSlab = inDims[2] * inDims[3]
        let outSlab = outDims[2] * outDims[3]
        // Zeroed per slab, so it is still in L1 when the taps accumulate into it.
        dst.initialize(repeating: 0, count: outSlab)
        let circular = padding == .circular
        for j in 0..<shiftA.count {
            var s0 = a == 0 ? i0 + shiftA[j] : i0
            var s1 = a == 1 ? i1 + shiftA[j] : i1
            if s0 < 0 || s0 >= inDims[0] { if circular { s0 = ((s0 % inDims[0]) + inDims[0]) % inDims[0] } else { continue } }
            if s1 < 0 || s1 >= n1 { if circular { s1 = ((s1 % n1) + n1) % n1 } else { continue } }
            addShifted(dst: dst, src: src + (s0 * n1 + s1) * inSlab, n2: inDims[2], n3: inDims[3],
                       o2: outDims[2], o3: outDims[3], b: b, r: shiftB[j], circular: circular)
        }
    }

    /// dst (o2×o3) += src (n2×n3) shifted by r along axis b (2: rows, 3: within rows):
    /// dst[x] += src[x + r] along that axis, where x + r outside [0, n) contributes zero
    /// (same/valid) or is taken modulo n (circular — a filter wider than the image wraps
    /// around several times, like neural-tangents' wrap padding).
    ///
    /// Bounds: every add below copies a run [x, x + len) of dst from [u, u + len) of src
    /// with 0 ≤ x, x + len ≤ o and 0 ≤ u, u + len ≤ n along the shifted axis (`runs`), so
    /// no index leaves either buffer whatever r is. The axis that is not shifted has the
    /// same length in src and dst (o3 = n3 for b = 2, o2 = n2 for b = 3): a pass only
    /// resizes the axis it sums over.
    @inline(__always)
    static func addShifted<T: KernelFloat>(dst d: UnsafeMutablePointer<T>, src s: UnsafePointer<T>, n2: Int, n3: Int,
                           o2: Int, o3: Int, b: Int, r: Int, circular: Bool) {
        if b == 2 {
            runs(o: o2, n: n2, r: r, circular: circular) { x, u, len in
                VectorMath.add(d + x * o3, s + u * n3, len * o3)
            }
        } else {
            for i2 in 0..<o2 {
                let drow = d + i2 * o3, srow = s + i2 * n3
                runs(o: o3, n: n3, r: r, circular: circular) { x, u, len in
                    VectorMath.add(drow + x, srow + u, len)
                }
            }
        }
    }

    /// The runs of dst[x] += src[x + r], x ∈ [0, o), as (x, u = source start, len):
    /// x + len ≤ o and u + len ≤ n for each. Non-circular: the one run where 0 ≤ x + r < n
    /// (none when |r| is beyond the axis). Circular: x + r reduced modulo n, split where the
    /// source index wraps — at most ⌈o/n⌉ + 1 runs.
    @inline(__always)
    static func runs(o: Int, n: Int, r: Int, circular: Bool, _ body: (Int, Int, Int) -> Void) {
        guard o > 0, n > 0 else { return }
        if !circular {
            let lo = max(0, -r), hi = min(o, n - r)
            if lo < hi { body(lo, lo + r, hi - lo) }
            return
        }
        var x = 0
        var u = r % n
        if u < 0 { u += n }
        while x < o {
            let len = min(o - x, n - u)
            body(x, u, len)
            x += len
            u = 0
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
