import Foundation
import NTKEngine

/// Runs one `Computation` to completion on the calling thread (a Dispatch worker in the
/// app, the main thread in headless replay), through the Gram cache.
struct ComputeRunner: Sendable {
    let cache: GramCache
    let threads: Int
    /// Training Grams go through the tile store there (resumable, drawn tile by tile); nil: in memory.
    var tileStore: TileStoreSettings? = nil

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
            let tiled: ((GramProgress) throws -> KernelMatrices)? = tileStore.map { settings in
                { g in try TiledGram.compute(settings, spec: spec, x: trainBatch, engine: engine, gramKey: c.gramKey, progress: progress, gram: g) }
            }
            return try cache.gram(key: c.gramKey, engine: engine, trainBatch, progress: try progress.beginStage(stage, of: stages),
                                  onShare: { progress.follow($0) }, compute: tiled)
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
            // Train×train is the Gram view's matrix (shared through the cache); only the
            // test×train block is new, and it is cached under its own key.
            let ktrain = try trainGram(stage: 0, of: 2)
            let testBatch = try InputBatch(shape: test.shape, data: test.images)
            let crossKey = c.crossKey
            if cachedTrain != nil, cache.contains(crossKey) { progress.setNote("cache hit") }
            let kcross = try cache.gram(key: crossKey, engine: engine, testBatch, trainBatch, progress: try progress.beginStage(1, of: 2),
                                        onShare: { progress.follow($0) })
            return try learningCurve(stack.name, spec, train: train, test: test, grams: (ktrain, kcross), sizes: sizes, time: time)

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

    /// The workbench's learning curve, computed by NTKEngine's `LearningCurve` on the Grams
    /// the job already has: training sets are the first n examples (nested, `.prefix`), Θ
    /// only, at t = ∞ and optionally at `time`; sizes beyond the training set are dropped.
    private func learningCurve(_ name: String, _ spec: ArchitectureSpec, train: Dataset, test: Dataset,
                               grams: (train: KernelMatrices, cross: KernelMatrices), sizes: [Int], time: Double?) throws -> ComputeResult {
        let usable = sizes.filter { $0 >= 1 && $0 <= train.count }
        guard !usable.isEmpty else { throw CommandError("no training size in \(sizes) fits the \(train.count) training examples") }
        let times: [Double?] = [nil] + (time.map { [$0] } ?? [])
        let r = try LearningCurve.run(stacks: [.init(name: name, spec: spec)],
                                      pool: try InputBatch(shape: train.shape, data: train.images), poolLabels: train.labels,
                                      test: try InputBatch(shape: test.shape, data: test.images), testLabels: test.labels,
                                      sizes: usable, seeds: [0], times: times, sampling: .prefix, classes: train.classCount,
                                      threads: threads, grams: { _ in (grams.train, grams.cross) })
        let lines = times.map { t in
            CurveLine(label: t.map { "t=\(NumberText.short($0))" } ?? "t=∞",
                      values: usable.map { n in r.rows.first { $0.size == n && $0.time == t }?.accuracy ?? .nan })
        }
        // The engine names the stack in each warning; the view and status line already do.
        return .learningCurve(sizes: usable, lines: lines, warnings: r.warnings.map { $0.hasPrefix(name + ", ") ? String($0.dropFirst(name.count + 2)) : $0 })
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
