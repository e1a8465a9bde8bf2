import Foundation
import NTKEngine

/// Parameters of the QM9 learning curve (view 8 and `entk experiment qm9`): where the molecules
/// come from, the sizes, and the SO(3) features. Value type; `identity` is what the job's content
/// hash covers.
struct QM9Choice: Sendable, Hashable {
    enum Source: String, Sendable, CaseIterable {
        /// Real QM9 if the cache has it, else synthetic (resolved when the command runs).
        case auto
        /// Generated molecules (`SyntheticMolecules`), no data needed.
        case synthetic
        /// The first `pool` molecules of the QM9 cache (`make data`).
        case qm9
    }
    var source: Source = .auto
    var trainSizes: [Int] = [8, 16, 32]
    var testSize = 16
    /// Molecules drawn from: the first `pool` of the QM9 cache, or `pool` generated ones.
    var pool = 2000
    var bandwidth = 2
    var convolution = true
    var diagReg = 1e-4
    var seed: UInt64 = 0

    /// The source with `auto` resolved against the data cache.
    func resolved(cacheDirectory: String = DataCache.directory()) -> QM9Choice {
        var c = self
        if c.source == .auto { c.source = QM9Choice.cacheHasQM9(cacheDirectory) ? .qm9 : .synthetic }
        return c
    }

    static func cacheHasQM9(_ dir: String = DataCache.directory()) -> Bool {
        QM9.files.allSatisfy { FileManager.default.fileExists(atPath: (dir as NSString).appendingPathComponent($0)) }
    }

    var features: AtomFeatures { AtomFeatures(bandwidth: bandwidth, cutoff: 5, kappa: 2, powers: [1, 2], centres: .heavy) }

    var configuration: QM9LearningCurve.Configuration {
        QM9LearningCurve.Configuration(trainSizes: trainSizes, testSize: testSize, seed: seed, diagReg: diagReg, features: features,
                                       so3Spec: QM9LearningCurve.defaultSO3Spec(features, convolution: convolution))
    }

    var identity: String {
        "qm9|source=\(source.rawValue):train=\(trainSizes.map(String.init).joined(separator: ",")):test=\(testSize):pool=\(pool)"
            + ":L=\(bandwidth):conv=\(convolution):diag=\(diagReg):seed=\(seed):features=rc5,k2,p12,heavy"
    }

    /// What the molecules are, for titles.
    var sourceText: String {
        switch source {
        case .qm9: "QM9 (first \(pool) molecules)"
        case .synthetic: "synthetic molecules (\(pool) generated)"
        case .auto: "auto"
        }
    }

    var modelText: String { "SO(3) L=\(bandwidth)\(convolution ? " conv" : " lift-only")" }

    /// Checks the sizes; throws a `CommandError` naming the bad value.
    func validate() throws {
        guard !trainSizes.isEmpty, trainSizes.allSatisfy({ $0 >= 2 }) else {
            throw CommandError("training sizes must be ≥ 2, got \(trainSizes)")
        }
        guard testSize >= 1 else { throw CommandError("the test size must be ≥ 1, got \(testSize)") }
        guard (1...4).contains(bandwidth) else { throw CommandError("bandwidth must be in 1…4, got \(bandwidth)") }
        guard diagReg >= 0, diagReg.isFinite else { throw CommandError("diag_reg must be ≥ 0, got \(diagReg)") }
        // QM9 has 133,885 molecules; larger sizes (e.g. test=9223372036854775807) would
        // overflow `need` below or allocate absurd pools.
        let limit = 200_000
        guard testSize <= limit, trainSizes.allSatisfy({ $0 <= limit }), pool <= limit else {
            throw CommandError("sizes, test and pool must be at most \(limit) molecules, got sizes \(trainSizes), test \(testSize), pool \(pool)")
        }
        let need = testSize + (trainSizes.max() ?? 0)
        guard pool >= need else {
            throw CommandError("pool \(pool) is smaller than test \(testSize) + largest training set \(trainSizes.max() ?? 0) = \(need)")
        }
    }

    /// The molecules: generated, or the first `pool` of the cache (a located error naming
    /// `make data` when the cache lacks QM9).
    func molecules(cacheDirectory: String = DataCache.directory()) throws -> [Molecule] {
        switch resolved(cacheDirectory: cacheDirectory).source {
        case .synthetic, .auto:
            return SyntheticMolecules.make(pool, seed: seed)
        case .qm9:
            guard QM9Choice.cacheHasQM9(cacheDirectory) else {
                throw CommandError("QM9 is not in the data cache \(cacheDirectory); run `make data` (scripts/fetch-qm9.sh), or use synthetic molecules")
            }
            return try QM9.load(cacheDirectory: cacheDirectory, limit: pool)
        }
    }
}

/// Text and figure of a finished QM9 curve, shared by the view and the CLI.
enum QM9CurveReport {
    /// (label, model, kernel) of the plotted series, in legend order.
    static let series: [(String, String, String)] = [
        ("composition", "composition", "-"), ("SO(3) NTK", "so3", "ntk"), ("SO(3) NNGP", "so3", "nngp"),
        ("MLP NTK", "mlp", "ntk"), ("MLP NNGP", "mlp", "nngp"),
    ]

    /// MAE per training size for one series, sorted by size.
    static func points(_ rows: [QM9LearningCurve.Row], model: String, kernel: String) -> [QM9LearningCurve.Row] {
        rows.filter { $0.model == model && $0.kernel == kernel }.sorted { $0.trainSize < $1.trainSize }
    }

    /// How an extra model (`--paper-models`) is named in tables and legends: the CLI names are
    /// terse, a reader of the figure should not need the help text to know what they are.
    static func displayName(_ model: String) -> String {
        switch model {
        case "so3-relu": "SO(3) 6→3→3 relu"
        case "mlp-spherical": "MLP-spherical"
        default: model
        }
    }

    /// NTK and NNGP series of the extra models, after the standard ones.
    static func extraSeries(_ models: [String]) -> [(String, String, String)] {
        models.flatMap { m in [("\(displayName(m)) NTK", m, "ntk"), ("\(displayName(m)) NNGP", m, "nngp")] }
    }

    /// The MAE table (meV): one line per training size, one column per series (the standard
    /// ones, then NTK and NNGP of each of `extraModels`).
    static func table(_ rows: [QM9LearningCurve.Row], extraModels: [String] = []) -> [String] {
        let sizes = Array(Set(rows.map(\.trainSize))).sorted()
        let series = series + extraSeries(extraModels)
        let width = max(12, series.map { $0.0.count }.max() ?? 0)
        var lines = ["train " + series.map { $0.0.padding(toLength: width, withPad: " ", startingAt: 0) }.joined(separator: " ")]
        for n in sizes {
            let cells = series.map { s -> String in
                let v = rows.first { $0.model == s.1 && $0.kernel == s.2 && $0.trainSize == n }?.maeMeV
                return (v.map { String(format: "%.1f", $0) } ?? "–").padding(toLength: width, withPad: " ", startingAt: 0)
            }
            lines.append(String(format: "%5d ", n) + cells.joined(separator: " "))
        }
        return lines
    }

    /// Gram seconds and atom count line.
    static func timing(_ rows: [QM9LearningCurve.Row]) -> String {
        let so3 = rows.first { $0.model == "so3" }?.gramSeconds ?? 0, mlp = rows.first { $0.model == "mlp" }?.gramSeconds ?? 0
        return String(format: "Gram time: SO(3) %.1f s, MLP %.2f s; %d centre atoms in the atom Gram", so3, mlp, rows.first?.centreAtoms ?? 0)
    }
}
