import Foundation

extension InputBatch {
    /// An input batch from an array read from `path`, which must have shape (N, *inputShape)
    /// exactly — NHWC images (N, H, W, C) or vectors (N, D).
    ///
    /// Why exact: an array with the right element count but another layout — NCHW
    /// (6, 3, 8, 8) for input_shape [8, 8, 3], or rows flattened to (40, 144) — used to be
    /// reinterpreted silently and gave a different kernel with exit 0.
    public static func validated(_ a: NPYArray, inputShape: [Int], path: String) throws -> InputBatch {
        let want = "(N, " + inputShape.map(String.init).joined(separator: ", ") + ")"
        guard a.shape.count == inputShape.count + 1, Array(a.shape.dropFirst()) == inputShape else {
            var hint = ""
            if inputShape.count == 3, a.shape.count == 4, a.shape[1] == inputShape[2], a.shape[2] == inputShape[0], a.shape[3] == inputShape[1] {
                hint = "; this looks like NCHW — convert with np.transpose(a, (0, 2, 3, 1))"
            } else if a.shape.count == 2, inputShape.count == 3, a.shape[1] == inputShape.reduce(1, *) {
                hint = "; flattened rows are ambiguous — reshape with a.reshape(-1, \(inputShape.map(String.init).joined(separator: ", ")))"
            }
            throw DataError(path: path, "array of shape \(NPYShape.text(a.shape)) does not match the spec's input_shape \(inputShape): expected \(want)\(hint)")
        }
        if let bad = a.data.firstIndex(where: { !$0.isFinite }) {
            let f = max(1, inputShape.reduce(1, *))
            throw DataError(path: path, "input \(bad / f) contains \(a.data[bad]); inputs must be finite")
        }
        return try InputBatch(shape: inputShape, data: a.data)
    }
}

/// Shapes printed the way NumPy prints them: `(3,)`, `(6, 3, 8, 8)`.
public enum NPYShape {
    public static func text(_ s: [Int]) -> String {
        s.count == 1 ? "(\(s[0]),)" : "(" + s.map(String.init).joined(separator: ", ") + ")"
    }
}

/// Training targets of `entk predict`, checked: class labels (one-hot encoded) or real targets.
public enum PredictionTargets: Sendable {
    /// Integer class labels 0..<classes.
    case classes(labels: [Int], classes: Int)
    /// Real targets, N × K.
    case regression(Matrix)

    /// Most classes a label array may ask for: one-hot targets are N × classes doubles, and a
    /// stray label 10⁹ would otherwise allocate tens of GB.
    public static let maxClasses = 100_000

    /// Targets from the labels array at `path` for `count` training inputs.
    /// Integer dtype and shape (N,) → classification; float (N,) or (N, K) → regression.
    public static func training(_ a: NPYArray, count: Int, path: String) throws -> PredictionTargets {
        guard a.shape.first == count else {
            throw DataError(path: path, "\(a.shape.first.map(String.init) ?? "no") labels (shape \(NPYShape.text(a.shape))) for \(count) training inputs")
        }
        guard a.shape.count <= 2 else {
            throw DataError(path: path, "labels/targets must have shape (N,) or (N, K), got \(NPYShape.text(a.shape)) — is this an image array passed as --labels?")
        }
        if a.shape.count == 2, a.shape[1] == 0 { throw DataError(path: path, "targets of shape \(NPYShape.text(a.shape)) have no columns") }
        let isInteger = a.dtype != .float64 && a.dtype != .float32
        if isInteger && a.shape.count == 1 {
            let labels = try classLabels(a.data, path: path)
            let classes = (labels.max() ?? 0) + 1
            return .classes(labels: labels, classes: classes)
        }
        if let bad = a.data.firstIndex(where: { !$0.isFinite }) {
            throw DataError(path: path, "target \(bad) is \(a.data[bad]); targets must be finite")
        }
        if let big = a.data.first(where: { abs($0) > 1e150 }) {
            throw DataError(path: path, "target \(big) is too large (|y| ≤ 1e150, so squared errors stay finite)")
        }
        let k = a.shape.count == 1 ? 1 : a.shape[1]
        return .regression(Matrix(rows: count, cols: k, data: a.data))
    }

    /// Integer labels in 0..<maxClasses, converted without trapping on NaN, ±∞ or 2⁶³−1.
    static func classLabels(_ data: [Double], path: String) throws -> [Int] {
        var out = [Int]()
        out.reserveCapacity(data.count)
        for (i, v) in data.enumerated() {
            guard v.isFinite, v == v.rounded() else {
                throw DataError(path: path, "label \(i) is \(v); class labels must be integers")
            }
            guard v >= 0 else { throw DataError(path: path, "label \(i) is \(Int(v)); class labels must be ≥ 0") }
            guard v < Double(maxClasses) else {
                throw DataError(path: path, "label \(i) is \(v >= 9.2e18 ? String(format: "%.17g", v) : String(Int(v))); at most \(maxClasses) classes are supported (labels 0..<\(maxClasses)) — one-hot targets would need N × (label+1) values")
            }
            out.append(Int(v))
        }
        return out
    }

    /// Columns of the target matrix (classes for classification).
    public var columns: Int {
        switch self {
        case .classes(_, let c): c
        case .regression(let m): m.cols
        }
    }

    /// The regression target matrix (centred one-hot rows for classes).
    public var matrix: Matrix {
        switch self {
        case .classes(let l, let c): Metrics.oneHot(l, classes: c, centred: true)
        case .regression(let m): m
        }
    }

    /// Test labels/targets matching these training targets, for `count` test inputs.
    public func test(_ a: NPYArray, count: Int, path: String) throws -> PredictionTargets {
        guard a.shape.first == count else {
            throw DataError(path: path, "\(a.shape.first.map(String.init) ?? "no") labels (shape \(NPYShape.text(a.shape))) for \(count) test inputs")
        }
        switch self {
        case .classes:
            guard a.shape.count == 1 else {
                throw DataError(path: path, "the training labels are class labels (N,), so test labels must be (M,), got \(NPYShape.text(a.shape))")
            }
            let labels = try Self.classLabels(a.data, path: path)
            return .classes(labels: labels, classes: columns)
        case .regression(let m):
            let k = a.shape.count == 1 ? 1 : a.shape.count == 2 ? a.shape[1] : -1
            guard k == m.cols, a.shape.count <= 2 else {
                throw DataError(path: path, "test targets of shape \(NPYShape.text(a.shape)) do not match the training targets' \(m.cols) column\(m.cols == 1 ? "" : "s") (expected (\(count),\(m.cols == 1 ? "" : " \(m.cols)")) or (\(count), \(m.cols)))")
            }
            if let bad = a.data.firstIndex(where: { !$0.isFinite }) {
                throw DataError(path: path, "target \(bad) is \(a.data[bad]); targets must be finite")
            }
            return .regression(Matrix(rows: count, cols: k, data: a.data))
        }
    }
}
