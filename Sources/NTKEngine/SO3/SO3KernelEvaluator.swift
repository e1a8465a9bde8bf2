import Foundation
import Synchronization

/// Exact infinite-width NNGP and NTK of spherical CNNs (S² → SO(3) → invariant,
/// arXiv:2406.06504), for stacks of `s2_lift`, `so3_conv`, pointwise nonlinearities,
/// `so3_pool` and `dense` in the NTK parameterization.
///
/// The plane-group engine cannot evaluate these stacks (its layers are window means on Z²);
/// here the linear layers act on the pair kernel over the SO(3) grid through the Fourier-domain
/// maps of FORMAT.md, which are block-diagonal in the degree l, and nonlinearities act entrywise
/// with the variances K(x,x)(R,R). Global-filter stacks run on the compact γ-difference layout
/// with FFTs along α, γ (`SO3FastKernel.swift`, `usesFastPath`); local filters (and `dense: true`,
/// the cross-check) use the dense maps, O(M·N²) per pair with N grid points and
/// M = Σ_{l<L}(2l+1)² Wigner coefficients (a few dense matrix products).
public struct SO3KernelEvaluator: Sendable {
    let stack: SO3Stack
    /// Worker threads for `compute`.
    public let threads: Int

    /// Validates `spec` (first layer s2_lift, input shape [2L, 2L−1, C], bandwidth chaining,
    /// so3_pool before dense, global filters) and precomputes the harmonic tables.
    /// Throws a located `SpecError` when the stack is not a supported SO(3) stack.
    public init(spec: ArchitectureSpec, threads: Int? = nil) throws {
        try self.init(spec: spec, threads: threads, dense: false)
    }

    /// The compact FFT path for global-filter stacks (`SO3FastKernel.swift`); nil: dense path.
    var fast: FastSO3Stack?

    /// `dense: true` forces the dense O(M·N²) path everywhere (kept as the cross-check of the
    /// fast path; tests compare the two to 1e-12).
    public init(spec: ArchitectureSpec, threads: Int? = nil, dense: Bool) throws {
        stack = try SO3Stack(spec)
        self.threads = max(1, threads ?? ProcessInfo.processInfo.activeProcessorCount)
        fast = dense ? nil : FastSO3Stack(stack)
    }

    /// True when `compute` uses the compact FFT path (global filters only).
    public var usesFastPath: Bool { fast != nil }

    /// The architecture being evaluated.
    public var spec: ArchitectureSpec { stack.spec }
    /// Features of one input, 2L·(2L−1)·C.
    public var inputSize: Int { spec.inputShape.reduce(1, *) }
    /// Kernel side length after each layer: SO(3) grid points ((2L−1)·2L·(2L−1) at that
    /// layer's bandwidth, flattened [γ, β, α]) or 1 once pooled — the shape `intermediate` returns.
    public var layerSizes: [Int] { stack.sizes }

    // MARK: per-input data

    /// What pair evaluations need to know about one input on its own.
    struct SelfData: Sendable {
        /// Real lift features Φ and their filter-weighted partners Ψ (Ψ = Φ for global filters):
        /// the lift kernel of a pair is Φ₁Ψ₂ᵀ up to a constant (see `LiftKernelMap`, `LocalLiftKernelMap`).
        var features: [Double]
        var weighted: [Double]
        /// Variances entering op i (empty for linear ops).
        var variances: [[Double]]
        /// K(x, x) and Θ(x, x) of the output.
        var nngp: Double
        var ntk: Double
    }

    func liftFeatures(_ x: ArraySlice<Double>) -> (phi: [Double], psi: [Double]) {
        switch stack.ops.first {
        case .lift(let map, _)?: let f = map.features(x); return (f, f)
        case .localLift(let map, _)?: return map.features(x)
        default: return ([], [])
        }
    }

    func selfData(_ x: ArraySlice<Double>) -> SelfData {
        let (phi, psi) = liftFeatures(x)
        var captured: [[Double]] = Array(repeating: [], count: stack.ops.count)
        let r = run(phi, psi, nil, nil, through: stack.ops.count - 1, capture: &captured)
        return SelfData(features: phi, weighted: psi, variances: captured, nngp: r.k.first ?? .nan, ntk: r.t.first ?? .nan)
    }

    // MARK: the recursion

