import COpenBLAS
import Dispatch
import Synchronization

/// Monte-Carlo estimates of the NNGP and NTK from random finite networks.
///
/// Why: the exact kernels are expectations over random initialisation in the limit of
/// infinite width; averaging f(x)f(x′) and ⟨∂f(x)/∂θ, ∂f(x′)/∂θ⟩ over seeds at a finite
/// width estimates them independently of the kernel recursion, which validates the engine
/// and shows the finite-width gap. The NTK estimate concentrates as the width grows; the
/// NNGP estimate f(x)f(x′) has O(1) variance per seed at any width, so it needs many seeds
/// (or the `readoutExpectation` estimator, which averages the readout weights out exactly).
public enum EmpiricalKernels {
    /// How the NNGP is estimated from one network.
    public enum NNGPEstimator: Sendable, Hashable {
        /// f(x)·f(x′): the definition.
        case outputProduct
        /// E over the readout layer's own weights of f(x)f(x′) = W_std²/n·⟨h(x), h(x′)⟩ + b_std²,
        /// with h the readout's input. Same expectation, much lower variance. Needs the readout
        /// dense layer to be the last layer.
        case readoutExpectation
    }

    /// Mean over `seeds` of f(x_i)·f(x_j) for networks of `width` (N×N for N inputs).
    public static func nngp(spec: ArchitectureSpec, width: Int, seeds: [UInt64], inputs: InputBatch,
                            estimator: NNGPEstimator = .outputProduct, threads: Int = 1,
                            progress: GramProgress = GramProgress()) throws -> Matrix {
        try mean(of: perSeed(spec: spec, width: width, seeds: seeds, inputs: inputs, estimator: estimator,
                             wantNTK: false, threads: threads, progress: progress)).nngp
    }

    /// Mean over `seeds` of ⟨∂f(x_i)/∂θ, ∂f(x_j)/∂θ⟩ for networks of `width`.
    public static func ntk(spec: ArchitectureSpec, width: Int, seeds: [UInt64], inputs: InputBatch,
                           threads: Int = 1, progress: GramProgress = GramProgress()) throws -> Matrix {
        try mean(of: perSeed(spec: spec, width: width, seeds: seeds, inputs: inputs, estimator: .outputProduct,
                             wantNTK: true, threads: threads, progress: progress)).ntk
    }

    /// Both estimates from the same networks (one forward/backward pass per input and seed).
    public static func both(spec: ArchitectureSpec, width: Int, seeds: [UInt64], inputs: InputBatch,
                            estimator: NNGPEstimator = .outputProduct, threads: Int = 1,
                            progress: GramProgress = GramProgress()) throws -> KernelMatrices {
        try mean(of: perSeed(spec: spec, width: width, seeds: seeds, inputs: inputs, estimator: estimator,
                             wantNTK: true, threads: threads, progress: progress))
    }

    /// The empirical kernels of each seed separately (order of `seeds`), for spreads and
    /// seed-group statistics. Seeds run on `threads` workers; results do not depend on it.
    public static func perSeed(spec: ArchitectureSpec, width: Int, seeds: [UInt64], inputs: InputBatch,
                               estimator: NNGPEstimator = .outputProduct, wantNTK: Bool = true, threads: Int = 1,
                               progress: GramProgress = GramProgress()) throws -> [KernelMatrices] {
        guard !seeds.isEmpty else { throw FiniteWidthError.invalidArgument("no seeds") }
        guard inputs.featureSize == spec.inputShape.reduce(1, *) else {
            throw FiniteWidthError.invalidArgument("inputs have shape \(inputs.shape), the spec expects \(spec.inputShape)")
        }
        guard inputs.count > 0 else { throw FiniteWidthError.invalidArgument("no inputs") }
        if spec.isSpherical {
            return try sphericalPerSeed(spec: spec, width: width, seeds: seeds, inputs: inputs, estimator: estimator,
                                        wantNTK: wantNTK, threads: threads, progress: progress)
        }
        // Build one network up front: surfaces spec errors before any worker starts.
        let probe = try FiniteNetwork(spec: spec, width: width, seed: seeds[0])
        if estimator == .readoutExpectation && probe.readoutIndex != probe.layers.count - 1 {
            throw FiniteWidthError.unsupported("the readout expectation needs the dense readout to be the last layer")
        }
        let xs = (0..<inputs.count).map { Array(inputs.input($0)) }
        return try runSeeds(seeds, threads: threads, progress: progress) { seed in
            kernels(of: try FiniteNetwork(spec: spec, width: width, seed: seed), xs, estimator: estimator, wantNTK: wantNTK)
        }
    }

    /// Runs `body` once per seed on `threads` workers and returns the results in seed order.
    /// Per-network matrices are small: OpenBLAS's own thread pool would only oversubscribe the
    /// seed workers (measured 5× slower on 2 cores), so BLAS is single-threaded meanwhile. The
    /// first error cancels the rest and is rethrown.
    static func runSeeds(_ seeds: [UInt64], threads: Int, progress: GramProgress,
                         _ body: @escaping @Sendable (UInt64) throws -> KernelMatrices) throws -> [KernelMatrices] {
        BLASThreads.enter()
        defer { BLASThreads.leave() }
        let results = Mutex<[KernelMatrices?]>(Array(repeating: nil, count: seeds.count))
        let failure = Mutex<Error?>(nil)
        let next = Atomic<Int>(0)
        progress.begin(total: seeds.count)
        DispatchQueue.concurrentPerform(iterations: max(1, min(threads, seeds.count))) { _ in
            while !progress.isCancelled {
                let s = next.add(1, ordering: .relaxed).oldValue
                if s >= seeds.count { break }
                do {
                    let km = try body(seeds[s])
                    results.withLock { $0[s] = km }
                } catch {
                    failure.withLock { $0 = error }
                    progress.cancel()
                }
                progress.advance(by: 1)
            }
        }
        if let e = failure.withLock({ $0 }) { throw e }
        if progress.isCancelled { throw KernelError.cancelled }
        return results.withLock { $0.compactMap { $0 } }
    }

