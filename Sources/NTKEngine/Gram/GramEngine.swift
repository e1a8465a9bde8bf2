import COpenBLAS
import Dispatch
import Foundation
import Synchronization

/// NNGP and NTK Gram matrices of a stack over two input batches.
public struct KernelMatrices: Sendable {
    public var nngp: Matrix
    public var ntk: Matrix
    public init(nngp: Matrix, ntk: Matrix) { self.nngp = nngp; self.ntk = ntk }
}

/// Computes Gram matrices in parallel with bounded memory.
///
/// Pairs are dealt out in tiles to `threads` workers (Dispatch), each with its own scratch
/// workspace of a few P×P blocks, so memory is O(threads·P²) whatever N is. For a symmetric
/// Gram (x2 omitted) only the upper triangle is computed and mirrored. MLP stacks take the
/// scalar path: one dgemm for the input kernel, then the recursion entrywise.
public struct GramEngine: Sendable {
    /// The plane-group (MLP, CNN, GCNN) evaluator; nil for SO(3) stacks.
    public let evaluator: KernelEvaluator?
    /// The SO(3) evaluator for spherical stacks (s2_lift …); nil otherwise.
    public let sphericalEvaluator: SO3KernelEvaluator?
    public let spec: ArchitectureSpec
    /// Worker threads (default: all cores).
    public var threads: Int
    /// Pairs per tile: the granularity of progress and cancellation.
    public var tileSize: Int
    /// Element type of the pair recursion (self-variances, reductions and the scalar phase
    /// always run in float64).
    public var precision: Precision = .float64

    public init(evaluator: KernelEvaluator, threads: Int? = nil, tileSize: Int = 16) {
        self.init(evaluator: evaluator, spherical: nil, spec: evaluator.stack.spec, threads: threads, tileSize: tileSize)
    }

    private init(evaluator: KernelEvaluator?, spherical: SO3KernelEvaluator?, spec: ArchitectureSpec, threads: Int?, tileSize: Int) {
        self.evaluator = evaluator
        self.sphericalEvaluator = spherical
        self.spec = spec
        self.threads = max(1, threads ?? ProcessInfo.processInfo.activeProcessorCount)
        self.tileSize = max(1, tileSize)
    }

    /// Picks the evaluator the spec needs: SO(3) stacks go to `SO3KernelEvaluator`.
    public init(spec: ArchitectureSpec, threads: Int? = nil) throws {
        let stack = try Stack(spec)
        if stack.isSpherical {
            self.init(evaluator: nil, spherical: try SO3KernelEvaluator(spec: spec, threads: threads), spec: spec, threads: threads, tileSize: 16)
        } else {
            self.init(evaluator: try KernelEvaluator(stack: stack), threads: threads)
        }
    }

    /// K and Θ between every x1[i] and x2[j] (x2 = x1 when nil: symmetric Gram).
    /// A result with a NaN or ±∞ entry is an error (`KernelError.nonFinite`) naming the layer
    /// where the first bad pair first goes non-finite — never a silent all-NaN Gram.
    public func compute(_ x1: InputBatch, _ x2: InputBatch? = nil, progress: GramProgress = GramProgress()) throws -> KernelMatrices {
        let r: KernelMatrices
        // MLPs spend their time in one big dgemm: let OpenBLAS use its threads there.
        if let ev = evaluator, !ev.stack.isImageStack { r = try computeUnlocked(x1, x2, progress: progress) }
        else { r = try BLASThreads.singleThreaded { try computeUnlocked(x1, x2, progress: progress) } }
        try requireFinite(r, x1, x2)
        return r
    }

