import ArgumentParser
import Foundation
import NTKEngine
import Plotting

/// `entk experiment …` — the paper's experiments, each writing CSV + PNG + SVG + PDF.
struct Experiment: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run one of the paper's experiments (CSV + PNG + SVG + PDF into --out).",
        subcommands: [LearningCurveCommand.self, AugmentationCommand.self, ConvergenceCommand.self, QM9Command.self])
}

/// Options naming the data an experiment uses.
struct DataOptions: ParsableArguments {
    @Option(help: "synthetic (default, generated), textures (rotated scikit-image patches), mnist5k, fashion-mnist. Real sets need `make data`.")
    var data: String = "synthetic"
    @Option(help: "Image size (square; real images are area-resized).")
    var size: Int = 8
    @Option(help: "Training pool size.")
    var pool: Int = 64
    @Option(name: .customLong("test-size"), help: "Test set size.")
    var testSize: Int = 64
    @Option(help: "Number of classes (default: all).")
    var classes: Int?
    @Option(help: "Seed for data generation and sampling.")
    var seed: UInt64 = 1
}

func writeFigure(_ fig: LinePlotFigure, csv: String, to out: String, name: String) throws {
    try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
    let base = (out as NSString).appendingPathComponent(name)
    try NTKEngine.AtomicFile.write(Array(csv.utf8), to: base + ".csv")
    for f in FigureFormat.allCases { try fig.write(f, path: base + "." + f.rawValue) }
    print("wrote \(base).csv, .png, .svg, .pdf")
}

/// `entk experiment learning-curve`.
struct LearningCurveCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "learning-curve",
        abstract: "Accuracy vs training-set size for several stacks on the same splits (mean ± std over seeds).")

    @OptionGroup var dataOptions: DataOptions
    @Option(parsing: .upToNextOption, help: "Stacks: CNN, MLP, C4, D4, … or spec files.")
    var stacks: [String] = ["CNN", "C4", "D4", "MLP"]
    @Option(parsing: .upToNextOption, help: "Training-set sizes.")
    var sizes: [Int] = [8, 16, 32, 64]
    @Option(help: "Number of seeds (random subsets) per size.")
    var seeds: Int = 3
    @Option(name: .customLong("t"), help: "A finite training time reported beside t = ∞.")
    var time: Double?
    @Option(name: .customLong("diag-reg"), help: "Ridge relative to the mean diagonal.")
    var diagReg: Double = 1e-4
    @Option(help: "Output folder.")
    var out: String = "out/learning-curve"
    @OptionGroup var compute: ComputeOptions
    @OptionGroup(title: "Tile store, MPI and Slurm: one Gram over pool ∪ test per stack, in <store>/<key> (docs/cluster.md)")
    var storeOptions: StoreOptions

    func run() throws {
        if try storeOptions.isWanted() { return try runUnderMPIIfLaunched { try runWithStore() } }
        try runCurve(grams: nil)
    }

    func runCurve(grams: ((LearningCurve.NamedStack) throws -> (pool: KernelMatrices, test: KernelMatrices))?) throws {
        let d = dataOptions
        let data = try ExperimentData.load(d.data, size: d.size, pool: d.pool, test: d.testSize, classes: d.classes, seed: d.seed)
        guard let maxSize = sizes.max(), maxSize <= data.pool.count else {
            throw UserError("sizes \(sizes) exceed the pool of \(data.pool.count) images")
        }
        let named = try stacks.map { try ExperimentStacks.resolve($0, shape: data.pool.shape) }
        print("learning curve on \(data.name): pool \(data.pool.count), test \(data.test.count), sizes \(sizes), \(seeds) seeds")
        let times: [Double?] = [nil] + (time.map { [$0] } ?? [])
        let progress = GramProgress()
        let r = try LearningCurve.run(stacks: named.map { .init(name: $0.0, spec: $0.1) },
                                      pool: try data.batch(data.pool), poolLabels: data.pool.labels,
                                      test: try data.batch(data.test), testLabels: data.test.labels,
                                      sizes: sizes, seeds: (0..<UInt64(seeds)).map { d.seed &+ 100 &+ $0 }, times: times,
                                      diagReg: diagReg, threads: compute.threads, progress: progress, onStack: { name in
            if !compute.quiet { FileHandle.standardError.write(Data("computing \(name) Gram…\n".utf8)) }
        }, grams: grams)
        for w in Set(r.warnings) { FileHandle.standardError.write(Data("warning: \(w)\n".utf8)) }
        var series: [Series] = []
        print("stack        t       " + sizes.map { String(format: "%12d", $0) }.joined())
        for (name, _) in named {
            for t in times {
                let rows = r.summaries.filter { $0.stack == name && $0.time == t }.sorted { $0.size < $1.size }
                let label = t.map { "\(name), t = \(NumberText.short($0))" } ?? "\(name), t = ∞"
                print(name.padding(toLength: 12, withPad: " ", startingAt: 0) + " "
                      + (t.map { String($0) } ?? "∞").padding(toLength: 7, withPad: " ", startingAt: 0) + " "
                      + rows.map { String(format: "%6.3f±%.3f", $0.mean, $0.std) }.joined(separator: " "))
                series.append(Series(name: label, xs: rows.map { Double($0.size) }, ys: rows.map(\.mean), yerr: rows.map(\.std),
                                     group: name, dashed: t != nil))
            }
        }
        let metric = r.classification ? "test accuracy" : "test MSE"
        let fig = LinePlotFigure(series: series, xAxis: Axis(label: "training-set size", scale: .log),
                                 yAxis: Axis(label: metric), title: "Learning curve — \(data.name)")
        try writeFigure(fig, csv: r.csv, to: out, name: "learning-curve")
    }
}

