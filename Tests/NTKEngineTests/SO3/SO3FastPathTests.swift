import Foundation
import XCTest
@testable import NTKEngine

/// The compact FFT path (`SO3FastKernel.swift`) against the dense O(M·N²) path it replaces:
/// the two evaluate the same finite sums in a different order, so they must agree to round-off.
final class SO3FastPathTests: XCTestCase {
    func spec(_ shape: [Int], _ layers: [[String: Any]]) throws -> ArchitectureSpec {
        try ArchitectureSpec.parse(object: ["parameterization": "ntk", "input_shape": shape, "layers": layers])
    }
    func lift(_ a: Int, _ b: Int, w: Double = 1.3, bias: Double = 0.2) -> [String: Any] {
        ["type": "s2_lift", "bandwidth_in": a, "bandwidth_out": b, "W_std": w, "b_std": bias]
    }
    func conv(_ a: Int, _ b: Int, w: Double = 1.7, bias: Double = 0.1) -> [String: Any] {
        ["type": "so3_conv", "bandwidth_in": a, "bandwidth_out": b, "W_std": w, "b_std": bias]
    }
    let pool: [String: Any] = ["type": "so3_pool"]
    let dense: [String: Any] = ["type": "dense", "W_std": 1.1, "b_std": 0.05]

    func inputs(_ s: ArchitectureSpec, count: Int, seed: UInt64) throws -> InputBatch {
        var rng = SplitMix64(seed: seed)
        let f = s.inputShape.reduce(1, *)
        // Positive offset: lifted signals that are not centred (like the molecule features).
        return try InputBatch(shape: s.inputShape, data: (0..<(count * f)).map { _ in 0.3 + rng.gaussian() })
    }

    func maxRelative(_ a: Matrix, _ b: Matrix) -> Double {
        let scale = b.data.map(abs).max() ?? 1
        return zip(a.data, b.data).map { abs($0 - $1) }.max().map { $0 / scale } ?? .infinity
    }

    /// Fast vs dense Gram (symmetric and cross) ≤ 1e-12 on stacks covering lift up/down-sampling,
    /// conv up/down-sampling, both nonlinearities on the grid and after pooling, biases and none.
    func testFastMatchesDense() throws {
        let stacks: [(String, ArchitectureSpec)] = [
            ("lift 3→2 relu conv 2→3 erf pool dense", try spec([6, 5, 2], [lift(3, 2), ["type": "relu"], conv(2, 3), ["type": "erf"], pool, dense])),
            ("lift 2→4 erf conv 4→2 relu pool relu dense", try spec([4, 3, 3], [lift(2, 4), ["type": "erf"], conv(4, 2), ["type": "relu"], pool, ["type": "relu"], dense])),
            ("T1-like lift 4→3 erf conv 3→3 erf pool", try spec([8, 7, 3], [lift(4, 3), ["type": "erf"], conv(3, 3), ["type": "erf"], pool])),
            ("lift only, no bias", try spec([6, 5, 1], [lift(3, 3, bias: 0), ["type": "gelu"], pool, dense])),
            ("two convs", try spec([6, 5, 2], [lift(3, 3), ["type": "erf"], conv(3, 3, bias: 0), ["type": "relu"], conv(3, 2), ["type": "erf"], pool, dense])),
        ]
        // Both grid-dual kernels of the fast path: vectorised (release default) and scalar (debug default).
        let cases = stacks.flatMap { st in [true, false].map { (name: "\(st.0) vector=\($0)", spec: st.1, vector: $0) } }
        for (name, s, vector) in cases {
            var fast = try SO3KernelEvaluator(spec: s, threads: 2)
            fast.fast?.vectorGridDuals = vector
            let slow = try SO3KernelEvaluator(spec: s, threads: 2, dense: true)
            XCTAssertTrue(fast.usesFastPath, name)
            XCTAssertFalse(slow.usesFastPath, name)
            let x = try inputs(s, count: 4, seed: 7), y = try inputs(s, count: 3, seed: 8)
            let a = try fast.compute(x), b = try slow.compute(x)
            XCTAssertLessThanOrEqual(maxRelative(a.nngp, b.nngp), 1e-12, "\(name) nngp")
            XCTAssertLessThanOrEqual(maxRelative(a.ntk, b.ntk), 1e-12, "\(name) ntk")
            let c = try fast.compute(x, y), d = try slow.compute(x, y)
            XCTAssertLessThanOrEqual(maxRelative(c.nngp, d.nngp), 1e-12, "\(name) cross nngp")
            XCTAssertLessThanOrEqual(maxRelative(c.ntk, d.ntk), 1e-12, "\(name) cross ntk")
            // The test can fail: the kernels are not trivially equal (distinct inputs differ).
            XCTAssertGreaterThan(abs(a.nngp[0, 1] - a.nngp[0, 2]), 1e-8, name)
        }
    }

