import NTKEngine

/// A piece of background work a view needs. Value type with a content hash (`key`) over
/// the spec JSON, the data identity and the parameters, so results are cached and a
/// session line can say exactly what was computed.
enum Computation: Sendable, Hashable {
    /// K and Θ over the training set.
    case gram(NamedStack, DataChoice)
    /// Intermediate kernel of one pair after one layer (the |G|×|G| block matrix).
    case blocks(NamedStack, DataChoice, i: Int, j: Int, layer: Int)
    /// Θ(g·x_i, h·x_j) and K(g·x_i, h·x_j) over g, h in a group.
    case invariance(NamedStack, DataChoice, i: Int, j: Int, group: String)
    /// Eigenvalues of the training Gram.
    case spectrum(NamedStack, DataChoice)
    /// Test accuracy of kernel regression vs training-set size.
    case learningCurve(NamedStack, DataChoice, sizes: [Int], time: Double?)

    var stack: NamedStack {
        switch self {
        case .gram(let s, _), .blocks(let s, _, _, _, _), .invariance(let s, _, _, _, _), .spectrum(let s, _),
             .learningCurve(let s, _, _, _): s
        }
    }
    var data: DataChoice {
        switch self {
        case .gram(_, let d), .blocks(_, let d, _, _, _), .invariance(_, let d, _, _, _), .spectrum(_, let d),
             .learningCurve(_, let d, _, _): d
        }
    }

    var kindName: String {
        switch self {
        case .gram: "gram"
        case .blocks: "blocks"
        case .invariance: "invariance"
        case .spectrum: "spectrum"
        case .learningCurve: "learning-curve"
        }
    }

    /// Parameters beyond spec and data, in a canonical text form.
    var parameters: String {
        switch self {
        case .gram, .spectrum: ""
        case .blocks(_, _, let i, let j, let l): "i=\(i):j=\(j):layer=\(l)"
        case .invariance(_, _, let i, let j, let g): "i=\(i):j=\(j):group=\(g)"
        case .learningCurve(_, _, let sizes, let t): "sizes=\(sizes.map(String.init).joined(separator: ",")):t=\(t.map { "\($0)" } ?? "inf")"
        }
    }

    /// Content hash of what is computed (the stack's display name is not part of it).
    var key: String { ContentHash.hex("\(kindName)|\(stack.canonicalJSON)|\(data.identity)|\(parameters)") }

    /// Key of the training Gram this computation reads (shared by gram and spectrum).
    var gramKey: String { ContentHash.hex("gram|\(stack.canonicalJSON)|\(data.identity)|") }

    var title: String {
        switch self {
        case .gram(let s, _): "Gram \(s.name)"
        case .blocks(let s, _, let i, let j, let l): "blocks \(s.name) (\(i),\(j)) L\(l)"
        case .invariance(let s, _, let i, let j, let g): "invariance \(s.name) \(g) (\(i),\(j))"
        case .spectrum(let s, _): "spectrum \(s.name)"
        case .learningCurve(let s, _, _, _): "curve \(s.name)"
        }
    }
}

/// One line of a learning curve.
struct CurveLine: Sendable, Hashable {
    var label: String
    var values: [Double]
}

/// What a finished computation produced.
enum ComputeResult: Sendable {
    case gram(KernelMatrices, labels: [Int], classNames: [String])
    case blocks(IntermediateKernel)
    case invariance(nngp: Matrix, ntk: Matrix, group: String)
    /// Descending eigenvalues.
    case spectrum(nngp: [Double], ntk: [Double])
    case learningCurve(sizes: [Int], lines: [CurveLine], warnings: [String])
}
