/// One Gram over pool ∪ test instead of pool × pool plus test × pool: what a store-backed
/// learning curve computes (one resumable, shardable job per stack), sliced afterwards.
public enum UnionGram {
    /// The inputs of `a` followed by those of `b` (same shape).
    public static func concatenate(_ a: InputBatch, _ b: InputBatch) throws -> InputBatch {
        guard a.shape == b.shape else { throw KernelError.shape("cannot join inputs of shapes \(a.shape) and \(b.shape)") }
        return try InputBatch(shape: a.shape, data: a.data + b.data)
    }

    /// From the symmetric Gram of pool ∪ test (pool first): the pool × pool and test × pool blocks.
    public static func split(_ k: KernelMatrices, pool: Int) throws -> (pool: KernelMatrices, test: KernelMatrices) {
        let n = k.nngp.rows
        guard k.nngp.cols == n, k.ntk.rows == n, k.ntk.cols == n, (0...n).contains(pool) else {
            throw KernelError.shape("union Gram \(k.nngp.rows)×\(k.nngp.cols) cannot be split at \(pool)")
        }
        func block(_ m: Matrix, _ rows: Range<Int>) -> Matrix { m.submatrix(rows: rows, cols: 0..<pool) }
        return (KernelMatrices(nngp: block(k.nngp, 0..<pool), ntk: block(k.ntk, 0..<pool)),
                KernelMatrices(nngp: block(k.nngp, pool..<n), ntk: block(k.ntk, pool..<n)))
    }
}