    /// The compact pair kernel after the lift, expanded to N × N, equals the dense lift map
    /// entry by entry (including the γ-difference structure the fast path relies on).
    func testCompactLiftExpandsToDenseLift() throws {
        let s = try spec([6, 5, 2], [lift(3, 2), pool])
        let stack = try SO3Stack(s)
        guard let fast = FastSO3Stack(stack), case .lift(let fl, _)? = fast.ops.first,
              case .lift(let dl, _)? = stack.ops.first else { return XCTFail("no lift") }
        let x = try inputs(s, count: 2, seed: 3)
        let kc = fl.apply(fl.features(x.input(0)), fl.features(x.input(1)), w2: 1, b2: 0)
        let kd = dl.apply(dl.features(x.input(0)), dl.features(x.input(1)))
        let expanded = fl.out.dense(kc)
        XCTAssertEqual(expanded.count, kd.count)
        let scale = kd.map(abs).max() ?? 1
        let err = zip(expanded, kd).map { abs($0 - $1) }.max() ?? .infinity
        XCTAssertLessThanOrEqual(err / scale, 1e-13)
    }

    /// The conv map in the compact layout equals the dense conv map on a γ-circulant kernel
    /// that is not band-limited (the output of a nonlinearity).
    func testCompactConvMatchesDenseConv() throws {
        let fc = try XCTUnwrap(FastConvMap(bandwidthIn: 3, bandwidthOut: 2))
        let dc = ConvKernelMap(bandwidthIn: 3, bandwidthOut: 2)
        var rng = SplitMix64(seed: 11)
        let kappa = (0..<fc.input.count).map { _ in rng.gaussian() }
        let a = fc.out.dense(fc.apply(kappa)), b = dc.apply(fc.input.dense(kappa))
        let scale = b.map(abs).max() ?? 1
        XCTAssertLessThanOrEqual((zip(a, b).map { abs($0 - $1) }.max() ?? .infinity) / scale, 1e-13)
    }

    /// The FFT on an `SO3AlignedBuffer` (SIMD plan) and on a buffer one double off that
    /// alignment (unaligned plan) agree to round-off, with the backward transform of a single
    /// frequency equal to its closed form; buffers are zeroed when reused and when resized.
    func testAlignedAndUnalignedFFTAgree() throws {
        let L = 3, plan = try XCTUnwrap(SO3FFTPlan.plan(bandwidth: L, forward: false))
        let n = 2 * plan.complexCount
        var rng = SplitMix64(seed: 21)
        let data = (0..<n).map { _ in rng.gaussian() }
        let aligned = SO3AlignedBuffer()
        let a = aligned.prepare(n, zero: false)
        _ = a.initialize(from: data)
        plan.execute(a)
        var shifted = [Double](repeating: 0, count: n + 1)
        for i in 0..<n { shifted[i + 1] = data[i] }
        shifted.withUnsafeMutableBufferPointer { b in plan.execute(UnsafeMutableBufferPointer(rebasing: b[1...])) }
        let scale = a.map(abs).max() ?? 1
        for i in 0..<n { XCTAssertEqual(a[i], shifted[i + 1], accuracy: 1e-13 * scale) }
        // One unit coefficient at residues (1, j=0, 0, j′=0, 0): e^{2πi·x₀/5} along Δ only.
        let z = aligned.prepare(n, zero: true)
        XCTAssertTrue(z.allSatisfy { $0 == 0 })
        let g = SO3PairGeometry(bandwidth: L)
        z[2 * (1 * g.slice * g.slice)] = 1
        plan.execute(z)
        for x0 in 0..<g.n {
            let q = 2 * (x0 * g.slice * g.slice)
            XCTAssertEqual(z[q], cos(2 * Double.pi * Double(x0) / Double(g.n)), accuracy: 1e-15)
            XCTAssertEqual(z[q + 1], sin(2 * Double.pi * Double(x0) / Double(g.n)), accuracy: 1e-15)
        }
        XCTAssertEqual(aligned.prepare(4, zero: false).count, 4)
        XCTAssertTrue(aligned.prepare(4, zero: false).allSatisfy { $0 == 0 }, "a resized buffer starts zeroed")
        XCTAssertEqual(aligned.prepare(0, zero: true).count, 0)
    }

    /// Local filters keep the dense path; plans are cached once per bandwidth and can be asked for
    /// from many threads at once (the planner runs under a lock).
    func testLocalFiltersUseDensePathAndPlansAreShared() throws {
        var l = lift(3, 2); l["max_beta"] = 1.0
        let ev = try SO3KernelEvaluator(spec: try spec([6, 5, 1], [l, ["type": "relu"], pool, dense]))
        XCTAssertFalse(ev.usesFastPath)
        let got = UnsafeSendableBox<[ObjectIdentifier?]>(Array(repeating: nil, count: 16))
        DispatchQueue.concurrentPerform(iterations: 16) { i in
            let p = SO3FFTPlan.plan(bandwidth: 4 + i % 2, forward: i % 4 < 2)
            got.set(i, p.map(ObjectIdentifier.init))
        }
        for i in 0..<16 {
            XCTAssertNotNil(got.value[i])
            XCTAssertEqual(got.value[i], SO3FFTPlan.plan(bandwidth: 4 + i % 2, forward: i % 4 < 2).map(ObjectIdentifier.init))
        }
    }
}

/// Collects results from `concurrentPerform` workers (each writes its own index, under a lock).
final class UnsafeSendableBox<T>: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: T
    init(_ v: T) { stored = v }
    var value: T { lock.lock(); defer { lock.unlock() }; return stored }
    func set<E>(_ i: Int, _ e: E) where T == [E] { lock.lock(); stored[i] = e; lock.unlock() }
}