/// `entk experiment augmentation`.
struct AugmentationCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "augmentation",
        abstract: "A group stack on N points vs the matching CNN on the |G|·N augmented points, at several t.")

    @OptionGroup var dataOptions: DataOptions
    @Option(help: "Group: C2, C4, D1, D2, D4.")
    var group: String = "C4"
    @Option(help: "Padding: circular or same.")
    var padding: String = "circular"
    @Option(help: "A group stack spec file (.json) to use instead of the --group preset (e.g. examples/experiment-stacks/c4-8.json).")
    var stack: String?
    @Option(parsing: .upToNextOption, help: "Training times (∞ is always included).")
    var times: [Double] = [0.1, 1, 10, 100, 1000]
    @Option(help: "Output folder.")
    var out: String = "out/augmentation"
    @OptionGroup var compute: ComputeOptions

    func run() throws {
        let d = dataOptions
        let data = try ExperimentData.load(d.data, size: d.size, pool: d.pool, test: d.testSize, classes: d.classes, seed: d.seed)
        let spec = try stack.map { try ExperimentStacks.resolve($0, shape: data.pool.shape).1 }
            ?? ExperimentStacks.named(group, shape: data.pool.shape, padding: padding)
        let group = (try? Stack(spec))?.group?.name ?? self.group
        let classes = (data.pool.labels.max() ?? 0) + 1
        let y = Metrics.oneHot(data.pool.labels, classes: classes, centred: true)
        let ts: [Double?] = times.map { Optional($0) } + [nil]
        print("augmentation identity on \(data.name): \(group) GCNN on \(data.pool.count) images vs CNN on \(data.pool.count * (PointGroup.named(group.uppercased())?.order ?? 1)) augmented images")
        let r = try AugmentationEquivalence.run(groupSpec: spec, train: try data.batch(data.pool), targets: y,
                                                test: try data.batch(data.test), times: ts, threads: compute.threads)
        for w in Set(r.warnings) { FileHandle.standardError.write(Data("warning: \(w)\n".utf8)) }
        print("t          max|f_GCNN − f_CNN+aug|   relative")
        for p in r.points {
            print((p.time.map { String($0) } ?? "∞").padding(toLength: 10, withPad: " ", startingAt: 0)
                  + String(format: " %.3e               %.3e", p.maxDifference, p.maxDifference / max(p.scale, 1e-300)))
        }
        // Plot: the first test point's first output along t for both models.
        let finite = r.points.filter { $0.time != nil }
        let xs = finite.compactMap(\.time)
        let fig = LinePlotFigure(series: [
            Series(name: "\(group) GCNN, \(data.pool.count) images", xs: xs, ys: finite.map { $0.gcnnPredictions.data[0] }),
            Series(name: "CNN, \(data.pool.count * r.group.order) augmented images", xs: xs, ys: finite.map { $0.cnnPredictions.data[0] }, connected: false),
        ], xAxis: Axis(label: "training time t", scale: .log), yAxis: Axis(label: "prediction f_{t}(x_{test}, 0), output 0"),
           title: String(format: "GCNN vs augmented CNN (max rel. diff %.1e)", r.points.map { $0.maxDifference / max($0.scale, 1e-300) }.max() ?? 0))
        try writeFigure(fig, csv: r.csv, to: out, name: "augmentation")
    }
}

