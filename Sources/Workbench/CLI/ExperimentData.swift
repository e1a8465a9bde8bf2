import Foundation
import NTKEngine

/// Which images an experiment runs on (`--data`), resolved to train pool and test set.
struct ExperimentData {
    var name: String
    var pool: Dataset
    var test: Dataset

    /// `synthetic` (generated, no network), `textures` (rotated scikit-image texture/histology
    /// patches), `mnist5k`, `fashion-mnist`; real sets need `make data` once.
    static func load(_ choice: String, size: Int, pool: Int, test: Int, classes: Int?, seed: UInt64) throws -> ExperimentData {
        switch choice {
        case "synthetic":
            let k = classes ?? 4
            let p = try SyntheticPatterns.make(count: pool, height: size, width: size, channels: 1, classes: k, noise: 0.3, seed: seed)
            let t = try SyntheticPatterns.make(count: test, height: size, width: size, channels: 1, classes: k, noise: 0.3, seed: seed &+ 1)
            return ExperimentData(name: "synthetic patterns \(size)×\(size), \(k) classes", pool: p, test: t)
        case "textures":
            let k = min(classes ?? 4, TexturePatches.sources.count)
            let per = (pool + k - 1) / k, perT = (test + k - 1) / k
            var p = try TexturePatches.load(.train, size: size, perClass: per, rotated: true, gray: true, seed: seed)
            var t = try TexturePatches.load(.test, size: size, perClass: perT, rotated: true, gray: true, seed: seed &+ 1)
            if k < TexturePatches.sources.count {
                p = try p.restricted(toClasses: Array(0..<k)); t = try t.restricted(toClasses: Array(0..<k))
            }
            return ExperimentData(name: "rotated texture/histology patches \(size)×\(size) (scikit-image ihc, brick, grass, gravel)",
                                  pool: try normalised(p, like: p), test: try normalised(t, like: p))
        case "mnist5k":
            let split = try MNIST5k.load().stratifiedSplit(testFraction: 0.2, seed: seed)
            return try resized(name: "MNIST-5k", pool: split.train, test: split.test, size: size, poolCount: pool, testCount: test, classes: classes, seed: seed)
        case "fashion-mnist":
            let tr = try FashionMNIST.load(.train, limit: max(pool * 10, 2000)), te = try FashionMNIST.load(.test, limit: max(test * 10, 2000))
            return try resized(name: "Fashion-MNIST", pool: tr, test: te, size: size, poolCount: pool, testCount: test, classes: classes, seed: seed)
        default:
            throw UserError("--data must be synthetic, textures, mnist5k or fashion-mnist, got \(choice)")
        }
    }

    /// Class subset, balanced samples, 28×28 → size×size by area averaging, normalised.
    private static func resized(name: String, pool: Dataset, test: Dataset, size: Int, poolCount: Int, testCount: Int,
                                classes: Int?, seed: UInt64) throws -> ExperimentData {
        let k = classes ?? 10
        var p = try pool.restricted(toClasses: Array(0..<k)), t = try test.restricted(toClasses: Array(0..<k))
        p = try p.balancedSample(perClass: max(1, poolCount / k), seed: seed)
        t = try t.balancedSample(perClass: max(1, testCount / k), seed: seed &+ 1)
        func resize(_ d: Dataset) throws -> Dataset {
            guard d.shape[0] != size else { return d }
            var imgs: [Double] = []
            for i in 0..<d.count {
                imgs += AreaResize.resize(d.image(at: i), height: d.shape[0], width: d.shape[1], channels: d.shape[2], toHeight: size, toWidth: size)
            }
            return try Dataset(name: d.name, images: imgs, shape: [size, size, d.shape[2]], labels: d.labels, classNames: d.classNames)
        }
        let pr = try resize(p), tr = try resize(t)
        return ExperimentData(name: "\(name) \(size)×\(size), \(k) classes", pool: try normalised(pr, like: pr), test: try normalised(tr, like: pr))
    }

    private static func normalised(_ d: Dataset, like ref: Dataset) throws -> Dataset {
        try ChannelNormalizer(fitting: ref).apply(to: d)
    }

    func batch(_ d: Dataset) throws -> InputBatch { try InputBatch(shape: d.shape, data: d.images) }
}

/// The stacks the experiments compare, for an H×W×C input.
enum ExperimentStacks {
    /// The engine's `StackPreset` of that name (CNN, MLP, a group C1…D4, SO3, or a workbench
    /// name like gcnn-c4) with the one set of defaults (`LayerDefaults`). The stacks used for
    /// EXPERIMENTS.md before the defaults were unified (W 1.4/b 0.1) ship as spec files in
    /// examples/experiment-stacks/.
    static func named(_ name: String, shape: [Int], padding: String = "circular") throws -> ArchitectureSpec {
        guard let preset = StackPreset(name: name), preset != .empty else {
            throw UserError("unknown stack \(name); use CNN, MLP, C1, C2, C4, D1, D2, D4, SO3, or a spec file path")
        }
        guard let pad = Padding(rawValue: padding.lowercased()) else {
            throw UserError("--padding must be circular, same or valid, got \"\(padding)\"")
        }
        return try preset.spec(inputShape: shape, padding: pad, name: name)
    }

    /// A name from `named`, or a path to a spec file.
    static func resolve(_ s: String, shape: [Int]) throws -> (String, ArchitectureSpec) {
        if s.hasSuffix(".json") {
            let spec = try loadSpec(s)
            guard spec.inputShape == shape else { throw UserError("\(s): input_shape \(spec.inputShape) does not match the data \(shape)") }
            return (spec.name.isEmpty ? (s as NSString).lastPathComponent : spec.name, spec)
        }
        return (s.uppercased(), try named(s, shape: shape))
    }
}
