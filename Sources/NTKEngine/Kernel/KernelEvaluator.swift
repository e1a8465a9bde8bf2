import COpenBLAS
import Foundation

/// The scalar output's NNGP kernel K and NTK Θ for one pair of inputs.
public struct KernelValue: Sendable, Hashable {
    public var nngp: Double
    public var ntk: Double
    public init(nngp: Double, ntk: Double) { self.nngp = nngp; self.ntk = ntk }
}

/// What the pair recursion needs to know about one input on its own: the variances
/// K(x,x)(t,t) entering every spatial nonlinearity, and — when a nonlinearity follows the
/// pooling — the pooled self-kernel. Cheap (O(P) per layer) except for that last case.
public struct SelfKernel: Sendable {
    /// `diag[i]`: the variances entering spatial op i (empty for linear ops).
    var diag: [[Double]]
    /// K and Θ of (x, x) right after the reduction, when needed.
    var pooled: KernelValue?
    /// The variance of the input entering the scalar phase (vector stacks).
    var vectorVariance: Double?
}

/// Scratch buffers of one worker thread; never shared.
final class Workspace<T: KernelFloat> {
    let capacity: Int
    let k0: UnsafeMutablePointer<T>
    var bufs: [UnsafeMutablePointer<T>]
    /// The two inputs converted to T (for the input-kernel gemm).
    var x1: [T] = [], x2: [T] = []
    /// The slice route's buffers (`SliceRunner`), made on first use.
    var slices: SliceRunner<T>?
    init(capacity: Int) {
        self.capacity = max(capacity, 1)
        k0 = .allocate(capacity: self.capacity)
        // 0: K, 1: Θ (each layer after the first writes over its input, see
        // `WindowSum.twisted`); 2, 3: the window sums' rings of first-pass slabs for K and Θ
        // (`WindowSum.scratchNeed` ≤ 2·capacity; at 32×32 with 3×3 circular filters 5 whole
        // rows each, ≈ 0.3 block together, and only what is touched becomes resident). With k0:
        // 3 blocks per worker plus the rings (5 blocks before).
        let cap = self.capacity
        bufs = (0..<4).map { i in UnsafeMutablePointer<T>.allocate(capacity: (i >= 2 ? 2 : 1) * cap) }
    }
    deinit {
        k0.deallocate()
        for b in bufs { b.deallocate() }
    }
}

/// Evaluates the infinite-width kernels of a compiled `Stack`, pair by pair.
///
/// Exact speed-up (a): in a group stack every layer's kernel depends on the two group
/// elements (r, r′) only through the relative element s = r′r⁻¹ — B_s(t, t′) — because
/// the twisted window mean maps B_s to B_s and nonlinearities act entrywise. So one pair
/// costs |G| CNN-sized recursions (one per s), not |G|² blocks, and the blocks are processed
/// one s at a time (memory O(P²), never O(|G|²P²)). `group_pool` averages over s.
public struct KernelEvaluator: Sendable {
    public let stack: Stack
    /// Largest pair block (entries) any spatial layer needs.
    let blockCapacity: Int
    /// When mean readouts run the layers fused over rows (`RowPipeline`).
    enum RowPipelineMode: Sendable {
        /// Blocks of ≥ 2 MiB (K; 32×32 float64 is 8 MiB), rings within one block per channel
        /// (≤ 3 blocks per worker). Smaller blocks stay in L2 layer by layer, and measured
        /// ≈ 4 % slower through the pipeline (16×16 float64, BENCHMARKS.md).
        case auto
        /// Any block size, rings within two blocks per channel (the tests: tiny images).
        case always
        /// Layer by layer (`spatialBlock`; the tests' reference).
        case never
    }
    var rowPipeline = RowPipelineMode.auto
    /// The slice route (`SlicePipeline.swift`) when the stack allows it (all-circular spatial
    /// layers with odd filters, a mean readout); nil otherwise.
    let slicePlan: SlicePlan?
    /// Whether mean readouts take the slice route when `slicePlan` exists (the tests turn it
    /// off to compare with the block routes).
    var slicePath = true

