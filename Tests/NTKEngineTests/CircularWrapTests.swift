import XCTest
@testable import NTKEngine

/// Filters as wide as the image or wider (issue 14, "Memory corruption"): a circular window
/// whose half-width exceeds the side wraps around several times (neural-tangents pads with
/// numpy's `wrap` mode, which repeats the image), `same` pads with zeros, `valid` needs the
/// filter to fit. The engine (separable, reduced over relative group elements, pointer code
/// in `WindowSum.addShifted`) must match a naive evaluation on full ((t, r), (t′, r′))
/// tensors that wraps each tap's position with a modulo — and must never write outside its
/// buffers (the original bug aborted with `free(): invalid next size`).
final class CircularWrapTests: XCTestCase {
    /// Naive full-tensor recursion for `layer → relu → layer → relu → pool → dense`
    /// (layer = conv, or lift then gconv), every tap explicit.
    struct Naive {
        let g: PointGroup
        /// Filter of layer 1 (kh×kw) and of layer 2 (kh2×kw2).
        let kh: Int, kw: Int
        var kh2: Int, kw2: Int
        let padding: Padding

        init(g: PointGroup, kh: Int, kw: Int, kh2: Int? = nil, kw2: Int? = nil, padding: Padding) {
            self.g = g; self.kh = kh; self.kw = kw; self.kh2 = kh2 ?? kh; self.kw2 = kw2 ?? kw; self.padding = padding
        }

        /// Output size along an axis of length n.
        func out(_ n: Int, _ k: Int) -> Int { padding == .valid ? n - k + 1 : n }

        /// Input position read by tap (jy, jx) of group element `e` at output (oy, ox); nil
        /// for a zero (same-padding) tap. Convention of `SpatialLinearLayer`/`WindowSum`:
        /// out + base + e·(j − c), c = (k−1)/2, base = c for valid and 0 otherwise.
        func tap(_ oy: Int, _ ox: Int, _ jy: Int, _ jx: Int, _ e: Matrix2, h: Int, w: Int, kh: Int, kw: Int) -> Int? {
            let cy = (kh - 1) / 2, cx = (kw - 1) / 2
            let (dy, dx) = e.apply(jy - cy, jx - cx)
            var y = oy + (padding == .valid ? cy : 0) + dy, x = ox + (padding == .valid ? cx : 0) + dx
            if padding == .circular {
                y = ((y % h) + h) % h; x = ((x % w) + w) % w
            }
            guard y >= 0, y < h, x >= 0, x < w else {
                XCTAssert(padding != .valid, "valid tap outside the input")
                return nil
            }
            return y * w + x
        }

        /// One linear layer on a full tensor over (t, r) of an h×w grid with `inG` group
        /// elements (1: the input of a lift or conv): W²·mean over taps (and p) + b².
        func linear(_ k: [Double], h: Int, w: Int, inG: Int, w2: Double, b2: Double, second: Bool = false) -> [Double] {
            let (kh, kw) = second ? (kh2, kw2) : (self.kh, self.kw)
            let oh = out(h, kh), ow = out(w, kw), op = oh * ow, ip = h * w
            let outG = g.order, n = op * outG, nIn = ip * inG
            let taps = Double(kh * kw * inG)
            var res = [Double](repeating: 0, count: n * n)
            for r in 0..<outG { for r2 in 0..<outG { for t in 0..<op { for t2 in 0..<op {
                var acc = 0.0
                for jy in 0..<kh { for jx in 0..<kw {
                    guard let u = tap(t / ow, t % ow, jy, jx, g.elements[r], h: h, w: w, kh: kh, kw: kw),
                          let u2 = tap(t2 / ow, t2 % ow, jy, jx, g.elements[r2], h: h, w: w, kh: kh, kw: kw) else { continue }
                    if inG == 1 {
                        acc += k[u * nIn + u2]
                    } else {
                        for p in 0..<inG {
                            acc += k[(g.table[r][p] * ip + u) * nIn + g.table[r2][p] * ip + u2]
                        }
                    }
                }}
                res[(r * op + t) * n + r2 * op + t2] = w2 * acc / taps + b2
            }}}}
            return res
        }

