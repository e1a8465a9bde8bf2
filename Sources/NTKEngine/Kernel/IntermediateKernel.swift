/// The kernels after one layer for one pair of inputs — what the workbench draws.
///
/// For spatial layers the kernel is a function of ((t, r), (t′, r′)). It is stored in the
/// reduced form `blocks[s]` = B_s(t, t′) over relative elements s = r′r⁻¹ (exact; see
/// `KernelEvaluator`), and `entry`/`fullMatrix` expand it. For pooled/scalar layers the
/// kernel is a single number (`blocks` has one 1×1 block).
public struct IntermediateKernel: Sendable {
    public let layerIndex: Int
    public let shape: FeatureShape
    /// The group (C1 for plain CNN layers and scalars).
    public let group: PointGroup
    /// Spatial size of each point's grid (1×1 for scalars).
    public let height: Int, width: Int
    /// `nngp[s]`, `ntk[s]`: P×P row-major blocks (P = height·width), s indexing `group.elements`.
    public let nngp: [[Double]]
    public let ntk: [[Double]]

    public var positions: Int { height * width }

    /// K or Θ at ((t, r), (t′, r′)); t = row·width + col, r indexes `group.elements`.
    public func entry(ntk useNTK: Bool, t: Int, r: Int, t2: Int, r2: Int) -> Double {
        let s = group.table[r2][group.inverse[r]] // r′·r⁻¹
        let b = useNTK ? ntk[s] : nngp[s]
        return b[t * positions + t2]
    }

    /// The full (P·|G|) × (P·|G|) matrix, rows ordered (r, t) — r-major, so the |G|×|G| grid of
    /// P×P blocks is visible (block-circulant for cyclic groups).
    public func fullMatrix(ntk useNTK: Bool) -> Matrix {
        let p = positions, g = group.order, n = p * g
        var m = Matrix(rows: n, cols: n)
        for r in 0..<g { for r2 in 0..<g {
            let s = group.table[r2][group.inverse[r]]
            let b = useNTK ? ntk[s] : nngp[s]
            for t in 0..<p { for t2 in 0..<p { m[r * p + t, r2 * p + t2] = b[t * p + t2] } }
        } }
        return m
    }
}

extension KernelEvaluator {
    /// The NNGP and NTK kernels of (x1, x2) right after layer `layer` (a spec layer index).
    public func intermediate(_ x1: [Double], _ x2: [Double], afterLayer layer: Int) throws -> IntermediateKernel {
        guard layer >= 0 && layer < stack.spec.layers.count else {
            throw KernelError.shape("layer \(layer) is out of range 0..<\(stack.spec.layers.count)")
        }
        guard x1.count == inputSize, x2.count == inputSize else {
            throw KernelError.shape("inputs have \(x1.count) and \(x2.count) values, the stack expects \(inputSize)")
        }
        let ws = makeWorkspace()
        return x1.withUnsafeBufferPointer { b1 in
            x2.withUnsafeBufferPointer { b2 in
                let same = x1 == x2
                let s1 = selfKernel(b1, workspace: ws)
                let s2 = same ? s1 : selfKernel(b2, workspace: ws)
                let shape = stack.shapes[layer]
                if let opIndex = stack.spatial.firstIndex(where: { $0.layerIndex == layer }) {
                    var group = PointGroup.c1
                    if case .lifted(_, _, _, let g) = shape { group = g }
                    inputKernel(b1, b2, workspace: ws)
                    var kb: [[Double]] = [], tb: [[Double]] = []
                    var hw = (0, 0)
                    for s in group.elements {
                        _ = spatialBlock(s: s, s1, s2, selfPair: same && s == .identity, workspace: ws) { oi, r in
                            guard oi == opIndex else { return }
                            let n = r.dims.reduce(1, *)
                            kb.append(Array(UnsafeBufferPointer(start: r.k, count: n)))
                            tb.append(r.theta.map { Array(UnsafeBufferPointer(start: $0, count: n)) } ?? [Double](repeating: 0, count: n))
                            hw = (r.dims[0], r.dims[1])
                        }
                    }
                    return IntermediateKernel(layerIndex: layer, shape: shape, group: group, height: hw.0, width: hw.1, nngp: kb, ntk: tb)
                }
                // Reduction or scalar layer: run the scalar phase up to this layer.
                var v: KernelValue
                var v1: Double, v2: Double
                if stack.isImageStack {
                    v = reducedPair(b1, b2, s1, s2, workspace: ws)
                    v1 = s1.pooled?.nngp ?? 0; v2 = s2.pooled?.nngp ?? 0
                } else {
                    var dot = 0.0
                    for i in 0..<b1.count { dot += b1[i] * b2[i] }
                    v = KernelValue(nngp: dot / Double(b1.count), ntk: 0)
                    v1 = s1.vectorVariance ?? 0; v2 = s2.vectorVariance ?? 0
                }
                let upTo = stack.scalar.filter { $0.layerIndex <= layer }
                v = scalarPhase(v, v1: v1, v2: v2, ops: upTo)
                return IntermediateKernel(layerIndex: layer, shape: shape, group: .c1, height: 1, width: 1,
                                          nngp: [[v.nngp]], ntk: [[v.ntk]])
            }
        }
    }
}