    public init(stack: Stack) throws {
        if stack.isSpherical {
            throw SpecError("layers", "SO(3) stacks (s2_lift, so3_conv, so3_pool) are evaluated by SO3KernelEvaluator (GramEngine picks it)")
        }
        self.stack = stack
        if stack.isImageStack {
            let p = stack.spec.inputShape[0] * stack.spec.inputShape[1]
            blockCapacity = p * p
        } else {
            blockCapacity = 1
        }
        slicePlan = SlicePlan(stack)
    }

    public init(spec: ArchitectureSpec) throws { try self.init(stack: try Stack(spec)) }

    /// Number of features of one input (H·W·C or D).
    public var inputSize: Int { stack.spec.inputShape.reduce(1, *) }

    func makeWorkspace<T: KernelFloat>(_: T.Type = Double.self) -> Workspace<T> { Workspace<T>(capacity: blockCapacity) }

    // MARK: self kernels

    /// The per-input quantities of `SelfKernel` for input `x` (length `inputSize`).
    public func selfKernel(_ x: UnsafeBufferPointer<Double>) -> SelfKernel {
        let ws = makeWorkspace()
        return selfKernel(x, workspace: ws)
    }

    func selfKernel(_ x: UnsafeBufferPointer<Double>, workspace ws: Workspace<Double>) -> SelfKernel {
        let spec = stack.spec
        if !stack.isImageStack {
            var s = 0.0
            for v in x { s += v * v }
            return SelfKernel(diag: [], pooled: nil, vectorVariance: s / Double(x.count))
        }
        let h = spec.inputShape[0], w = spec.inputShape[1], c = spec.inputShape[2]
        var v = [Double](repeating: 0, count: h * w)
        for t in 0..<(h * w) {
            var acc = 0.0
            for ch in 0..<c { let e = x[t * c + ch]; acc += e * e }
            v[t] = acc / Double(c)
        }
        var diag: [[Double]] = []
        var ch = h, cw = w
        for op in stack.spatial {
            switch op.kind {
            case .linear(let m):
                let sum = WindowSum.diagonal(v, h: ch, w: cw, map: m)
                let scale = m.w2 / Double(m.kh * m.kw)
                v = sum.map { scale * $0 + m.b2 }
                ch = m.outH; cw = m.outW
                diag.append([])
            case .activation(let a):
                diag.append(v)
                v = v.map { a.varianceMap($0) }
            }
        }
        var sk = SelfKernel(diag: diag, pooled: nil, vectorVariance: nil)
        if stack.needsPooledSelf {
            sk.pooled = reducedPair(x, x, sk, sk, workspace: ws)
        }
        return sk
    }

    // MARK: pairs

    /// K and Θ of the scalar output for (x1, x2).
    public func pair(_ x1: UnsafeBufferPointer<Double>, _ x2: UnsafeBufferPointer<Double>,
                     _ s1: SelfKernel, _ s2: SelfKernel) -> KernelValue {
        pair(x1, x2, s1, s2, workspace: makeWorkspace())
    }

    func pair<T: KernelFloat>(_ x1: UnsafeBufferPointer<Double>, _ x2: UnsafeBufferPointer<Double>,
              _ s1: SelfKernel, _ s2: SelfKernel, workspace ws: Workspace<T>) -> KernelValue {
        if !stack.isImageStack {
            var dot = 0.0
            for i in 0..<x1.count { dot += x1[i] * x2[i] }
            return scalarPhase(KernelValue(nngp: dot / Double(x1.count), ntk: 0),
                               v1: s1.vectorVariance ?? 0, v2: s2.vectorVariance ?? 0)
        }
        let red = reducedPair(x1, x2, s1, s2, workspace: ws)
        return scalarPhase(red, v1: s1.pooled?.nngp ?? 0, v2: s2.pooled?.nngp ?? 0)
    }