    /// Runs ops 0…`last` for one pair. With nil variances the pair is a self-pair and the
    /// variances are read off the diagonal (and stored into `capture`).
    func run(_ phi1: [Double], _ psi2: [Double], _ var1: [[Double]]?, _ var2: [[Double]]?,
             through last: Int, capture: inout [[Double]]) -> (k: [Double], t: [Double]) {
        var k: [Double] = [], t: [Double] = []
        var n = 0
        for (i, op) in stack.ops.enumerated() where i <= last {
            switch op {
            case .lift, .localLift:
                let a: LayerSpec.Affine
                switch op {
                case .lift(let map, let aff): k = map.apply(phi1, psi2); n = map.outputCount; a = aff
                case .localLift(let map, let aff): k = map.apply(phi1, psi2); n = map.outputCount; a = aff
                default: return (k, t)
                }
                let w2 = a.wStd * a.wStd, b2 = (a.bStd ?? 0) * (a.bStd ?? 0)
                for q in k.indices { k[q] = w2 * k[q] + b2 }
                t = k
            case .conv, .localConv:
                let a: LayerSpec.Affine, ak: [Double], at: [Double]
                switch op {
                case .conv(let map, let aff): ak = map.apply(k); at = map.apply(t); n = map.outputCount; a = aff
                case .localConv(let map, let aff): ak = map.apply(k); at = map.apply(t); n = map.outputCount; a = aff
                default: return (k, t)
                }
                let w2 = a.wStd * a.wStd, b2 = (a.bStd ?? 0) * (a.bStd ?? 0)
                k = ak; t = at
                for q in k.indices {
                    k[q] = w2 * ak[q] + b2
                    t[q] = k[q] + w2 * at[q]
                }
            case .gridActivation(let act), .scalarActivation(let act):
                let diag = (0..<n).map { k[$0 * n + $0] }
                let v1 = var1?[i] ?? diag, v2 = var2?[i] ?? diag
                if var1 == nil { capture[i] = diag }
                for r in 0..<n {
                    for s in 0..<n {
                        let q = r * n + s
                        let d = act.dual(k: k[q], v1: v1[r], v2: v2[s])
                        k[q] = d.k; t[q] = d.kdot * t[q]
                    }
                }
            case .pool(let map):
                k = [map.apply(k)]; t = [map.apply(t)]; n = 1
            case .dense(let a):
                let w2 = a.wStd * a.wStd, b2 = (a.bStd ?? 0) * (a.bStd ?? 0)
                k[0] = w2 * k[0] + b2
                t[0] = k[0] + w2 * t[0]
            }
        }
        return (k, t)
    }

    func validate(_ b: InputBatch, _ name: String) throws {
        // Accept the exact [2L, 2L−1, C] shape or a flat vector of that size; any other layout
        // with the same size (e.g. [2L−1, 2L, C]) would be silently misread, so it is refused.
        guard b.featureSize == inputSize, b.shape == spec.inputShape || b.shape == [inputSize] else {
            throw KernelError.shape("\(name) inputs have shape \(b.shape), the stack expects \(spec.inputShape)")
        }
        if let bad = b.data.firstIndex(where: { !$0.isFinite }) {
            throw KernelError.nonFinite("\(name) input \(bad / b.featureSize) contains \(b.data[bad])")
        }
    }

    // MARK: public API

    /// K and Θ of the scalar output between every x1[i] and x2[j] (x2 = nil: the symmetric
    /// Gram of x1). Inputs are flattened [j][k][c] on the DH grid. Self data are computed once
    /// per input, then pairs run in parallel; `progress` counts self runs plus pairs and
    /// cancellation throws `KernelError.cancelled`.
    public func compute(_ x1: InputBatch, _ x2: InputBatch? = nil, progress: GramProgress = GramProgress()) throws -> KernelMatrices {
        try validate(x1, "x1")
        if let x2 { try validate(x2, "x2") }
        let last = stack.ops.count - 1
        if let fast {
            return try gram(x1, x2, progress: progress, selfOf: { x in
                let p = fast.features(x)
                var captured: [[Double]] = Array(repeating: [], count: fast.ops.count)
                let r = fast.run(p, p, nil, nil, through: last, capture: &captured, scratch: SO3FastScratch())
                return SelfData(features: p, weighted: [], variances: captured, nngp: r.k, ntk: r.t)
            }, pair: { a, b, scratch in
                var unused: [[Double]] = []
                return fast.run(a.features, b.features, a.variances, b.variances, through: last, capture: &unused, scratch: scratch)
            })
        }
        return try gram(x1, x2, progress: progress, selfOf: { selfData($0) }, pair: { a, b, _ in
            var scratch: [[Double]] = []
            let r = run(a.features, b.weighted, a.variances, b.variances, through: last, capture: &scratch)
            return (r.k[0], r.t[0])
        })
    }

