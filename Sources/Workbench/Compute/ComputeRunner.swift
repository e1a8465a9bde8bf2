import Foundation
import NTKEngine

/// Runs one `Computation` to completion on the calling thread (a Dispatch worker in the
/// app, the main thread in headless replay), through the Gram cache.
struct ComputeRunner: Sendable {
    let cache: GramCache
    let threads: Int

    func run(_ c: Computation, progress: JobProgress) throws -> ComputeResult {
        if case .qm9(let q) = c { return try runQM9(q, progress: progress) }
        guard let stack = c.stack, let data = c.data else { throw CommandError("\(c.kindName) needs a stack and data") }
        if let e = stack.validation { throw CommandError("stack \(stack.name) is not valid: \(e)") }
        var spec = stack.spec
        spec.inputShape = data.inputShape
        // A Gram already computed (this run, or on disk from an earlier one) is reused, and
        // the job says so instead of sitting at 0 % while it loads.
        let cachedTrain: KernelMatrices?
        switch c {
        case .gram, .spectrum, .learningCurve: cachedTrain = cache.lookup(c.gramKey)
        default: cachedTrain = nil
        }
        if cachedTrain != nil { progress.setNote(c.kindName == "learning-curve" ? "reusing the Gram" : "cache hit") }
        let (train, test) = try data.load()
        let engine = try GramEngine(spec: spec, threads: threads)
        let trainBatch = try InputBatch(shape: train.shape, data: train.images)
        /// The training Gram: the cached one, else computed (and cached) as stage `stage` of `stages`.
        func trainGram(stage: Int, of stages: Int) throws -> KernelMatrices {
            if let m = cachedTrain { return m }
            return try cache.gram(key: c.gramKey, engine: engine, trainBatch, progress: try progress.beginStage(stage, of: stages),
                                  onShare: { progress.follow($0) })
        }
        switch c {
        case .gram:
            let m = try trainGram(stage: 0, of: 1)
            return .gram(m, labels: train.labels, classNames: train.classNames)

        case .spectrum:
            let m = try trainGram(stage: 0, of: 1)
            func eig(_ a: Matrix) throws -> [Double] {
                try LinearAlgebra.symmetricEigen(a, vectors: false).values.sorted(by: >)
            }
            return .spectrum(nngp: try eig(m.nngp), ntk: try eig(m.ntk))

        case .blocks(_, _, let i, let j, let layer):
            try checkPair(i, j, train.count)
            _ = try progress.beginStage(0, of: 1)
            if spec.isSpherical {
                guard let shapes = try? Stack(spec).shapes, shapes.indices.contains(layer),
                      case .spherical(let l, _, true) = shapes[layer] else {
                    throw CommandError("layer \(layer) of \(stack.name) is not on the SO(3) grid; choose an s2_lift/so3_conv layer or a nonlinearity before so3_pool")
                }
                let ev = try SO3KernelEvaluator(spec: spec, threads: threads)
                let (kn, kt) = try ev.intermediate(train.image(at: i), train.image(at: j), afterLayer: layer)
                return .so3Blocks(nngp: kn, ntk: kt, bandwidth: l)
            }
            let ev = try KernelEvaluator(spec: spec)
            return .blocks(try ev.intermediate(train.image(at: i), train.image(at: j), afterLayer: layer))

        case .invariance(_, _, let i, let j, let groupName):
            try checkPair(i, j, train.count)
            if spec.isSpherical {
                // Grid-exact rotations about z: cyclic shifts of the φ axis of the [2L, 2L−1, C] input.
                let s = train.shape
                func orbit(_ x: [Double]) -> [Double] {
                    (0..<s[1]).flatMap { k in SphericalSignals.rotatedAboutZ(x, thetaCount: s[0], phiCount: s[1], channels: s[2], steps: k) }
                }
                let b1 = try InputBatch(shape: s, data: orbit(train.image(at: i)))
                let b2 = try InputBatch(shape: s, data: orbit(train.image(at: j)))
                let m = try engine.compute(b1, b2, progress: try progress.beginStage(0, of: 1))
                return .invariance(nngp: m.nngp, ntk: m.ntk, group: "Z\(s[1]) (z-rotations)")
            }
            guard let g = PointGroup.named(groupName.uppercased()) else {
                throw CommandError("unknown group \(groupName); use C1, C2, C4, D1, D2 or D4")
            }
            let s = train.shape
            guard s.count == 3 else { throw CommandError("the invariance grid needs image data") }
            if g.needsSquareGrid && s[0] != s[1] { throw CommandError("\(g.name) needs square images, got \(s[0])×\(s[1])") }
            func orbit(_ x: [Double]) -> [Double] {
                g.elements.flatMap { ImageAction.transform(x, height: s[0], width: s[1], channels: s[2], by: $0) }
            }
            let b1 = try InputBatch(shape: s, data: orbit(train.image(at: i)))
            let b2 = try InputBatch(shape: s, data: orbit(train.image(at: j)))
            let m = try engine.compute(b1, b2, progress: try progress.beginStage(0, of: 1))
            return .invariance(nngp: m.nngp, ntk: m.ntk, group: g.name)

        case .learningCurve(_, _, let sizes, let time):
            guard test.count > 0 else { throw CommandError("the learning curve needs test examples (data.choose test=N)") }
            let nTrain = train.count
            // Train×train is the Gram view's matrix (shared through the cache); only the
            // test×train block is new, and it is cached under its own key.
            let ktrain = try trainGram(stage: 0, of: 2).ntk
            let testBatch = try InputBatch(shape: test.shape, data: test.images)
            let crossKey = c.crossKey
            if cachedTrain != nil, cache.contains(crossKey) { progress.setNote("cache hit") }
            let kcross = try cache.gram(key: crossKey, engine: engine, testBatch, trainBatch, progress: try progress.beginStage(1, of: 2),
                                        onShare: { progress.follow($0) }).ntk
            let classes = max(train.classCount, (train.labels.max() ?? 0) + 1)
            let usable = sizes.filter { $0 >= 1 && $0 <= nTrain }
            guard !usable.isEmpty else { throw CommandError("no training size in \(sizes) fits the \(nTrain) training examples") }
            var warnings: [String] = []
            var lines: [CurveLine] = [CurveLine(label: "t=∞", values: [])]
            if let t = time { lines.append(CurveLine(label: "t=\(NumberText.short(t))", values: [])) }
            for n in usable {
                let ktt = sub(ktrain, rows: 0..<n, cols: 0..<n)
                let kst = sub(kcross, rows: 0..<test.count, cols: 0..<n)
                let y = Metrics.oneHot(Array(train.labels[0..<n]), classes: classes, centred: true)
                let reg = try KernelRegression(kTrainTrain: ktt, diagReg: 1e-6)
                for (li, t) in ([nil] + (time.map { [$0] } ?? [])).enumerated() {
                    let p = try reg.predict(kTestTrain: kst, targets: y, time: t)
                    warnings += p.warnings.map { "n=\(n): \($0)" }
                    lines[li].values.append(Metrics.accuracy(p.values, labels: test.labels))
                }
            }
            return .learningCurve(sizes: usable, lines: lines, warnings: warnings)

        case .convergence(_, _, let widths, let seedsPerGroup, let groups, let inputs):
            guard inputs >= 2, inputs <= train.count else {
                throw CommandError("convergence needs 2…\(train.count) inputs (the training examples), got \(inputs)")
            }
            let x = try InputBatch(shape: train.shape, data: Array(train.images[0..<(inputs * train.shape.reduce(1, *))]))
            let r = try WidthConvergence.measure(spec: spec, inputs: x, widths: widths, seedsPerGroup: seedsPerGroup, groups: groups,
                                                 estimator: .readoutExpectation, threads: threads,
                                                 progress: try progress.beginStage(0, of: 1))
            return .convergence(r)

        case .augmentation(_, _, let times):
            var plain = data
            plain.augment = nil
            let (tr, te) = try plain.load()
            guard te.count > 0 else { throw CommandError("the augmentation identity needs test examples (data.choose test=N)") }
            let classes = max(tr.classCount, (tr.labels.max() ?? 0) + 1)
            let y = Metrics.oneHot(tr.labels, classes: classes, centred: true)
            let r = try AugmentationEquivalence.run(groupSpec: spec, train: try InputBatch(shape: tr.shape, data: tr.images), targets: y,
                                                    test: try InputBatch(shape: te.shape, data: te.images),
                                                    times: times.map { Optional($0) } + [nil], threads: threads,
                                                    progress: try progress.beginStage(0, of: 1))
            return .augmentation(r, cnnName: "CNN")

        case .qm9(let q):
            return try runQM9(q, progress: progress)
        }
    }

