/// Separable window sums over a 4-D pair block B[ty][tx][t′y][t′x].
///
/// A (twisted) convolution's kernel map is a mean over taps e of B(t + e, t′ + S·e), with S
/// the relative group element (identity for plain convolutions). S is a signed permutation,
/// so each tap axis of e moves exactly one axis of t and one axis of t′: the k_h·k_w-tap
/// window factorises into a k_h-tap pass and a k_w-tap pass — (b) of the exact speed-ups:
/// k_h + k_w additions per entry instead of k_h·k_w.
enum WindowSum {
    /// One pass: dst[o] = Σ_j src[o + shift_j] where the shift moves axis `a` (0 or 1) by
    /// `shiftA[j]` and axis `b` (2 or 3) by `shiftB[j]`. Out-of-range indices wrap (circular)
    /// or contribute zero (same); valid padding never leaves the input (`outDims` shrank).
    /// Each (src, dst) pair in `arrays` gets the same pass.
    static func pass(arrays: [(UnsafePointer<Double>, UnsafeMutablePointer<Double>)],
                     inDims: [Int], outDims: [Int], a: Int, b: Int,
                     shiftA: [Int], shiftB: [Int], padding: Padding) {
        let n3 = inDims[3], o3 = outDims[3]
        let inStride2 = n3, inStride1 = inDims[2] * n3, inStride0 = inDims[1] * inDims[2] * n3
        let outCount = outDims[0] * outDims[1] * outDims[2] * o3
        for (_, dst) in arrays { dst.initialize(repeating: 0, count: outCount) }
        let taps = shiftA.count
        @inline(__always) func resolve(_ i: Int, _ n: Int) -> Int {
            if i >= 0 && i < n { return i }
            if padding == .circular { return ((i % n) + n) % n }
            return -1
        }
        var outRow = 0
        for i0 in 0..<outDims[0] {
            for i1 in 0..<outDims[1] {
                for i2 in 0..<outDims[2] {
                    let dOff = outRow * o3
                    outRow += 1
                    for j in 0..<taps {
                        let s0 = resolve(a == 0 ? i0 + shiftA[j] : i0, inDims[0])
                        let s1 = resolve(a == 1 ? i1 + shiftA[j] : i1, inDims[1])
                        let s2 = resolve(b == 2 ? i2 + shiftB[j] : i2, inDims[2])
                        if s0 < 0 || s1 < 0 || s2 < 0 { continue }
                        let sOff = s0 * inStride0 + s1 * inStride1 + s2 * inStride2
                        let r = b == 3 ? shiftB[j] : 0
                        for (src, dst) in arrays {
                            let srow = src + sOff, drow = dst + dOff
                            if r == 0 && o3 == n3 {
                                for x in 0..<o3 { drow[x] += srow[x] }
                            } else {
                                // Entries x with 0 ≤ x + r < n3 read directly; the rest wrap or are zero.
                                let lo = max(0, -r), hi = min(o3, n3 - r)
                                if lo < hi { for x in lo..<hi { drow[x] += srow[x + r] } }
                                if padding == .circular {
                                    for x in 0..<min(lo, o3) { drow[x] += srow[x + r + n3] }
                                    if hi < o3 { for x in max(hi, 0)..<o3 { drow[x] += srow[x + r - n3] } }
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /// Per-tap input offsets along one axis of the first point t: input = output + (j − lo).
    static func shifts(taps k: Int, padding: Padding, sign: Int) -> [Int] {
        let lo = padding == .valid ? 0 : (k - 1) / 2
        return (0..<k).map { j in (sign >= 0 ? j : k - 1 - j) - lo }
    }

    /// The twisted window mean of `map` applied to K (and Θ when given):
    /// out(t, t′) = Σ_e in(t + e, t′ + S·e), unnormalised. `scratch*` hold the first pass.
    static func twisted(map: LinearMap, s: Matrix2, dims: [Int],
                        k: UnsafePointer<Double>, kOut: UnsafeMutablePointer<Double>, kScratch: UnsafeMutablePointer<Double>,
                        theta: (UnsafePointer<Double>, UnsafeMutablePointer<Double>, UnsafeMutablePointer<Double>)?) -> [Int] {
        let kh = map.kh, kw = map.kw
        // Pass over e_y: moves t_y, and t′_y (S.a = ±1) or t′_x (S.c = ±1).
        let bY = s.a != 0 ? 2 : 3
        let signY = s.a != 0 ? s.a : s.c
        var mid = dims
        mid[0] = map.outH
        mid[bY] = bY == 2 ? map.outH : map.outW
        var arrays1: [(UnsafePointer<Double>, UnsafeMutablePointer<Double>)] = [(k, kScratch)]
        if let th = theta { arrays1.append((th.0, th.2)) }
        pass(arrays: arrays1, inDims: dims, outDims: mid, a: 0, b: bY,
             shiftA: shifts(taps: kh, padding: map.padding, sign: 1),
             shiftB: shifts(taps: kh, padding: map.padding, sign: signY), padding: map.padding)
        // Pass over e_x: moves t_x, and t′_x (S.d) or t′_y (S.b).
        let bX = s.d != 0 ? 3 : 2
        let signX = s.d != 0 ? s.d : s.b
        var out = mid
        out[1] = map.outW
        out[bX] = bX == 3 ? map.outW : map.outH
        var arrays2: [(UnsafePointer<Double>, UnsafeMutablePointer<Double>)] = [(UnsafePointer(kScratch), kOut)]
        if let th = theta { arrays2.append((UnsafePointer(th.2), th.1)) }
        pass(arrays: arrays2, inDims: mid, outDims: out, a: 1, b: bX,
             shiftA: shifts(taps: kw, padding: map.padding, sign: 1),
             shiftB: shifts(taps: kw, padding: map.padding, sign: signX), padding: map.padding)
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
