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
    /// Finite-width empirical kernels vs the exact ones (`WidthConvergence.measure`) on the
    /// first `inputs` training examples.
    case convergence(NamedStack, DataChoice, widths: [Int], seedsPerGroup: Int, groups: Int, inputs: Int)
    /// A group stack on N points vs the matching CNN on the |G|·N augmented points
    /// (`AugmentationEquivalence.run`) at the given times and t = ∞.
    case augmentation(NamedStack, DataChoice, times: [Double])
    /// The QM9 learning curve (`QM9LearningCurve.run`): MAE of the atomisation energy vs
    /// training size for the SO(3) molecule kernel, the MLP baseline and composition alone.
    /// Needs no stack; the choice's source is resolved (never `auto`).
    case qm9(QM9Choice)

    /// The stack computed on (nil for the QM9 curve, which builds its own per-atom stacks).
    var stack: NamedStack? {
        switch self {
        case .gram(let s, _), .blocks(let s, _, _, _, _), .invariance(let s, _, _, _, _), .spectrum(let s, _),
             .learningCurve(let s, _, _, _), .convergence(let s, _, _, _, _, _), .augmentation(let s, _, _): s
        case .qm9: nil
        }
    }
    var data: DataChoice? {
        switch self {
        case .gram(_, let d), .blocks(_, let d, _, _, _), .invariance(_, let d, _, _, _), .spectrum(_, let d),
             .learningCurve(_, let d, _, _), .convergence(_, let d, _, _, _, _), .augmentation(_, let d, _): d
        case .qm9: nil
        }
    }

    var kindName: String {
        switch self {
        case .gram: "gram"
        case .blocks: "blocks"
        case .invariance: "invariance"
        case .spectrum: "spectrum"
        case .learningCurve: "learning-curve"
        case .convergence: "convergence"
        case .augmentation: "augmentation"
        case .qm9: "qm9"
        }
    }

    /// Parameters beyond spec and data, in a canonical text form.
    var parameters: String {
        switch self {
        case .gram, .spectrum: ""
        case .blocks(_, _, let i, let j, let l): "i=\(i):j=\(j):layer=\(l)"
        case .invariance(_, _, let i, let j, let g): "i=\(i):j=\(j):group=\(g)"
        case .learningCurve(_, _, let sizes, let t): "sizes=\(sizes.map(String.init).joined(separator: ",")):t=\(t.map { "\($0)" } ?? "inf")"
        case .convergence(_, _, let w, let s, let g, let n):
            "widths=\(w.map(String.init).joined(separator: ",")):seeds=\(s):groups=\(g):inputs=\(n):estimator=readout"
        case .augmentation(_, _, let ts): "times=\(ts.map { "\($0)" }.joined(separator: ","))"
        case .qm9(let q): q.identity
        }
    }

    /// Content hash of what is computed (the stack's display name is not part of it).
    var key: String { ContentHash.hex("\(kindName)|\(stack?.canonicalJSON ?? "-")|\(data?.identity ?? "-")|\(parameters)") }

    /// Key of the training Gram this computation reads (shared by gram and spectrum).
    var gramKey: String { ContentHash.hex("gram|\(stack?.canonicalJSON ?? "-")|\(data?.identity ?? "-")|") }

    /// Key of the test×train Gram the learning curve reads (rows: test, columns: train).
    var crossKey: String { ContentHash.hex("gram-cross|\(stack?.canonicalJSON ?? "-")|\(data?.identity ?? "-")") }

    var title: String {
        switch self {
        case .gram(let s, _): "Gram \(s.name)"
        case .blocks(let s, _, let i, let j, let l): "blocks \(s.name) (\(i),\(j)) L\(l)"
        case .invariance(let s, _, let i, let j, let g): "invariance \(s.name) \(g) (\(i),\(j))"
        case .spectrum(let s, _): "spectrum \(s.name)"
        case .learningCurve(let s, _, _, _): "curve \(s.name)"
        case .convergence(let s, _, let w, _, _, _): "convergence \(s.name) w≤\(w.max() ?? 0)"
        case .augmentation(let s, _, _): "augmentation \(s.name)"
        case .qm9(let q): "qm9 \(q.source.rawValue) n≤\(q.trainSizes.max() ?? 0)"
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
    case convergence(WidthConvergence.Report)
    case augmentation(AugmentationEquivalence.Result, cnnName: String)
    /// Layer-wise kernel of an SO(3) stack over the SO(3) grid (R, R′) of bandwidth L.
    case so3Blocks(nngp: Matrix, ntk: Matrix, bandwidth: Int)
    /// QM9 learning-curve rows (MAE in meV per model, kernel and training size).
    case qm9([QM9LearningCurve.Row])
}