    /// One pass over a finished Gram (or tile: x1/x2 are then the tile's row/column inputs and
    /// `offset` their first indices), cheap next to computing it; only on failure is the
    /// offending pair re-run layer by layer to say where it broke.
    func requireFinite(_ r: KernelMatrices, _ x1: InputBatch, _ x2: InputBatch?, offset: (Int, Int) = (0, 0)) throws {
        if let bad = (0..<r.nngp.data.count).first(where: { !r.nngp.data[$0].isFinite || !r.ntk.data[$0].isFinite }) {
            let i = offset.0 + bad / max(r.nngp.cols, 1), j = offset.1 + bad % max(r.nngp.cols, 1)
            throw KernelError.nonFinite(diagnoseNonFinite(x1.input(i), (x2 ?? x1).input(j), i: i, j: j))
        }
    }

    /// Words for a pair (i, j) whose kernel is not finite: the first layer where it becomes
    /// NaN/∞, found by re-running the pair through `intermediate(_:_:afterLayer:)`.
    func diagnoseNonFinite(_ a: ArraySlice<Double>, _ b: ArraySlice<Double>, i: Int, j: Int) -> String {
        let pair = "pair (\(i), \(j))"
        let d = Double(max(a.count, 1))
        let na = a.reduce(0) { $0 + $1 * $1 } / d, nb = b.reduce(0) { $0 + $1 * $1 } / d
        if !na.isFinite || !nb.isFinite {
            return "the input kernel x·x′/D of \(pair) overflows (inputs are too large, e.g. 1e300); rescale the inputs"
        }
        guard let ev = evaluator else {
            return "the SO(3) kernel of \(pair) is not finite (check W_std/b_std and input magnitudes)"
        }
        let xa = Array(a), xb = Array(b)
        for layer in spec.layers.indices {
            guard let k = try? ev.intermediate(xa, xb, afterLayer: layer) else { continue }
            let finite = k.nngp.allSatisfy { $0.allSatisfy(\.isFinite) } && k.ntk.allSatisfy { $0.allSatisfy(\.isFinite) }
            if !finite {
                let l = spec.layers[layer]
                var why = "the kernel of \(pair) first becomes non-finite at layers[\(layer)] (\(l.typeName))"
                switch l {
                case .activation(let act):
                    if let limit = act.maxReliableVariance {
                        why += "; the \(act.typeName) dual is only computed for pre-activation variances ≤ \(String(format: "%g", limit)) — lower W_std/b_std or rescale the inputs"
                    } else {
                        why += "; the pre-activation variance overflowed — lower W_std/b_std or rescale the inputs"
                    }
                default:
                    why += "; the variance overflowed — lower W_std/b_std (e.g. b_std 1e308 squares to ∞) or rescale the inputs"
                }
                return why
            }
        }
        return "the kernel of \(pair) is not finite (no single layer isolated; check W_std/b_std and input magnitudes)"
    }

