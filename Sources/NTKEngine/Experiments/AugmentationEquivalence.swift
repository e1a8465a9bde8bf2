import Foundation

/// The paper's augmentation identity, measured: a group stack trained on N points and the
/// matching CNN trained on the |G|·N augmented points have the same mean prediction at every
/// gradient-flow time t.
///
/// Why it holds: the CNN's NTK on the augmented set, restricted to label vectors that are
/// constant on orbits, is |G| times the group-averaged kernel, which is the GCNN's NTK; the
/// |G| cancels against neural-tangents' time normalisation by |Y|. It needs a CNN whose kernel
/// commutes with the group (circular padding, or `same` on a square image).
public enum AugmentationEquivalence {
    public struct TimePoint: Sendable {
        /// nil = t → ∞.
        public var time: Double?
        /// Max |f_GCNN − f_CNN,aug| over test points and outputs.
        public var maxDifference: Double
        /// Max |f_GCNN| (scale of the predictions).
        public var scale: Double
        public var gcnnPredictions: Matrix
        public var cnnPredictions: Matrix
    }

    public struct Result: Sendable {
        public var group: PointGroup
        public var trainCount: Int
        public var points: [TimePoint]
        public var warnings: [String]

        /// CSV: time, max difference, relative difference, scale.
        public var csv: String {
            var s = "t,max_abs_difference,relative_difference,prediction_scale\n"
            for p in points {
                s += "\(p.time.map { String($0) } ?? "inf"),\(p.maxDifference),\(p.maxDifference / max(p.scale, .leastNormalMagnitude)),\(p.scale)\n"
            }
            return s
        }
    }

    /// Runs the comparison. `groupSpec` must contain lift/gconv/group_pool layers; the CNN is
    /// derived from it (conv for lift/gconv, global_avg_pool for group_pool).
    public static func run(groupSpec: ArchitectureSpec, train: InputBatch, targets: Matrix, test: InputBatch,
                           times: [Double?], kernel: KernelChoice = .ntk, threads: Int? = nil,
                           progress: GramProgress = GramProgress()) throws -> Result {
        let stack = try Stack(groupSpec)
        guard let group = stack.group, group.order > 1 else {
            throw SpecError("layers", "the augmentation experiment needs a group stack (lift … group_pool) with |G| > 1")
        }
        let cnnSpec = try matchingCNN(groupSpec)
        let shape = groupSpec.inputShape
        guard shape.count == 3 else { throw SpecError("input_shape", "needs images") }
        let (h, w, c) = (shape[0], shape[1], shape[2])
        // Augmented training set: example-major, every element of G applied to each image.
        var aug: [Double] = []
        aug.reserveCapacity(train.data.count * group.order)
        var augTargets = Matrix(rows: train.count * group.order, cols: targets.cols)
        for i in 0..<train.count {
            let x = Array(train.input(i))
            for (gi, g) in group.elements.enumerated() {
                aug += ImageAction.transform(x, height: h, width: w, channels: c, by: g)
                for k in 0..<targets.cols { augTargets[i * group.order + gi, k] = targets[i, k] }
            }
        }
        let augBatch = try InputBatch(shape: shape, data: aug)
        let n = train.count, m = test.count, a = augBatch.count
        progress.plan(total: n * (n + 1) / 2 + m * n + a * (a + 1) / 2 + m * a)
        let ge = try GramEngine(spec: groupSpec, threads: threads)
        let ce = try GramEngine(spec: cnnSpec, threads: threads)
        func pick(_ m: KernelMatrices) -> Matrix { kernel == .ntk ? m.ntk : m.nngp }
        let gTrain = pick(try ge.compute(train, progress: progress))
        let gTest = pick(try ge.compute(test, train, progress: progress))
        let cTrain = pick(try ce.compute(augBatch, progress: progress))
        let cTest = pick(try ce.compute(test, augBatch, progress: progress))
        let gReg = try KernelRegression(kTrainTrain: gTrain)
        let cReg = try KernelRegression(kTrainTrain: cTrain)
        var points: [TimePoint] = []
        var warnings: [String] = []
        for t in times {
            let a = try gReg.predict(kTestTrain: gTest, targets: targets, time: t)
            let b = try cReg.predict(kTestTrain: cTest, targets: augTargets, time: t)
            warnings += a.warnings.map { "GCNN: \($0)" } + b.warnings.map { "CNN+aug: \($0)" }
            var d = 0.0
            for i in 0..<a.values.data.count { d = max(d, abs(a.values.data[i] - b.values.data[i])) }
            points.append(TimePoint(time: t, maxDifference: d, scale: a.values.maxAbs,
                                    gcnnPredictions: a.values, cnnPredictions: b.values))
        }
        return Result(group: group, trainCount: train.count, points: points, warnings: warnings)
    }

    /// The CNN with the same filters, padding and nonlinearities: lift/gconv → conv,
    /// group_pool → global_avg_pool.
    public static func matchingCNN(_ spec: ArchitectureSpec) throws -> ArchitectureSpec {
        var s = spec
        s.name = spec.name.isEmpty ? "matching CNN" : "\(spec.name) (matching CNN)"
        s.layers = spec.layers.map { $0.steps.matchingCNNLayer($0) }
        _ = try Stack(s)
        return s
    }
}