        static func relu(_ kab: [Double], _ kaa: [Double], _ kbb: [Double], _ tab: [Double]) -> ([Double], [Double]) {
            let n = Int(Double(kab.count).squareRoot())
            var k = kab, t = tab
            for i in 0..<n { for j in 0..<n {
                let r = Activation.relu.dual(k: kab[i * n + j], v1: kaa[i * n + i], v2: kbb[j * n + j])
                k[i * n + j] = r.k
                t[i * n + j] *= r.kdot
            }}
            return (k, t)
        }

        /// K and Θ of the scalar output for (x, y) on an h×w×c input.
        func kernel(_ x: [Double], _ y: [Double], h: Int, w: Int, c: Int) -> KernelValue {
            let p = h * w
            func k0(_ a: [Double], _ b: [Double]) -> [Double] {
                var k = [Double](repeating: 0, count: p * p)
                for t in 0..<p { for t2 in 0..<p { for ch in 0..<c { k[t * p + t2] += a[t * c + ch] * b[t2 * c + ch] / Double(c) } } }
                return k
            }
            // Layer 1 (conv or lift), W = 1.4, b = 0.1; Θ¹ = K¹.
            var kxx = linear(k0(x, x), h: h, w: w, inG: 1, w2: 1.96, b2: 0.01)
            var kyy = linear(k0(y, y), h: h, w: w, inG: 1, w2: 1.96, b2: 0.01)
            var kxy = linear(k0(x, y), h: h, w: w, inG: 1, w2: 1.96, b2: 0.01)
            var txy = kxy
            (kxy, txy) = Self.relu(kxy, kxx, kyy, txy)
            kxx = Self.relu(kxx, kxx, kxx, kxx).0
            kyy = Self.relu(kyy, kyy, kyy, kyy).0
            // Layer 2 (conv or gconv), W = 1.3, b = 0.2, on the layer-1 grid.
            let h1 = out(h, kh), w1 = out(w, kw), inG = g.order
            let gk = linear(kxy, h: h1, w: w1, inG: inG, w2: 1.69, b2: 0.04, second: true)
            let gt = linear(txy, h: h1, w: w1, inG: inG, w2: 1.69, b2: 0, second: true)
            kxx = linear(kxx, h: h1, w: w1, inG: inG, w2: 1.69, b2: 0.04, second: true)
            kyy = linear(kyy, h: h1, w: w1, inG: inG, w2: 1.69, b2: 0.04, second: true)
            let r = Self.relu(gk, kxx, kyy, zip(gk, gt).map { $0 + $1 })
            let pk = r.0.reduce(0, +) / Double(r.0.count), pt = r.1.reduce(0, +) / Double(r.1.count)
            let k = 1.21 * pk + 0.0025
            return KernelValue(nngp: k, ntk: k + 1.21 * pt)
        }
    }

    /// conv → relu → conv → relu → GAP → dense, or lift → relu → gconv → relu → group_pool → dense.
    func stackJSON(h: Int, w: Int, c: Int, group: String?, filter: [Int], filter2: [Int]? = nil, padding: String) -> String {
        let f2 = filter2 ?? filter
        func layer(_ type: String, _ f: [Int], _ wStd: Double, _ bStd: Double) -> String {
            let g = group.map { ", \"group\": \"\($0)\"" } ?? ""
            return "{\"type\": \"\(type)\"\(g), \"filter\": \(f), \"padding\": \"\(padding)\", \"W_std\": \(wStd), \"b_std\": \(bStd)}"
        }
        let first = group == nil ? "conv" : "lift", second = group == nil ? "conv" : "gconv"
        let pool = group == nil ? "global_avg_pool" : "group_pool"
        return """
        {"parameterization": "ntk", "input_shape": [\(h), \(w), \(c)], "layers": [
          \(layer(first, filter, 1.4, 0.1)), {"type": "relu"},
          \(layer(second, f2, 1.3, 0.2)), {"type": "relu"},
          {"type": "\(pool)"}, {"type": "dense", "W_std": 1.1, "b_std": 0.05}]}
        """
    }