    /// The scalar phase: dense layers and nonlinearities on one pair entry, with the two
    /// inputs' variances carried alongside. (c) of the exact speed-ups: MLPs never leave it.
    func scalarPhase(_ start: KernelValue, v1 start1: Double, v2 start2: Double, ops: [ScalarOp]? = nil) -> KernelValue {
        var k = start.nngp, th = start.ntk, v1 = start1, v2 = start2
        for op in ops ?? stack.scalar {
            switch op.kind {
            case .dense(let a, let fanIn, let param):
                let w2 = a.wStd * a.wStd, b2 = (a.bStd ?? 0) * (a.bStd ?? 0)
                let alpha = param == .ntk ? w2 : fanIn
                let beta = param == .ntk ? b2 : (a.bStd == nil ? 0 : 1)
                th = alpha * k + w2 * th + beta
                k = w2 * k + b2
                v1 = w2 * v1 + b2
                v2 = w2 * v2 + b2
            case .activation(let act):
                let r = act.dual(k: k, v1: v1, v2: v2)
                k = r.k
                th *= r.kdot
                v1 = act.varianceMap(v1)
                v2 = act.varianceMap(v2)
            }
        }
        return KernelValue(nngp: k, ntk: th)
    }

    /// K and Θ right after the reduction layer, averaged over the relative group elements.
    /// A `flatten` readout takes the diagonal recursion (`diagonalPair`): it reads t = t′ only.
    func reducedPair<T: KernelFloat>(_ x1: UnsafeBufferPointer<Double>, _ x2: UnsafeBufferPointer<Double>,
                     _ s1: SelfKernel, _ s2: SelfKernel, workspace ws: Workspace<T>) -> KernelValue {
        if let red = stack.reduction, red.kind == .diagonal {
            return diagonalPair(x1, x2, s1, s2, selfPair: Self.identicalInputs(x1, x2))
        }
        return reducedPairFromBlocks(x1, x2, s1, s2, workspace: ws)
    }

    /// `reducedPair` through whole P×P blocks (every readout; the reference for `flatten`).
    func reducedPairFromBlocks<T: KernelFloat>(_ x1: UnsafeBufferPointer<Double>, _ x2: UnsafeBufferPointer<Double>,
                               _ s1: SelfKernel, _ s2: SelfKernel, workspace ws: Workspace<T>) -> KernelValue {
        guard let red = stack.reduction else { return KernelValue(nngp: 0, ntk: 0) }
        let group = stack.group ?? .c1
        // flatten reads the diagonal t = t′ at r = r′, i.e. only s = identity.
        let elements = red.kind == .diagonal ? [Matrix2.identity] : group.elements
        let selfInput = Self.identicalInputs(x1, x2)
        // Symmetry saving for a self pair (x, x): K((t,r),(t′,r′)) = K((t′,r′),(t,r)) gives
        // B_{s⁻¹}(t′, t) = B_s(t, t′), so B_{s⁻¹} has the same mean as B_s — compute one of
        // each {s, s⁻¹} and count it twice (C4: 3 blocks instead of 4; D4: 6 of 8 … ).
        var weight = [Double](repeating: 1, count: elements.count)
        if selfInput && red.kind == .mean {
            for i in elements.indices {
                let j = group.inverse[i]
                if j < i { weight[j] += 1; weight[i] = 0 }
            }
        }
        var sumK = 0.0, sumT = 0.0
        // The slice route (all-circular stacks) needs neither the input-kernel gemm nor a block.
        var slices: SliceRunner<T>?
        if red.kind == .mean, slicePath, let plan = slicePlan {
            let runner = ws.slices ?? SliceRunner<T>(plan)
            ws.slices = runner
            runner.prepare(x1, x2, s1, s2)
            slices = runner
        } else {
            inputKernel(x1, x2, workspace: ws)
        }
        for (si, s) in elements.enumerated() where weight[si] > 0 {
            let same = selfInput && s == .identity
            if let runner = slices {
                let r = runner.sum(s: s, selfPair: same)
                sumK += weight[si] * r.k / Double(r.count); sumT += weight[si] * r.theta / Double(r.count)
                continue
            }
            if red.kind == .mean, rowPipeline != .never,
               let pipe = RowPipeline<T>(self, s: s, s1, s2, selfPair: same, workspace: ws) {
                let r = pipe.run()
                sumK += weight[si] * r.k / Double(r.count); sumT += weight[si] * r.theta / Double(r.count)
                continue
            }
            let r = spatialBlock(s: s, s1, s2, selfPair: same, workspace: ws, capture: nil)
            let (k, th, dims) = (r.k, r.theta, r.dims)
            let p1 = dims[0] * dims[1], p2 = dims[2] * dims[3]
            switch red.kind {
            case .mean:
                let ak = Self.sum(k, p1 * p2), at = th.map { Self.sum($0, p1 * p2) } ?? 0
                sumK += weight[si] * ak / Double(p1 * p2); sumT += weight[si] * at / Double(p1 * p2)
            case .diagonal:
                var ak = 0.0, at = 0.0
                for i in 0..<p1 { ak += Double(k[i * p2 + i]) }
                if let th { for i in 0..<p1 { at += Double(th[i * p2 + i]) } }
                sumK += ak / Double(p1); sumT += at / Double(p1)
            }
        }
        return KernelValue(nngp: sumK / Double(elements.count), ntk: sumT / Double(elements.count))
    }

