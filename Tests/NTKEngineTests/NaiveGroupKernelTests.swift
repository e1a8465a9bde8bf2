import XCTest
@testable import NTKEngine

/// A deliberately naive evaluation of the group-convolution recursions on full
/// ((t, r), (t′, r′)) tensors, k² (·|G|) taps per entry, no relative-element reduction and no
/// separable window sums. The engine's exact speed-ups (a) and (b) must reproduce it.
final class NaiveGroupKernelTests: XCTestCase {
    struct Naive {
        let h: Int, w: Int, g: PointGroup, padding: Padding
        var n: Int { h * w * g.order }
        func idx(_ t: Int, _ r: Int) -> Int { r * h * w + t }

        /// Position t moved by the offset `off` (centred, (y, x)), or nil outside (same).
        func move(_ t: Int, _ off: (Int, Int)) -> Int? {
            var y = t / w + off.0, x = t % w + off.1
            if padding == .circular { y = ((y % h) + h) % h; x = ((x % w) + w) % w }
            guard y >= 0, y < h, x >= 0, x < w else { return nil }
            return y * w + x
        }
        var offsets: [(Int, Int)] { (-1...1).flatMap { dy in (-1...1).map { dx in (dy, dx) } } }

        /// Lift: K((t,r),(t′,r′)) = W²·mean_a K⁰(t + r·a, t′ + r′·a) + b².
        func lift(_ k0: [Double], p0: Int, w2: Double, b2: Double) -> [Double] {
            var out = [Double](repeating: 0, count: n * n)
            for r in 0..<g.order { for r2 in 0..<g.order { for t in 0..<(h * w) { for t2 in 0..<(h * w) {
                var acc = 0.0
                for a in offsets {
                    guard let u = move(t, g.elements[r].apply(a.0, a.1)),
                          let u2 = move(t2, g.elements[r2].apply(a.0, a.1)) else { continue }
                    acc += k0[u * p0 + u2]
                }
                out[idx(t, r) * n + idx(t2, r2)] = w2 * acc / 9 + b2
            } } } }
            return out
        }

        /// Group conv: K′((t,r),(t′,r′)) = W²·mean_{a,p} K((t + r·a, r∘p), (t′ + r′·a, r′∘p)) + b².
        func gconv(_ k: [Double], w2: Double, b2: Double) -> [Double] {
            var out = [Double](repeating: 0, count: n * n)
            let taps = Double(9 * g.order)
            for r in 0..<g.order { for r2 in 0..<g.order { for t in 0..<(h * w) { for t2 in 0..<(h * w) {
                var acc = 0.0
                for a in offsets {
                    guard let u = move(t, g.elements[r].apply(a.0, a.1)),
                          let u2 = move(t2, g.elements[r2].apply(a.0, a.1)) else { continue }
                    for p in 0..<g.order {
                        acc += k[idx(u, g.table[r][p]) * n + idx(u2, g.table[r2][p])]
                    }
                }
                out[idx(t, r) * n + idx(t2, r2)] = w2 * acc / taps + b2
            } } } }
            return out
        }
    }

    func testFullTensorsMatchReducedEngine() throws {
        var rng = TestRNG(11)
        for (gname, size, padding) in [("C4", 4, "same"), ("D4", 4, "circular"), ("D1", 5, "same"), ("C2", 5, "circular")] {
            let json = groupStackJSON(group: gname, padding: padding, size: size)
            let ev = try KernelEvaluator(spec: try spec(json))
            guard let g = PointGroup.named(gname), let pad = Padding(rawValue: padding) else { return XCTFail() }
            let nv = Naive(h: size, w: size, g: g, padding: pad)
            let c = channels
            let x = rng.normals(size * size * c), y = rng.normals(size * size * c)
            let p = size * size
            func k0(_ a: [Double], _ b: [Double]) -> [Double] {
                var k = [Double](repeating: 0, count: p * p)
                for t in 0..<p { for t2 in 0..<p { for ch in 0..<c { k[t * p + t2] += a[t * c + ch] * b[t2 * c + ch] / Double(c) } } }
                return k
            }
            // Three recursions side by side: (x,x), (y,y) for the variances, (x,y).
            var kxx = nv.lift(k0(x, x), p0: p, w2: 1.96, b2: 0.01)
            var kyy = nv.lift(k0(y, y), p0: p, w2: 1.96, b2: 0.01)
            var kxy = nv.lift(k0(x, y), p0: p, w2: 1.96, b2: 0.01)
            var txy = kxy // Θ¹ = K¹ (the input has no tangent kernel)
            let n = nv.n
            let lifted = try ev.intermediate(x, y, afterLayer: 0)
            let fullK = lifted.fullMatrix(ntk: false), fullT = lifted.fullMatrix(ntk: true)
            for i in 0..<(n * n) {
                XCTAssertEqual(fullK.data[i], kxy[i], accuracy: 1e-13 * max(1, abs(kxy[i])), "\(gname) lift K")
                XCTAssertEqual(fullT.data[i], txy[i], accuracy: 1e-13 * max(1, abs(txy[i])), "\(gname) lift Θ")
            }
            func relu(_ kab: [Double], _ kaa: [Double], _ kbb: [Double], _ tab: [Double]?) -> ([Double], [Double]?) {
                var k = kab, t = tab
                for i in 0..<n { for j in 0..<n {
                    let r = Activation.relu.dual(k: kab[i * n + j], v1: kaa[i * n + i], v2: kbb[j * n + j])
                    k[i * n + j] = r.k
                    t?[i * n + j] *= r.kdot
                } }
                return (k, t)
            }
            var r = relu(kxy, kxx, kyy, txy); let rxx = relu(kxx, kxx, kxx, nil).0, ryy = relu(kyy, kyy, kyy, nil).0
            kxy = r.0; txy = r.1 ?? []; kxx = rxx; kyy = ryy
            let gk = nv.gconv(kxy, w2: 1.69, b2: 0.04)
            let gt = nv.gconv(txy, w2: 1.69, b2: 0)
            txy = zip(gk, gt).map { $0 + $1 }
            kxy = gk
            kxx = nv.gconv(kxx, w2: 1.69, b2: 0.04); kyy = nv.gconv(kyy, w2: 1.69, b2: 0.04)
            let conv2 = try ev.intermediate(x, y, afterLayer: 2)
            let f2K = conv2.fullMatrix(ntk: false), f2T = conv2.fullMatrix(ntk: true)
            for i in 0..<(n * n) {
                XCTAssertEqual(f2K.data[i], kxy[i], accuracy: 1e-12 * max(1, abs(kxy[i])), "\(gname) gconv K")
                XCTAssertEqual(f2T.data[i], txy[i], accuracy: 1e-12 * max(1, abs(txy[i])), "\(gname) gconv Θ")
            }
            r = relu(kxy, kxx, kyy, txy)
            let poolK = r.0.reduce(0, +) / Double(n * n), poolT = (r.1 ?? []).reduce(0, +) / Double(n * n)
            let outK = 1.21 * poolK + 0.0025, outT = outK + 1.21 * poolT
            let v = kernel(ev, x, y)
            XCTAssertLessThan(relDiff(v.nngp, outK), 1e-13, "\(gname) pooled nngp")
            XCTAssertLessThan(relDiff(v.ntk, outT), 1e-13, "\(gname) pooled ntk")
        }
    }
    let channels = 2
}