    /// Engine vs naive for (x, y) and the self pair (x, x), through the pair API and a Gram.
    func check(h: Int, w: Int, c: Int = 1, group: String?, filter: [Int], filter2: [Int]? = nil,
               padding: String, seed: UInt64, file: StaticString = #filePath, line: UInt = #line) throws {
        let json = stackJSON(h: h, w: w, c: c, group: group, filter: filter, filter2: filter2, padding: padding)
        let ev = try KernelEvaluator(spec: try spec(json))
        guard let pad = Padding(rawValue: padding), let g = PointGroup.named(group ?? "C1") else { return XCTFail("setup", file: file, line: line) }
        let f2 = filter2 ?? filter
        let nv = Naive(g: g, kh: filter[0], kw: filter[1], kh2: f2[0], kw2: f2[1], padding: pad)
        var rng = TestRNG(seed)
        let x = rng.normals(h * w * c), y = rng.normals(h * w * c)
        let label = "\(group ?? "conv") \(filter) \(padding) on \(h)×\(w)"
        for (a, b, which) in [(x, y, "x,y"), (x, x, "x,x")] {
            let want = nv.kernel(a, b, h: h, w: w, c: c)
            let got = kernel(ev, a, b)
            XCTAssertLessThan(relDiff(got.nngp, want.nngp), 1e-12, "\(label) (\(which)) nngp \(got.nngp) vs \(want.nngp)", file: file, line: line)
            // Self pair: a filter reaching over the whole image gives many positions identical
            // windows, i.e. correlation exactly 1 off the diagonal, where arccos turns the
            // last-bit rounding of ρ (different in the two evaluations) into ≈ √ε in θ and K̇
            // (NNGP is second order there). Both are right to that conditioning.
            let tolT = which == "x,x" ? 1e-8 : 1e-12
            XCTAssertLessThan(relDiff(got.ntk, want.ntk), tolT, "\(label) (\(which)) ntk \(got.ntk) vs \(want.ntk)", file: file, line: line)
        }
        // The Gram path (worker workspaces, both precisions) on the same inputs.
        let batch = try InputBatch(shape: [h, w, c], data: x + y)
        let want = nv.kernel(x, y, h: h, w: w, c: c)
        for precision in Precision.allCases {
            var engine = try GramEngine(spec: try spec(json), threads: 2)
            engine.precision = precision
            let m = try engine.compute(batch)
            let tol = precision == .float64 ? 1e-12 : 1e-4
            XCTAssertLessThan(relDiff(m.nngp[0, 1], want.nngp), tol, "\(label) Gram \(precision)", file: file, line: line)
            XCTAssertLessThan(relDiff(m.ntk[1, 0], want.ntk), tol, "\(label) Gram \(precision)", file: file, line: line)
        }
    }

    /// The exact reproducer of issue 14: 6×6×1 input, conv `"filter": [1, 15]`, circular.
    func testIssue14Reproducer() throws {
        let json = """
        {"parameterization": "ntk", "input_shape": [6, 6, 1], "layers": [
          {"type": "conv", "filter": [1, 15], "padding": "circular", "W_std": 1.5, "b_std": 0.05},
          {"type": "relu"}, {"type": "global_avg_pool"}, {"type": "dense", "W_std": 1.0}]}
        """
        var rng = TestRNG(14)
        let batch = try InputBatch(shape: [6, 6, 1], data: rng.normals(4 * 36))
        let m = try GramEngine(spec: try spec(json), threads: 2).compute(batch)
        XCTAssertTrue(m.nngp.data.allSatisfy(\.isFinite) && m.ntk.data.allSatisfy(\.isFinite))
        try check(h: 6, w: 6, group: nil, filter: [1, 15], padding: "circular", seed: 1)
    }

