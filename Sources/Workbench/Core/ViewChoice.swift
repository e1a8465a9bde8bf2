/// The views the workbench draws, and the parameters each one reads.
enum ViewKind: String, Sendable, CaseIterable {
    case gram
    case symmetryBlocks = "symmetry-blocks"
    case invariance
    case spectrum
    case learningCurve = "learning-curve"
    case convergence
    case augmentation
    case qm9

    /// Short name for the Views pane's tab list.
    var short: String {
        switch self {
        case .gram: "gram"
        case .symmetryBlocks: "blocks"
        case .invariance: "invar"
        case .spectrum: "spec"
        case .learningCurve: "curve"
        case .convergence: "conv"
        case .augmentation: "augment"
        case .qm9: "qm9"
        }
    }

    var title: String {
        switch self {
        case .gram: "Gram matrix"
        case .symmetryBlocks: "Symmetry blocks"
        case .invariance: "Invariance grid"
        case .spectrum: "Eigenvalue spectrum"
        case .learningCurve: "Learning curve"
        case .convergence: "Kernel convergence"
        case .augmentation: "Augmentation identity"
        case .qm9: "QM9 learning curve"
        }
    }
}

/// Which kernel a view shows.
enum KernelKind: String, Sendable, CaseIterable {
    case ntk, nngp
    var symbol: String { self == .ntk ? "Θ" : "K" }
}

/// The current view and its parameters.
struct ViewChoice: Sendable, Hashable {
    var kind: ViewKind = .gram
    var kernel: KernelKind = .ntk
    /// The input pair (indices into the training set) of the blocks and invariance views.
    var pair: (Int, Int) = (0, 1)
    /// Spec layer index for the blocks view; nil = the last spatial layer.
    var layer: Int?
    /// Group for the invariance grid; nil = the stack's group, else C4.
    var group: String?
    /// Training-set sizes for the learning curve.
    var sizes: [Int] = [4, 8, 12, 16, 24]
    /// Finite training time drawn besides t = ∞ (nil = only t = ∞).
    var time: Double?
    /// Kernel convergence: widths, seeds per group, seed groups, and how many training inputs.
    var widths: [Int] = [8, 16, 32, 64]
    var seedsPerGroup = 2
    var groups = 8
    var inputs = 4
    /// Augmentation identity: the finite training times (t = ∞ is always added).
    var times: [Double] = [0.1, 1, 10, 100, 1000]
    /// QM9 learning curve: molecules, sizes, SO(3) features (`auto` until the view is chosen).
    var qm9 = QM9Choice()

    static func == (a: ViewChoice, b: ViewChoice) -> Bool {
        a.kind == b.kind && a.kernel == b.kernel && a.pair == b.pair && a.layer == b.layer && a.group == b.group
            && a.sizes == b.sizes && a.time == b.time && a.widths == b.widths && a.seedsPerGroup == b.seedsPerGroup
            && a.groups == b.groups && a.inputs == b.inputs && a.times == b.times && a.qm9 == b.qm9
    }
    func hash(into h: inout Hasher) {
        h.combine(kind); h.combine(kernel); h.combine(pair.0); h.combine(pair.1); h.combine(layer)
        h.combine(group); h.combine(sizes); h.combine(time)
        h.combine(widths); h.combine(seedsPerGroup); h.combine(groups); h.combine(inputs); h.combine(times); h.combine(qm9)
    }
}