    /// Whether `c` can be answered from the Gram cache without computing a kernel (Gram,
    /// spectrum, learning curve); checks that the cache files exist, reads nothing.
    func isCached(_ c: Computation) -> Bool {
        switch c {
        case .gram, .spectrum: cache.contains(c.gramKey)
        case .learningCurve: cache.contains(c.gramKey) && cache.contains(c.crossKey)
        default: false
        }
    }

    /// The QM9 curve: molecules (generated, or the first `pool` of the cache), then both Grams
    /// with progress (one stage each: the SO(3) Gram, then the MLP's) and the regression.
    private func runQM9(_ q: QM9Choice, progress: JobProgress) throws -> ComputeResult {
        try q.validate()
        let molecules = try q.molecules()
        var config = q.configuration
        config.threads = threads
        let gram = try progress.beginStage(0, of: 1)
        let rows = try QM9LearningCurve.run(molecules: molecules, configuration: config, progress: gram)
        if progress.isCancelled { throw KernelError.cancelled }
        return .qm9(rows)
    }

    private func checkPair(_ i: Int, _ j: Int, _ n: Int) throws {
        guard i >= 0, j >= 0, i < n, j < n else { throw CommandError("pair (\(i), \(j)) is outside the \(n) training examples") }
    }

    private func sub(_ m: Matrix, rows: Range<Int>, cols: Range<Int>) -> Matrix {
        var out = Matrix(rows: rows.count, cols: cols.count)
        for (a, r) in rows.enumerated() { for (b, c) in cols.enumerated() { out[a, b] = m[r, c] } }
        return out
    }
}

/// Short number formatting shared by views and titles.
enum NumberText {
    static func short(_ v: Double) -> String {
        if v.isNaN { return "NaN" }
        if v == v.rounded() && abs(v) < 1e6 { return String(Int(v)) }
        return String(format: "%.3g", v)
    }
}