/// `entk experiment convergence`: the finite-width empirical kernels approach the exact ones.
struct ConvergenceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "convergence",
        abstract: "Relative error of the mean empirical NTK/NNGP of finite networks vs the exact kernel, against width (log–log, fitted slope).")

    @OptionGroup var dataOptions: DataOptions
    @Option(help: "Stack: CNN, MLP, C1, C2, C4, D1, D2, D4 or a spec file. With --data sphere (sphere signals, --size = bandwidth L) the spec file must be an SO(3) stack with input_shape [2L, 2L−1, 1].")
    var stack: String = "CNN"
    @Option(help: "Number of inputs (the first images of the pool) the kernels are compared on.")
    var inputs: Int = 4
    @Option(parsing: .upToNextOption, help: "Widths.")
    var widths: [Int] = [8, 16, 32, 64, 128, 256]
    @Option(name: .customLong("seeds-per-group"), help: "Networks (seeds) averaged per group.")
    var seedsPerGroup: Int = 2
    @Option(help: "Seed groups per width (mean ± std of the error over groups).")
    var groups: Int = 20
    @Option(help: "NNGP estimator: readout (average the readout weights out exactly; variance O(1/width)) or output (f(x)f(x′)).")
    var estimator: String = "readout"
    @Option(help: "Output folder.")
    var out: String = "out/convergence"
    @OptionGroup var compute: ComputeOptions

    func run() throws {
        let d = dataOptions
        guard inputs >= 2 else { throw UserError("--inputs must be at least 2") }
        guard widths.count >= 2, widths.allSatisfy({ $0 >= 1 }) else { throw UserError("--widths needs at least two positive widths") }
        let est: EmpiricalKernels.NNGPEstimator
        switch estimator {
        case "readout": est = .readoutExpectation
        case "output": est = .outputProduct
        default: throw UserError("--estimator must be readout or output, got \(estimator)")
        }
        let data: ExperimentData
        if d.data == "sphere" {
            // SO(3) stacks: generated sphere signals (the workbench's `sphere` data), --size = bandwidth L.
            guard stack.hasSuffix(".json") else { throw UserError("--data sphere needs --stack SPEC.json with an SO(3) stack (s2_lift … so3_pool), got \(stack)") }
            guard (1...8).contains(d.size) else { throw UserError("--size is the bandwidth L for --data sphere, 1…8, got \(d.size)") }
            let signals = try SphericalSignals.make(count: max(inputs, 4), bandwidth: d.size, classes: min(d.classes ?? 4, SphericalSignals.classNames.count), seed: d.seed)
            data = ExperimentData(name: signals.name, pool: signals, test: signals)
        } else {
            data = try ExperimentData.load(d.data, size: d.size, pool: max(inputs, 4), test: 1, classes: d.classes, seed: d.seed)
        }
        guard data.pool.count >= inputs else { throw UserError("the pool has only \(data.pool.count) images, asked for \(inputs) inputs") }
        let (name, spec) = try ExperimentStacks.resolve(stack, shape: data.pool.shape)
        if d.data == "sphere" && !spec.isSpherical { throw UserError("\(stack): --data sphere needs an SO(3) stack (starting with s2_lift)") }
        let n = data.pool.shape.reduce(1, *)
        let x = try InputBatch(shape: data.pool.shape, data: Array(data.pool.images[0..<(inputs * n)]))
        print("convergence of \(name) on \(inputs) inputs of \(data.name): widths \(widths), \(groups) groups × \(seedsPerGroup) seeds, \(estimator) NNGP estimator")
        let t0 = Date()
        let r = try WidthConvergence.measure(spec: spec, inputs: x, widths: widths, seedsPerGroup: seedsPerGroup, groups: groups,
                                             baseSeed: d.seed &* 1000, estimator: est, threads: compute.threads ?? ProcessInfo.processInfo.activeProcessorCount)
        print("width   NTK error (mean ± std)    NNGP error (mean ± std)")
        var csv = "width,ntk_mean,ntk_std,nngp_mean,nngp_std\n"
        for p in r.points {
            print(String(format: "%5d   %.4f ± %.4f          %.4f ± %.4f", p.width, p.ntk.mean, p.ntk.std, p.nngp.mean, p.nngp.std))
            csv += "\(p.width),\(p.ntk.mean),\(p.ntk.std),\(p.nngp.mean),\(p.nngp.std)\n"
        }
        csv += "# slope_ntk,\(r.ntkSlope)\n# slope_nngp,\(r.nngpSlope)\n"
        print(String(format: "fitted log–log slope: NTK %.3f, NNGP %.3f (%.1fs)", r.ntkSlope, r.nngpSlope, Date().timeIntervalSince(t0)))
        let xs = r.points.map { Double($0.width) }
        let fig = LinePlotFigure(series: [
            Series(name: "NTK", xs: xs, ys: r.points.map(\.ntk.mean), yerr: r.points.map(\.ntk.std)),
            Series(name: "NNGP", xs: xs, ys: r.points.map(\.nngp.mean), yerr: r.points.map(\.nngp.std)),
        ], xAxis: Axis(label: "width", scale: .log), yAxis: Axis(label: "‖mean empirical − exact‖_{F} / ‖exact‖_{F}", scale: .log),
           title: String(format: "%@ on %@ %@, %d inputs: slope NTK %.2f, NNGP %.2f", name, d.data,
                         d.data == "sphere" ? "L=\(d.size)" : "\(d.size)×\(d.size)", inputs, r.ntkSlope, r.nngpSlope))
        try writeFigure(fig, csv: csv, to: out, name: "convergence")
        if !(r.ntkSlope < 0) {
            throw UserError(String(format: "the NTK error does not fall with width (slope %.3f); more groups or wider networks may be needed", r.ntkSlope))
        }
    }
}