    /// Plain conv: filter = side, side + 1, 2·side + 1 (and the reproducer's 15 = 2·6 + 3),
    /// per axis and on a non-square image, circular and same.
    func testConvFiltersAtAndBeyondTheSide() throws {
        // Same padding: a tap further than side − 1 from the centre only sees zeros, so filters
        // up to 2·side − 1 are the meaningful edge cases there (the spec check may reject
        // larger ones); circular ones go to 2·side + 3 (the reproducer's 15 on 6).
        var seed: UInt64 = 100
        for f in [[1, 6], [1, 7], [1, 13], [1, 15], [6, 1], [7, 1], [13, 1], [6, 6], [7, 7], [13, 13], [2, 14]] {
            seed += 1
            try check(h: 6, w: 6, group: nil, filter: f, padding: "circular", seed: seed)
        }
        for f in [[1, 6], [1, 7], [1, 11], [6, 1], [7, 1], [11, 1], [6, 6], [7, 7], [11, 11], [2, 10]] {
            seed += 1
            try check(h: 6, w: 6, group: nil, filter: f, padding: "same", seed: seed)
        }
        for (padding, f) in [("circular", [5, 7]), ("circular", [6, 5]), ("circular", [11, 15]), ("circular", [4, 9]),
                             ("same", [5, 7]), ("same", [6, 5]), ("same", [9, 13]), ("same", [4, 9])] {
            seed += 1
            try check(h: 5, w: 7, c: 2, group: nil, filter: f, padding: padding, seed: seed)
        }
        // Valid: the filter may equal the side (a 1-wide output), never exceed it.
        try check(h: 6, w: 6, group: nil, filter: [1, 6], filter2: [3, 1], padding: "valid", seed: 201)
        try check(h: 6, w: 6, group: nil, filter: [6, 1], filter2: [1, 6], padding: "valid", seed: 202)
        try check(h: 5, w: 7, c: 2, group: nil, filter: [5, 7], filter2: [1, 1], padding: "valid", seed: 203)
        try check(h: 5, w: 7, c: 2, group: nil, filter: [3, 7], filter2: [3, 1], padding: "valid", seed: 204)
    }

    /// lift + gconv: C4 (square, odd filters) with filter = side, side + 1, side + 2, 2·side + 1
    /// (same: up to 2·side − 1), and C2 / D1 (no square constraint) with the reproducer's 1×15.
    func testGroupFiltersAtAndBeyondTheSide() throws {
        var seed: UInt64 = 300
        for (padding, side, k) in [("circular", 3, 3), ("circular", 3, 5), ("circular", 3, 7), ("circular", 4, 5), ("circular", 4, 9),
                                   ("same", 3, 3), ("same", 3, 5), ("same", 4, 5), ("same", 4, 7)] {
            seed += 1
            try check(h: side, w: side, c: 2, group: "C4", filter: [k, k], padding: padding, seed: seed)
        }
        for (padding, g, f) in [("circular", "C2", [1, 13]), ("circular", "C2", [1, 15]), ("circular", "D1", [1, 7]), ("circular", "D1", [7, 3]),
                                ("same", "C2", [1, 11]), ("same", "C2", [1, 7]), ("same", "D1", [7, 3]), ("same", "D1", [11, 1])] {
            seed += 1
            try check(h: 6, w: 6, group: g, filter: f, padding: padding, seed: seed)
        }
    }