    func computeUnlocked(_ x1: InputBatch, _ x2: InputBatch?, progress: GramProgress) throws -> KernelMatrices {
        if let sph = sphericalEvaluator { return try sph.compute(x1, x2, progress: progress) }
        guard let evaluator else { throw KernelError.shape("no evaluator for this stack") }
        for (name, b) in [("x1", x1), ("x2", x2)] {
            guard let b else { continue }
            guard b.featureSize == spec.inputShape.reduce(1, *) else {
                throw KernelError.shape("\(name) inputs have shape \(b.shape), the stack expects \(spec.inputShape)")
            }
            if let bad = b.data.firstIndex(where: { !$0.isFinite }) {
                throw KernelError.nonFinite("\(name) input \(bad / b.featureSize) contains \(b.data[bad])")
            }
        }
        let symmetric = x2 == nil
        let xb = x2 ?? x1
        let n1 = x1.count, n2 = xb.count
        if !evaluator.stack.isImageStack {
            return try vectorGram(x1, xb, symmetric: symmetric, progress: progress)
        }
        // Self kernels: cheap diagonals, plus full pooled self-pairs when the readout needs them.
        let self1 = try selfKernels(x1, progress: progress)
        let self2 = symmetric ? self1 : try selfKernels(xb, progress: progress)

        var pairs: [(Int32, Int32)] = []
        pairs.reserveCapacity(symmetric ? n1 * (n1 + 1) / 2 : n1 * n2)
        for i in 0..<n1 { for j in (symmetric ? i : 0)..<n2 { pairs.append((Int32(i), Int32(j))) } }
        progress.begin(total: pairs.count)
        let out = SharedOutput(count: n1 * n2)
        defer { out.deallocate() }
        let next = Atomic<Int>(0)
        // Small Grams get small tiles so every worker has work.
        let tile = max(1, min(tileSize, pairs.count / (threads * 4)))
        let ev = evaluator
        let workers = min(threads, max(1, pairs.count / tile + 1))
        do {
            x1.data.withUnsafeBufferPointer { b1 in
                xb.data.withUnsafeBufferPointer { b2 in
                    let f = x1.featureSize
                    let p1 = UncheckedPointer(b1), p2 = UncheckedPointer(b2)
                    let pairList = pairs
                    let precision = self.precision
                    DispatchQueue.concurrentPerform(iterations: workers) { _ in
                        switch precision {
                        case .float64: work(ev.makeWorkspace(Double.self))
                        case .float32: work(ev.makeWorkspace(Float.self))
                        }
                    }
                    @Sendable func work<T: KernelFloat>(_ ws: Workspace<T>) {
                        var start = next.load(ordering: .relaxed)
                        while !progress.isCancelled {
                            if start >= pairList.count { break }
                            // Guided tiles: `tile` pairs while much is left, then ever smaller
                            // (remaining / 2·workers, at least 1), so no worker idles at the end
                            // while another finishes a whole tile (2-thread scaling of a 36-pair
                            // Gram: 1.70× → see BENCHMARKS.md, round four).
                            let size = max(1, min(tile, (pairList.count - start) / (2 * workers)))
                            let claim = next.compareExchange(expected: start, desired: start + size, ordering: .relaxed)
                            if !claim.exchanged { start = claim.original; continue }
                            let end = min(start + size, pairList.count)
                            for q in start..<end {
                                let (i, j) = (Int(pairList[q].0), Int(pairList[q].1))
                                let a = UnsafeBufferPointer(rebasing: p1.buffer[(i * f)..<((i + 1) * f)])
                                let b = UnsafeBufferPointer(rebasing: p2.buffer[(j * f)..<((j + 1) * f)])
                                let v: KernelValue
                                if symmetric && i == j, let pooled = self1[i].pooled {
                                    // The self pair's reduced kernel was computed with the self
                                    // kernels (a nonlinearity follows the pooling): reuse it.
                                    v = ev.scalarPhase(pooled, v1: pooled.nngp, v2: pooled.nngp)
                                } else {
                                    v = ev.pair(a, b, self1[i], self2[j], workspace: ws)
                                }
                                out.set(i * n2 + j, v)
                                if symmetric { out.set(j * n2 + i, v) }
                            }
                            progress.advance(by: end - start)
                            start = next.load(ordering: .relaxed)
                        }
                    }
                }
            }
            if progress.isCancelled { throw KernelError.cancelled }
        }
        return KernelMatrices(nngp: Matrix(rows: n1, cols: n2, data: out.nngpArray()),
                              ntk: Matrix(rows: n1, cols: n2, data: out.ntkArray()))
    }

    func selfKernels(_ x: InputBatch, progress: GramProgress) throws -> [SelfKernel] {
        let f = x.featureSize
        guard let ev = evaluator else { return [] }
        let results = Mutex<[SelfKernel?]>(Array(repeating: nil, count: x.count))
        let next = Atomic<Int>(0)
        x.data.withUnsafeBufferPointer { buf in
            let p = UncheckedPointer(buf)
            DispatchQueue.concurrentPerform(iterations: min(threads, max(1, x.count))) { _ in
                let ws = ev.makeWorkspace()
                while !progress.isCancelled {
                    let i = next.add(1, ordering: .relaxed).oldValue
                    if i >= x.count { break }
                    let sk = ev.selfKernel(UnsafeBufferPointer(rebasing: p.buffer[(i * f)..<((i + 1) * f)]), workspace: ws)
                    results.withLock { $0[i] = sk }
                }
            }
        }
        if progress.isCancelled { throw KernelError.cancelled }
        return results.withLock { $0.compactMap { $0 } }
    }