    /// The Gram loop shared by both paths: self data once per input, then pairs in parallel.
    private func gram(_ x1: InputBatch, _ x2: InputBatch?, progress: GramProgress,
                      selfOf: @Sendable (ArraySlice<Double>) -> SelfData,
                      pair: @Sendable (SelfData, SelfData, SO3FastScratch) -> (Double, Double)) throws -> KernelMatrices {
        let symmetric = x2 == nil
        let xb = x2 ?? x1
        let n1 = x1.count, n2 = xb.count
        var pairs: [(Int, Int)] = []
        for i in 0..<n1 { for j in (symmetric ? i : 0)..<n2 { pairs.append((i, j)) } }
        progress.begin(total: n1 + (symmetric ? 0 : n2) + pairs.count)

        let self1 = try selfBatch(x1, progress: progress, selfOf: selfOf)
        let self2 = symmetric ? self1 : try selfBatch(xb, progress: progress, selfOf: selfOf)

        let out = Mutex<([Double], [Double])>(([Double](repeating: .nan, count: n1 * n2), [Double](repeating: .nan, count: n1 * n2)))
        let next = Atomic<Int>(0)
        let list = pairs
        DispatchQueue.concurrentPerform(iterations: min(threads, max(1, list.count))) { _ in
            let scratch = SO3FastScratch()  // this worker's buffers, reused from pair to pair
            while !progress.isCancelled {
                let q = next.add(1, ordering: .relaxed).oldValue
                if q >= list.count { break }
                let (i, j) = list[q]
                let kv: Double, tv: Double
                if symmetric && i == j {
                    kv = self1[i].nngp; tv = self1[i].ntk
                } else {
                    (kv, tv) = pair(self1[i], self2[j], scratch)
                }
                out.withLock {
                    $0.0[i * n2 + j] = kv; $0.1[i * n2 + j] = tv
                    if symmetric { $0.0[j * n2 + i] = kv; $0.1[j * n2 + i] = tv }
                }
                progress.advance(by: 1)
            }
        }
        if progress.isCancelled { throw KernelError.cancelled }
        let (k, t) = out.withLock { $0 }
        return KernelMatrices(nngp: Matrix(rows: n1, cols: n2, data: k), ntk: Matrix(rows: n1, cols: n2, data: t))
    }

    func selfBatch(_ x: InputBatch, progress: GramProgress,
                   selfOf: @Sendable (ArraySlice<Double>) -> SelfData) throws -> [SelfData] {
        let results = Mutex<[SelfData?]>(Array(repeating: nil, count: x.count))
        let next = Atomic<Int>(0)
        DispatchQueue.concurrentPerform(iterations: min(threads, max(1, x.count))) { _ in
            while !progress.isCancelled {
                let i = next.add(1, ordering: .relaxed).oldValue
                if i >= x.count { break }
                let s = selfOf(x.input(i))
                results.withLock { $0[i] = s }
                progress.advance(by: 1)
            }
        }
        if progress.isCancelled { throw KernelError.cancelled }
        return results.withLock { $0.compactMap { $0 } }
    }

    /// The pair kernels K(x1, x2)(R, R′) and Θ(x1, x2)(R, R′) right after layer `afterLayer`
    /// (0-based): `layerSizes[afterLayer]`² entries over the SO(3) grid in flat [γ, β, α] order
    /// (rows R for x1, columns R′ for x2), or 1×1 once pooled. For drawing layer-wise kernels.
    public func intermediate(_ x1: [Double], _ x2: [Double], afterLayer: Int) throws -> (nngp: Matrix, ntk: Matrix) {
        guard stack.ops.indices.contains(afterLayer) else {
            throw KernelError.shape("afterLayer \(afterLayer) is outside 0..<\(stack.ops.count)")
        }
        let b1 = try InputBatch(shape: spec.inputShape, data: x1), b2 = try InputBatch(shape: spec.inputShape, data: x2)
        try validate(b1, "x1"); try validate(b2, "x2")
        guard b1.count == 1, b2.count == 1 else { throw KernelError.shape("intermediate takes one input on each side") }
        let s1 = selfData(b1.input(0)), s2 = selfData(b2.input(0))
        var scratch: [[Double]] = []
        let r = run(s1.features, s2.weighted, s1.variances, s2.variances, through: afterLayer, capture: &scratch)
        let n = stack.sizes[afterLayer]
        return (Matrix(rows: n, cols: n, data: r.k), Matrix(rows: n, cols: n, data: r.t))
    }
}