    /// Valid padding with a filter as wide as the grid (the layer after it then sees a 1×1
    /// grid), and a filter one wider than the side is a located spec error, not a crash.
    func testValidEdges() throws {
        let lift = """
        {"parameterization": "ntk", "input_shape": [5, 5, 1], "layers": [
          {"type": "lift", "group": "C4", "filter": [5, 5], "padding": "valid", "W_std": 1.4, "b_std": 0.1},
          {"type": "relu"},
          {"type": "gconv", "group": "C4", "filter": [1, 1], "padding": "valid", "W_std": 1.3, "b_std": 0.2},
          {"type": "relu"}, {"type": "group_pool"}, {"type": "dense", "W_std": 1.1, "b_std": 0.05}]}
        """
        var rng = TestRNG(77)
        let x = rng.normals(25), y = rng.normals(25)
        let v = kernel(try KernelEvaluator(spec: try spec(lift)), x, y)
        XCTAssertTrue(v.nngp.isFinite && v.ntk.isFinite)
        // Independent value: a 5×5 valid lift gives one position per element; the layers act
        // on the 4 × 4 matrix over (r, r′). Its naive evaluation with 1×1 taps for layer 2:
        let g = PointGroup.c4
        let nv = Naive(g: g, kh: 5, kw: 5, padding: .valid)
        func k0(_ a: [Double], _ b: [Double]) -> [Double] { (0..<625).map { a[$0 / 25] * b[$0 % 25] } }
        var kxy = nv.linear(k0(x, y), h: 5, w: 5, inG: 1, w2: 1.96, b2: 0.01)
        var kxx = nv.linear(k0(x, x), h: 5, w: 5, inG: 1, w2: 1.96, b2: 0.01)
        var kyy = nv.linear(k0(y, y), h: 5, w: 5, inG: 1, w2: 1.96, b2: 0.01)
        var txy = kxy
        (kxy, txy) = Naive.relu(kxy, kxx, kyy, txy)
        kxx = Naive.relu(kxx, kxx, kxx, kxx).0; kyy = Naive.relu(kyy, kyy, kyy, kyy).0
        let one = Naive(g: g, kh: 1, kw: 1, padding: .valid)
        let gk = one.linear(kxy, h: 1, w: 1, inG: 4, w2: 1.69, b2: 0.04)
        let gt = one.linear(txy, h: 1, w: 1, inG: 4, w2: 1.69, b2: 0)
        let r = Naive.relu(gk, one.linear(kxx, h: 1, w: 1, inG: 4, w2: 1.69, b2: 0.04),
                           one.linear(kyy, h: 1, w: 1, inG: 4, w2: 1.69, b2: 0.04), zip(gk, gt).map { $0 + $1 })
        let k = 1.21 * r.0.reduce(0, +) / 16 + 0.0025, t = k + 1.21 * r.1.reduce(0, +) / 16
        XCTAssertLessThan(relDiff(v.nngp, k), 1e-12)
        XCTAssertLessThan(relDiff(v.ntk, t), 1e-12)

        for (group, f) in [(nil, [1, 7]), (nil, [7, 7]), ("C4", [7, 7]), ("C2", [1, 7])] as [(String?, [Int])] {
            let json = stackJSON(h: 6, w: 6, c: 1, group: group, filter: f, padding: "valid")
            XCTAssertThrowsError(try KernelEvaluator(spec: try spec(json)), "\(group ?? "conv") \(f) valid on 6×6") { error in
                XCTAssertTrue("\(error)".contains("layers[0].filter"), "\(error)")
            }
        }
    }

