/// A dense row-major matrix of doubles.
public struct Matrix: Sendable, Hashable {
    public var rows: Int
    public var cols: Int
    public var data: [Double]

    public init(rows: Int, cols: Int, data: [Double]) {
        precondition(data.count == rows * cols, "matrix data has \(data.count) entries, expected \(rows)×\(cols)")
        self.rows = rows; self.cols = cols; self.data = data
    }
    public init(rows: Int, cols: Int, repeating v: Double = 0) {
        self.init(rows: rows, cols: cols, data: [Double](repeating: v, count: rows * cols))
    }
    public init(_ nested: [[Double]]) {
        let r = nested.count, c = nested.first?.count ?? 0
        self.init(rows: r, cols: c, data: nested.flatMap { $0 })
    }

    public subscript(i: Int, j: Int) -> Double {
        get { data[i * cols + j] }
        set { data[i * cols + j] = newValue }
    }

    public var transposed: Matrix {
        var t = Matrix(rows: cols, cols: rows)
        for i in 0..<rows { for j in 0..<cols { t.data[j * rows + i] = data[i * cols + j] } }
        return t
    }
    public var diagonal: [Double] { (0..<min(rows, cols)).map { self[$0, $0] } }
    public var maxAbs: Double { data.reduce(0) { max($0, abs($1)) } }
    public var isFinite: Bool { data.allSatisfy(\.isFinite) }
    public func row(_ i: Int) -> [Double] { Array(data[(i * cols)..<((i + 1) * cols)]) }

    /// The entries at `rows` × `cols` in the order given (repeats allowed):
    /// `out[a, b] == self[rows[a], cols[b]]`.
    ///
    /// Why one method: learning curves pick a training subset of a pool Gram, union Grams are
    /// split into blocks, targets are picked by row — all the same slicing, written once.
    /// The indices come from the caller's own bookkeeping, never from user input; one outside
    /// the matrix is a programming error and stops with a message.
    public func submatrix(rows r: some Collection<Int>, cols c: some Collection<Int>) -> Matrix {
        precondition(r.allSatisfy { (0..<rows).contains($0) } && c.allSatisfy { (0..<cols).contains($0) },
                     "submatrix index outside the \(rows)×\(cols) matrix")
        var out = [Double]()
        out.reserveCapacity(r.count * c.count)
        for i in r {
            let base = i * cols
            for j in c { out.append(data[base + j]) }
        }
        return Matrix(rows: r.count, cols: c.count, data: out)
    }
}

/// A batch of N inputs of one shape, flattened row-major (NHWC for images).
public struct InputBatch: Sendable {
    public var count: Int
    public var shape: [Int]
    public var data: [Double]

    public var featureSize: Int { shape.reduce(1, *) }

    public init(shape: [Int], data: [Double]) throws {
        let f = shape.reduce(1, *)
        guard f > 0 else { throw KernelError.shape("input shape \(shape) has no features") }
        guard data.count % f == 0 else {
            throw KernelError.shape("\(data.count) values do not divide into inputs of shape \(shape) (\(f) each)")
        }
        self.shape = shape; self.data = data; self.count = data.count / f
    }

    public func input(_ i: Int) -> ArraySlice<Double> { data[(i * featureSize)..<((i + 1) * featureSize)] }
}

/// Errors of kernel evaluation and prediction, worded for the user.
public enum KernelError: Error, CustomStringConvertible, Equatable {
    case shape(String)
    case nonFinite(String)
    case cancelled
    case linearAlgebra(String)
    /// A parameter out of its range (training time, diag_reg, …), worded in full.
    case argument(String)

    public var description: String {
        switch self {
        case .argument(let s): s
        case .shape(let s): "shape mismatch: \(s)"
        case .nonFinite(let s): "non-finite values: \(s)"
        case .cancelled: "cancelled"
        case .linearAlgebra(let s): s
        }
    }
}