    /// MLP stacks: K⁰ = X1·X2ᵀ/D by one dgemm, then the scalar recursion entrywise.
    func vectorGram(_ x1: InputBatch, _ x2: InputBatch, symmetric: Bool, progress: GramProgress) throws -> KernelMatrices {
        guard let evaluator else { throw KernelError.shape("no evaluator for this stack") }
        let n1 = x1.count, n2 = x2.count, d = x1.featureSize
        var k0 = [Double](repeating: 0, count: n1 * n2)
        progress.begin(total: n1 * n2)
        x1.data.withUnsafeBufferPointer { a in
            x2.data.withUnsafeBufferPointer { b in
                k0.withUnsafeMutableBufferPointer { c in
                    cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, Int32(n1), Int32(n2), Int32(d),
                                1.0 / Double(d), a.baseAddress, Int32(d), b.baseAddress, Int32(d), 0, c.baseAddress, Int32(n2))
                }
            }
        }
        func norms(_ x: InputBatch) -> [Double] {
            (0..<x.count).map { i in x.input(i).reduce(0) { $0 + $1 * $1 } / Double(d) }
        }
        let v1 = norms(x1), v2 = symmetric ? v1 : norms(x2)
        // The entrywise recursion, rows dealt out to the workers (disjoint writes).
        let out = SharedOutput(count: n1 * n2)
        defer { out.deallocate() }
        let next = Atomic<Int>(0)
        let ev = evaluator
        BLASThreads.enter()
        defer { BLASThreads.leave() }
        k0.withUnsafeBufferPointer { kb in
            let k = UncheckedPointer(kb)
            DispatchQueue.concurrentPerform(iterations: min(threads, max(1, n1))) { _ in
                while !progress.isCancelled {
                    let i = next.add(1, ordering: .relaxed).oldValue
                    if i >= n1 { break }
                    for j in 0..<n2 {
                        out.set(i * n2 + j, ev.scalarPhase(KernelValue(nngp: k.buffer[i * n2 + j], ntk: 0), v1: v1[i], v2: v2[j]))
                    }
                    progress.advance(by: n2)
                }
            }
        }
        if progress.isCancelled { throw KernelError.cancelled }
        return KernelMatrices(nngp: Matrix(rows: n1, cols: n2, data: out.nngpArray()), ntk: Matrix(rows: n1, cols: n2, data: out.ntkArray()))
    }
}

/// A read-only buffer handed to worker threads (the array outlives the concurrentPerform).
struct UncheckedPointer: @unchecked Sendable {
    let buffer: UnsafeBufferPointer<Double>
    init(_ b: UnsafeBufferPointer<Double>) { buffer = b }
}

/// Output storage written by workers at disjoint indices.
final class SharedOutput: @unchecked Sendable {
    let k: UnsafeMutablePointer<Double>
    let t: UnsafeMutablePointer<Double>
    let count: Int
    init(count: Int) {
        self.count = count
        k = .allocate(capacity: max(count, 1)); t = .allocate(capacity: max(count, 1))
        k.initialize(repeating: .nan, count: count); t.initialize(repeating: .nan, count: count)
    }
    func set(_ i: Int, _ v: KernelValue) { k[i] = v.nngp; t[i] = v.ntk }
    func nngpArray() -> [Double] { Array(UnsafeBufferPointer(start: k, count: count)) }
    func ntkArray() -> [Double] { Array(UnsafeBufferPointer(start: t, count: count)) }
    func deallocate() { k.deallocate(); t.deallocate() }
}