    /// `WindowSum.passSlab` against its definition on small blocks, for every shift up to
    /// three times beyond the axis, both tap axes, all paddings: the output slab equals
    /// Σ_j src[(i0, i1) + shiftA_j on axis a, (x2, x3) + shiftB_j on axis b] with the modulo
    /// (circular) or zero (same) rule, and nothing around the output slab is written (canaries).
    func testPassSlabMatchesDefinitionAndStaysInBounds() {
        var rng = TestRNG(5)
        let pad = 64
        for (n0, n1, n2, n3) in [(3, 2, 3, 5), (1, 4, 4, 1), (2, 3, 1, 6)] {
            let dims = [n0, n1, n2, n3]
            let src = rng.normals(dims.reduce(1, *))
            for padding in [Padding.circular, .same] {
                for a in [0, 1] { for b in [2, 3] {
                    let nb = dims[b], na = dims[a]
                    for _ in 0..<40 {
                        let k = 1 + Int(rng.next() % 4)
                        let shA = (0..<k).map { _ in Int(rng.next() % UInt64(6 * na + 5)) - (3 * na + 2) }
                        let shB = (0..<k).map { _ in Int(rng.next() % UInt64(6 * nb + 5)) - (3 * nb + 2) }
                        let out = dims
                        let slabSize = n2 * n3
                        var buf = [Double](repeating: 12345, count: slabSize + 2 * pad)
                        let slab = Int(rng.next() % UInt64(n0 * n1))
                        src.withUnsafeBufferPointer { sp in
                            buf.withUnsafeMutableBufferPointer { bp in
                                guard let s = sp.baseAddress, let d = bp.baseAddress else { return }
                                WindowSum.passSlab(src: s, dst: d + pad, slabIndex: slab, inDims: dims, outDims: out,
                                                   a: a, b: b, shiftA: shA, shiftB: shB, padding: padding)
                            }
                        }
                        XCTAssertTrue(buf[..<pad].allSatisfy { $0 == 12345 } && buf[(pad + slabSize)...].allSatisfy { $0 == 12345 },
                                      "wrote outside the slab: dims \(dims) a \(a) b \(b) \(shA) \(shB) \(padding)")
                        func wrap(_ u: Int, _ n: Int) -> Int? {
                            if u >= 0 && u < n { return u }
                            return padding == .circular ? ((u % n) + n) % n : nil
                        }
                        let i0 = slab / n1, i1 = slab % n1
                        for x2 in 0..<n2 { for x3 in 0..<n3 {
                            var want = 0.0
                            for j in 0..<k {
                                var idx = [i0, i1, x2, x3]
                                idx[a] += shA[j]; idx[b] += shB[j]
                                guard let u0 = wrap(idx[0], n0), let u1 = wrap(idx[1], n1),
                                      let u2 = wrap(idx[2], n2), let u3 = wrap(idx[3], n3) else { continue }
                                want += src[((u0 * n1 + u1) * n2 + u2) * n3 + u3]
                            }
                            XCTAssertEqual(buf[pad + x2 * n3 + x3], want, accuracy: 1e-12,
                                           "dims \(dims) a \(a) b \(b) \(shA) \(shB) \(padding) at \(x2),\(x3)")
                        }}
                    }
                }}
            }
        }
    }

    /// `WindowSum.twisted` (t_x pass first, t_y pass over a ring of band rows) against the two
    /// passes composed slab by slab the other way round (t_y then t_x over whole blocks, with
    /// `passSlab`, checked against the definition above), for every s of D4, all paddings,
    /// filters narrower and wider than the image, bands of 1, 2 and all slabs (ring refills
    /// and circular re-computation at the band edges) — and nothing written beyond the output
    /// block or the ring's `scratchNeed` entries (canaries).
    func testTwistedRingMatchesComposedPassesAndStaysInBounds() {
        var rng = TestRNG(6)
        let pad = 32, canary = 98765.0
        for n in [1, 3, 4] {
            let dims = [n, n, n, n]
            let src = rng.normals(dims.reduce(1, *)), src2 = rng.normals(dims.reduce(1, *))
            for padding in [Padding.circular, .same, .valid] {
                for (kh, kw) in [(1, 1), (3, 3), (3, 1), (5, 3), (7, 7)] where padding != .valid || (kh <= n && kw <= n) {
                    let oh = padding == .valid ? n - kh + 1 : n, ow = padding == .valid ? n - kw + 1 : n
                    let map = LinearMap(kh: kh, kw: kw, padding: padding, affine: .init(wStd: 1), fanIn: 1,
                                        inH: n, inW: n, outH: oh, outW: ow, parameterization: .ntk)
                    for s in PointGroup.d4.elements where padding != .valid || kh == kw {
                        let want = composed(src, dims: dims, map: map, s: s)
                        let want2 = composed(src2, dims: dims, map: map, s: s)
                        // Bands 1, 2, all into a separate output; and in place (output over the input).
                        for (band, inPlace) in [(1, false), (2, false), (Int.max, false), (Int.max, true)] {
                            let need = WindowSum.scratchNeed(map: map, dims: dims, elementSize: 8, inPlace: inPlace)
                            let room = max(want.count, src.count) + 2 * pad
                            var out = [Double](repeating: canary, count: room), out2 = out
                            if inPlace {
                                out.replaceSubrange(pad..<(pad + src.count), with: src)
                                out2.replaceSubrange(pad..<(pad + src2.count), with: src2)
                            }
                            var scr = [Double](repeating: canary, count: need + 2 * pad), scr2 = scr
                            var got: [Int] = []
                            src.withUnsafeBufferPointer { sp in src2.withUnsafeBufferPointer { sp2 in
                            out.withUnsafeMutableBufferPointer { op in out2.withUnsafeMutableBufferPointer { op2 in
                            scr.withUnsafeMutableBufferPointer { cp in scr2.withUnsafeMutableBufferPointer { cp2 in
                                guard let a = sp.baseAddress, let a2 = sp2.baseAddress, let o = op.baseAddress, let o2 = op2.baseAddress,
                                      let c = cp.baseAddress, let c2 = cp2.baseAddress else { return }
                                got = WindowSum.twisted(map: map, s: s, dims: dims, k: inPlace ? UnsafePointer(o + pad) : a, kOut: o + pad,
                                                        kScratch: c + pad, theta: (inPlace ? UnsafePointer(o2 + pad) : a2, o2 + pad, c2 + pad),
                                                        maxBand: band)
                            }}}}}}
                            let what = "n \(n) \(padding) \(kh)×\(kw) s \(s) band \(band) in place \(inPlace)"
                            XCTAssertEqual(got.reduce(1, *), want.count, what)
                            for (buf, ref, tag) in [(out, want, "K"), (out2, want2, "Θ")] {
                                XCTAssertTrue(buf[..<pad].allSatisfy { $0 == canary } && buf[(pad + (inPlace ? src.count : ref.count))...].allSatisfy { $0 == canary }, "\(tag) out of bounds: \(what)")
                                for i in ref.indices where abs(buf[pad + i] - ref[i]) > 1e-12 * max(1, abs(ref[i])) {
                                    XCTFail("\(tag) entry \(i): \(buf[pad + i]) vs \(ref[i]) — \(what)"); break
                                }
                            }
                            for buf in [scr, scr2] {
                                XCTAssertTrue(buf[..<pad].allSatisfy { $0 == canary } && buf[(pad + need)...].allSatisfy { $0 == canary }, "ring out of bounds: \(what)")
                            }
                        }
                    }
                }
            }
        }
    }