    /// Whether (x1, x2) is a self pair: the same buffer, or bitwise-equal contents (a cross
    /// Gram `--x2` that repeats an input of x1). A self pair takes the exact self diagonal
    /// (correlation 1) and the {s, s⁻¹} saving, so its entry equals the symmetric Gram's
    /// instead of differing by arccos's conditioning at ρ → 1 (~1e-10 for ReLU).
    static func identicalInputs(_ x1: UnsafeBufferPointer<Double>, _ x2: UnsafeBufferPointer<Double>) -> Bool {
        guard x1.count == x2.count else { return false }
        guard let a = x1.baseAddress, let b = x2.baseAddress else { return x1.count == 0 }
        return a == b || memcmp(a, b, x1.count * MemoryLayout<Double>.stride) == 0
    }

    /// K⁰(t, t′) = Σ_c x1(t, c)·x2(t′, c) / C as a P×P block (one gemm) into `ws.k0`.
    func inputKernel<T: KernelFloat>(_ x1: UnsafeBufferPointer<Double>, _ x2: UnsafeBufferPointer<Double>, workspace ws: Workspace<T>) {
        let shape = stack.spec.inputShape
        let p = shape[0] * shape[1], c = shape[2]
        if T.self == Double.self, let a = x1.baseAddress, let b = x2.baseAddress {
            a.withMemoryRebound(to: T.self, capacity: x1.count) { ta in
                b.withMemoryRebound(to: T.self, capacity: x2.count) { tb in
                    T.gemmABt(m: p, n: p, k: c, alpha: T(1.0 / Double(c)), a: ta, b: tb, c: ws.k0)
                }
            }
            return
        }
        ws.x1 = x1.map { T($0) }
        ws.x2 = x2.map { T($0) }
        ws.x1.withUnsafeBufferPointer { a in
            ws.x2.withUnsafeBufferPointer { b in
                if let a = a.baseAddress, let b = b.baseAddress {
                    T.gemmABt(m: p, n: p, k: c, alpha: T(1.0 / Double(c)), a: a, b: b, c: ws.k0)
                }
            }
        }
    }

    /// Σ of n entries, accumulated in Double with 4 partial sums.
    static func sum<T: KernelFloat>(_ p: UnsafePointer<T>, _ n: Int) -> Double {
        var a0 = 0.0, a1 = 0.0, a2 = 0.0, a3 = 0.0
        var i = 0
        while i + 4 <= n { a0 += Double(p[i]); a1 += Double(p[i + 1]); a2 += Double(p[i + 2]); a3 += Double(p[i + 3]); i += 4 }
        while i < n { a0 += Double(p[i]); i += 1 }
        return (a0 + a1) + (a2 + a3)
    }