    /// SO(3) stacks: `SO3FiniteNetwork` per seed; NTK = Σ_θ ∂f/∂θ·∂f/∂θ from its hand-written
    /// backprop; NNGP = f(x)f(x′) (output product) or, with `.readoutExpectation`, the readout
    /// averaged out exactly: W²·⟨h, h′⟩/n + b² with h the n features entering the last dense layer.
    static func sphericalPerSeed(spec: ArchitectureSpec, width: Int, seeds: [UInt64], inputs: InputBatch,
                                 estimator: NNGPEstimator, wantNTK: Bool, threads: Int, progress: GramProgress) throws -> [KernelMatrices] {
        _ = try SO3FiniteNetwork(spec: spec, width: width, seed: seeds[0])
        var readoutLayer: LayerSpec.Affine?
        if estimator == .readoutExpectation {
            guard case .dense(let a)? = spec.layers.last else {
                throw FiniteWidthError.unsupported("the readout expectation needs the dense readout to be the last layer")
            }
            readoutLayer = a
        }
        let readout = readoutLayer
        let n = inputs.count
        let xs = (0..<n).map { Array(inputs.input($0)) }
        return try runSeeds(seeds, threads: threads, progress: progress) { seed in
            let net = try SO3FiniteNetwork(spec: spec, width: width, seed: seed)
            var nngp = Matrix(rows: n, cols: n)
            if let a = readout {
                // Features entering the readout: the output of the layer before it.
                let hs = try xs.map { x -> [Double] in let f = try net.forward(x); return f[f.count - 2] }
                let w2 = a.wStd * a.wStd, b2 = (a.bStd ?? 0) * (a.bStd ?? 0)
                for i in 0..<n { for j in 0..<n {
                    let dot = zip(hs[i], hs[j]).reduce(0) { $0 + $1.0 * $1.1 }
                    nngp[i, j] = w2 * dot / Double(max(hs[i].count, 1)) + b2
                } }
            } else {
                let values = try xs.map { try net.value($0) }
                for i in 0..<n { for j in 0..<n { nngp[i, j] = values[i] * values[j] } }
            }
            let ntk = wantNTK ? try net.empiricalNTK(xs) : Matrix(rows: n, cols: n)
            return KernelMatrices(nngp: nngp, ntk: ntk)
        }
    }

    /// One network's N×N empirical NNGP and (optionally) NTK.
    static func kernels(of net: FiniteNetwork, _ xs: [[Double]], estimator: NNGPEstimator, wantNTK: Bool) -> KernelMatrices {
        let n = xs.count
        var nngp = Matrix(rows: n, cols: n)
        var ntk = Matrix(rows: n, cols: n)
        let p = net.parameterCount
        var values = [Double](repeating: 0, count: n)
        var feats: [[Double]] = []
        var jac = [Double](repeating: 0, count: wantNTK ? n * p : 0)
        for i in 0..<n {
            let r = net.evaluate(xs[i], withGradient: wantNTK)
            values[i] = r.value
            if estimator == .readoutExpectation { feats.append(r.readoutInput) }
            if wantNTK { jac.replaceSubrange((i * p)..<((i + 1) * p), with: r.gradient) }
        }
        if wantNTK {
            // Θ = J·Jᵀ.
            jac.withUnsafeBufferPointer { j in
                ntk.data.withUnsafeMutableBufferPointer { t in
                    cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, Int32(n), Int32(n), Int32(p), 1,
                                j.baseAddress, Int32(p), j.baseAddress, Int32(p), 0, t.baseAddress, Int32(n))
                }
            }
        }
        switch estimator {
        case .outputProduct:
            for i in 0..<n { for j in 0..<n { nngp[i, j] = values[i] * values[j] } }
        case .readoutExpectation:
            guard case .dense(let d, _) = net.layers[net.readoutIndex] else { break }
            let w2 = d.affine.wStd * d.affine.wStd / Double(d.inputs)
            let b2 = (d.affine.bStd ?? 0) * (d.affine.bStd ?? 0)
            for i in 0..<n {
                for j in i..<n {
                    var dot = 0.0
                    for k in 0..<d.inputs { dot += feats[i][k] * feats[j][k] }
                    nngp[i, j] = w2 * dot + b2; nngp[j, i] = nngp[i, j]
                }
            }
        }
        return KernelMatrices(nngp: nngp, ntk: ntk)
    }

    /// Entrywise mean of several kernel pairs.
    static func mean(of ks: [KernelMatrices]) -> KernelMatrices {
        guard let first = ks.first else { return KernelMatrices(nngp: Matrix(rows: 0, cols: 0), ntk: Matrix(rows: 0, cols: 0)) }
        var k = first.nngp, t = first.ntk
        for m in ks.dropFirst() {
            for i in 0..<k.data.count { k.data[i] += m.nngp.data[i]; t.data[i] += m.ntk.data[i] }
        }
        let inv = 1 / Double(ks.count)
        for i in 0..<k.data.count { k.data[i] *= inv; t.data[i] *= inv }
        return KernelMatrices(nngp: k, ntk: t)
    }
}