    /// The twisted window sum the way it was computed before the ring: the t_y pass over the
    /// whole block, then the t_x pass, each slab by slab with `passSlab`.
    private func composed(_ src: [Double], dims: [Int], map: LinearMap, s: Matrix2) -> [Double] {
        let bY = s.a != 0 ? 2 : 3, signY = s.a != 0 ? s.a : s.c
        var mid = dims
        mid[0] = map.outH
        mid[bY] = bY == 2 ? map.outH : map.outW
        let bX = s.d != 0 ? 3 : 2, signX = s.d != 0 ? s.d : s.b
        var out = mid
        out[1] = map.outW
        out[bX] = bX == 3 ? map.outW : map.outH
        var m = [Double](repeating: 0, count: mid.reduce(1, *)), o = [Double](repeating: 0, count: out.reduce(1, *))
        src.withUnsafeBufferPointer { sp in m.withUnsafeMutableBufferPointer { mp in o.withUnsafeMutableBufferPointer { op in
            guard let a = sp.baseAddress, let b = mp.baseAddress, let c = op.baseAddress else { return }
            for i in 0..<(mid[0] * mid[1]) {
                WindowSum.passSlab(src: a, dst: b + i * mid[2] * mid[3], slabIndex: i, inDims: dims, outDims: mid, a: 0, b: bY,
                                   shiftA: WindowSum.shifts(taps: map.kh, padding: map.padding, sign: 1),
                                   shiftB: WindowSum.shifts(taps: map.kh, padding: map.padding, sign: signY), padding: map.padding)
            }
            for i in 0..<(out[0] * out[1]) {
                WindowSum.passSlab(src: UnsafePointer(b), dst: c + i * out[2] * out[3], slabIndex: i, inDims: mid, outDims: out, a: 1, b: bX,
                                   shiftA: WindowSum.shifts(taps: map.kw, padding: map.padding, sign: 1),
                                   shiftB: WindowSum.shifts(taps: map.kw, padding: map.padding, sign: signX), padding: map.padding)
            }
        }}}
        return o
    }
}