    struct BlockResult<T: KernelFloat> {
        let k: UnsafeMutablePointer<T>
        let theta: UnsafeMutablePointer<T>?
        let dims: [Int]
    }

    /// Runs the spatial phase for one relative element s, starting from `ws.k0`.
    /// `capture(opIndex, result)` sees the block after every op (for layer-wise views).
    func spatialBlock<T: KernelFloat>(s: Matrix2, _ s1: SelfKernel, _ s2: SelfKernel, selfPair: Bool = false, workspace ws: Workspace<T>,
                      capture: ((Int, BlockResult<T>) -> Void)?) -> BlockResult<T> {
        let shape = stack.spec.inputShape
        var dims = [shape[0], shape[1], shape[0], shape[1]]
        // The first op reads the input kernel in `ws.k0` (reused for every s, never written)
        // and writes K into bufs 0; every later op works in place there, Θ in place in bufs 1.
        let kBuf = ws.bufs[0], tBuf = ws.bufs[1], kRing = ws.bufs[2], tRing = ws.bufs[3]
        var kCur = ws.k0
        var thetaZero = true
        var oi = 0
        let ops = stack.spatial
        while oi < ops.count {
            switch ops[oi].kind {
            case .linear(let m):
                // A linear op fused with the nonlinearity after it (when there is one): each
                // output slab is scaled and passed through the dual while it is in cache.
                var fusedAct: BlockActivation<T>?
                if capture == nil, oi + 1 < ops.count, case .activation(let act) = ops[oi + 1].kind {
                    fusedAct = BlockActivation<T>(act, v1: s1.diag[oi + 1], v2: s2.diag[oi + 1], selfPair: selfPair)
                }
                let inv = 1 / Double(m.kh * m.kw)
                let kw2 = T(m.w2 * inv), b2 = T(m.b2), a = T(m.thetaFromK * inv), beta = T(m.thetaConst)
                let zero = thetaZero
                precondition(WindowSum.scratchNeed(map: m, dims: dims, elementSize: MemoryLayout<T>.stride, inPlace: kCur == kBuf) <= 2 * ws.capacity,
                             "window-sum ring exceeds the workspace")
                let out = WindowSum.twisted(map: m, s: s, dims: dims, k: kCur, kOut: kBuf, kScratch: kRing,
                                            theta: thetaZero ? nil : (UnsafePointer(tBuf), tBuf, tRing)) { t, kSlab, tSlab, cnt in
                    let tDst = tBuf + (kSlab - kBuf)
                    if zero {
                        for i in 0..<cnt { let sk = kSlab[i]; tDst[i] = a * sk + beta; kSlab[i] = kw2 * sk + b2 }
                    } else if let ts = tSlab {
                        for i in 0..<cnt { let sk = kSlab[i]; ts[i] = a * sk + kw2 * ts[i] + beta; kSlab[i] = kw2 * sk + b2 }
                    }
                    fusedAct?.applyRow(t, k: kSlab, theta: tDst, cols: cnt)
                }
                thetaZero = false
                kCur = kBuf
                dims = out
                capture?(oi, BlockResult(k: kCur, theta: tBuf, dims: dims))
                if fusedAct != nil { oi += 1 }
            case .activation(let act):
                if kCur == ws.k0 {
                    // An activation first: work on a copy, k0 stays the input kernel.
                    kBuf.update(from: ws.k0, count: dims.reduce(1, *))
                    kCur = kBuf
                }
                BlockActivation<T>(act, v1: s1.diag[oi], v2: s2.diag[oi], selfPair: selfPair)
                    .apply(k: kCur, theta: thetaZero ? nil : tBuf, rows: dims[0] * dims[1], cols: dims[2] * dims[3])
                capture?(oi, BlockResult(k: kCur, theta: thetaZero ? nil : tBuf, dims: dims))
            }
            oi += 1
        }
        return BlockResult(k: kCur, theta: thetaZero ? nil : tBuf, dims: dims)
    }
}