/// `entk experiment qm9`: MAE of the QM9 U0 atomisation energy vs training size for the SO(3)
/// molecule kernel, the per-atom MLP and the composition baseline (`QM9LearningCurve`,
/// docs/molecules.md). Real QM9 needs `make data`; `--synthetic` uses generated molecules.
struct QM9Command: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "qm9",
        abstract: "QM9 energy MAE (meV) vs training size: SO(3) spherical-CNN kernel vs MLP vs composition (CSV + PNG + SVG).")

    @Option(name: .customLong("train-sizes"), parsing: .upToNextOption, help: "Training-set sizes (nested).")
    var trainSizes: [Int] = [25, 50, 100]
    @Option(name: .customLong("test-size"), help: "Test molecules.")
    var testSize: Int = 50
    @Option(help: "Molecules are drawn (shuffled with --seed) from the first N of the cache (or N generated ones with --synthetic).")
    var pool: Int = 20000
    @Option(help: "Bandwidth L of the spherical atom features and the SO(3) stack.")
    var bandwidth: Int = 2
    @Flag(inversion: .prefixedNo, help: "SO(3) stack with so3_conv → relu (--no-conv: lift-only, ≈ 3× cheaper at L = 2).")
    var conv = true
    @Option(name: .customLong("diag-reg"), help: "Ridge relative to the mean diagonal.")
    var diagReg: Double = 1e-4
    @Option(help: "Seed of the shuffle (and of the generated molecules).")
    var seed: UInt64 = 0
    @Flag(help: "Generated molecules (no data needed) instead of QM9.")
    var synthetic = false
    @Option(name: .customLong("cache-dir"), help: "Data cache (default: $ENTK_DATA_DIR, else $XDG_CACHE_HOME/entk, else ~/.cache/entk).")
    var cacheDir: String?
    @Flag(help: "The paper's settings: features L = 6, H…F × powers {2, 6} (10 channels, no centre one-hot), heavy-atom centres; SO(3) stack 6→3→3 (erf), plus --paper-models; ignores --bandwidth and --conv.")
    var paper = false
    @Option(name: .customLong("paper-models"), parsing: .upToNextOption, help: "Extra models with --paper: so3-relu (the relu variant), mlp-spherical (MLP NTK on the flattened spherical features, the paper's baseline).")
    var paperModels: [String] = ["so3-relu", "mlp-spherical"]
    @Option(help: "Output folder.")
    var out: String = "out/qm9"
    @Option(help: "Tile store folder: one molecule Gram per model over a fixed training pool (--train-pool) and test set, computed tile by tile into DIR/<model> (resumable: rerun the same command after a kill); --seeds draw their training sets from the pool.")
    var store: String?
    @Option(name: .customLong("train-pool"), help: "With --store: size of the fixed training pool (default: the largest training size).")
    var trainPool: Int?
    @Option(parsing: .upToNextOption, help: "With --store: seeds of the training subsets drawn from the pool (default: --seed).")
    var seeds: [UInt64] = []
    @Option(name: .customLong("split-seed"), help: "With --store: seed of the one shuffle that fixes the test set and the training pool.")
    var splitSeed: UInt64 = 0
    @Option(name: .customLong("tile-rows"), help: "With --store: centre atoms per tile side (a new store only; part of its key).")
    var tileRows: Int = 256
    @Option(help: "With --store: compute only shard I of N (0-based) of every model's tiles, e.g. --shard $SLURM_ARRAY_TASK_ID/$SLURM_ARRAY_TASK_COUNT; rerun without --shard to assemble.")
    var shard: String?
    @Flag(name: .customLong("dry-run"), help: "With --store: print each model's centre atoms, tiles and atom pairs, compute nothing.")
    var dryRun = false
    @OptionGroup var compute: ComputeOptions

    func run() throws {
        if store != nil || shard != nil || !seeds.isEmpty || trainPool != nil {
            try runUnderMPIIfLaunched { try runStore() }
            return
        }
        var q = QM9Choice(source: synthetic ? .synthetic : .qm9, trainSizes: trainSizes, testSize: testSize, pool: pool,
                          bandwidth: bandwidth, convolution: conv, diagReg: diagReg, seed: seed)
        if synthetic, pool == 20000 { q.pool = testSize + (trainSizes.max() ?? 0) }
        do { try q.validate() } catch { throw UserError("\(error)") }
        let dir = cacheDir ?? DataCache.directory()
        let t0 = Date()
        let molecules: [Molecule]
        do { molecules = try q.molecules(cacheDirectory: dir) } catch let e as CommandError { throw UserError(e.description) }
        print("QM9 learning curve on \(q.sourceText): \(molecules.count) molecules (loaded in \(String(format: "%.1f", Date().timeIntervalSince(t0))) s), "
              + "test \(testSize), train \(trainSizes), \(paper ? "paper settings (below)" : q.modelText) and MLP, diag_reg \(diagReg), seed \(seed)")
        var config = q.configuration
        config.threads = compute.threads
        if paper {
            let f = AtomFeatures.paper()
            config.features = f
            config.so3Spec = QM9LearningCurve.paperSO3Spec(f, activation: .erf)
            config.mlpSpec = QM9LearningCurve.defaultMLPSpec(f)
            for m in paperModels {
                switch m {
                case "so3-relu": config.additionalModels.append((m, QM9LearningCurve.paperSO3Spec(f, activation: .relu)))
                case "mlp-spherical": config.additionalModels.append((m, QM9LearningCurve.flatSphericalMLPSpec(f, activation: .erf)))
                default: throw UserError("--paper-models takes so3-relu and mlp-spherical, got \(m)")
                }
            }
            print("paper settings: L = 6, powers {2, 6}, 10 channels (no centre one-hot), heavy-atom centres; SO(3) 6→3→3 erf + \(paperModels)")
        }
        let progress = GramProgress()
        let reporter = compute.quiet ? nil : ProgressReporter(progress)
        let t1 = Date()
        defer { reporter?.stop() }
        let rows = try QM9LearningCurve.run(molecules: molecules, configuration: config, progress: progress)
        reporter?.stop()
        for line in QM9CurveReport.table(rows, extraModels: config.additionalModels.map(\.name)) { print(line) }
        print(QM9CurveReport.timing(rows) + String(format: "; whole curve %.1f s", Date().timeIntervalSince(t1)))
        if paper { print(QM9LearningCurve.csv(rows), terminator: "") }
        let fig = Self.figure(rows, so3Label: paper ? "SO(3) 6→3→3 erf" : q.modelText, extraModels: config.additionalModels.map(\.name),
                              title: "QM9 U0 MAE, \(q.source == .qm9 ? "QM9" : "synthetic")\(paper ? " (paper settings)" : ""), test \(testSize)")
        try writeFigure(fig, csv: QM9LearningCurve.csv(rows), to: out, name: "qm9")
        if let bad = rows.first(where: { !$0.maeMeV.isFinite }) {
            throw UserError("non-finite MAE for \(bad.model) \(bad.kernel) at n = \(bad.trainSize)")
        }
    }

    /// MAE vs training size (log–log): composition, SO(3) Θ/K (labelled `so3Label`), MLP Θ/K and
    /// Θ/K of every extra model.
    static func figure(_ rows: [QM9LearningCurve.Row], so3Label: String, extraModels: [String], title: String) -> LinePlotFigure {
        var series: [Series] = []
        for (label, model, kernel) in QM9CurveReport.series + QM9CurveReport.extraSeries(extraModels) {
            let p = QM9CurveReport.points(rows, model: model, kernel: kernel)
            // "MLP" alone would be ambiguous next to the paper's MLP on spherical features.
            let name = model == "so3" ? label.replacingOccurrences(of: "SO(3)", with: so3Label)
                : model == "mlp" && !extraModels.isEmpty ? "invariant " + label : label
            series.append(Series(name: name, xs: p.map { Double($0.trainSize) }, ys: p.map(\.maeMeV), connected: true))
        }
        return LinePlotFigure(series: series, xAxis: Axis(label: "training molecules", scale: .log),
                              yAxis: Axis(label: "test MAE of U0 atomisation energy (meV)", scale: .log), title: title)
    }
}

/// Prints the running Gram's progress to stderr every few seconds (a Dispatch timer; the
/// engine updates `GramProgress` from its workers).
final class ProgressReporter {
    private let timer: DispatchSourceTimer

    init(_ p: GramProgress, every seconds: Double = 5) {
        let t = DispatchSource.makeTimerSource(queue: DispatchQueue.global(qos: .utility))
        t.schedule(deadline: .now() + seconds, repeating: seconds)
        t.setEventHandler {
            let eta = p.eta.map { String(format: ", ETA %.0f s", $0) } ?? ""
            FileHandle.standardError.write(Data(String(format: "Gram %.0f%% of %d atom pairs (%.0f s%@)\n", 100 * p.fraction, p.total, p.elapsed, eta).utf8))
        }
        t.resume()
        timer = t
    }

    func stop() { timer.cancel() }
}
