import Foundation
import NTKEngine

/// Which examples the kernels are computed on: a dataset, sizes, classes, seed and an
/// optional augmentation by a point group.
///
/// A value type with a stable `identity` string, so Gram caches and session hashes can say
/// exactly which data a result belongs to. Loading happens in jobs (never on the UI thread).
struct DataChoice: Sendable, Hashable {
    enum Source: String, Sendable, CaseIterable {
        case synthetic
        case fashionMNIST = "fashion-mnist"
        case mnist5k
        case textures
        /// Generated signals on the sphere (`SphericalSignals`); `size` is the bandwidth L.
        case sphere
    }

    var source: Source = .synthetic
    /// Training examples (before augmentation).
    var train = 24
    /// Held-out examples (learning curves).
    var test = 24
    /// Image side for synthetic patterns and texture patches (MNIST-type data is 28).
    var size = 8
    var classes = 4
    var seed: UInt64 = 0
    /// Augment the training set by this group (`nil` = none).
    var augment: String?

    /// The field names `data.choose` accepts, in the order the Data pane lists them.
    static let fieldNames = ["dataset", "train", "test", "size", "classes", "seed", "augment"]

    var inputShape: [Int] {
        switch source {
        case .fashionMNIST, .mnist5k: [28, 28, 1]
        case .synthetic, .textures: [size, size, 1]
        case .sphere: [2 * size, 2 * size - 1, 1]
        }
    }

    /// The value of a field as shown and edited.
    func value(of field: String) -> String {
        switch field {
        case "dataset": source.rawValue
        case "train": String(train)
        case "test": String(test)
        case "size": String(size)
        case "classes": String(classes)
        case "seed": String(seed)
        case "augment": augment ?? "none"
        default: ""
        }
    }

    /// All fields as command arguments (what `data.choose` logs).
    var arguments: [String: String] {
        Dictionary(uniqueKeysWithValues: DataChoice.fieldNames.map { ($0, value(of: $0)) })
    }

    /// This choice with the given fields changed; every value is checked.
    func applying(_ args: [String: String]) throws -> DataChoice { try applying(Change(args)) }

    /// Typed field changes: what `data.choose` takes, parsed from `key=value` strings.
    struct Change: Sendable {
        var source: Source?
        var train: Int?
        var test: Int?
        var size: Int?
        var classes: Int?
        var seed: UInt64?
        /// `.some(nil)` removes the augmentation (`augment=none`).
        var augment: String??

        init(_ args: [String: String]) throws {
            for (k, v) in args {
                let t = v.trimmingCharacters(in: .whitespaces)
                func int(_ range: ClosedRange<Int>) throws -> Int {
                    guard let n = Int(t), range.contains(n) else {
                        throw CommandError("data.\(k) must be an integer in \(range.lowerBound)…\(range.upperBound), got \"\(v)\"")
                    }
                    return n
                }
                switch k {
                case "dataset":
                    guard let s = Source(rawValue: t.lowercased()) else {
                        throw CommandError("unknown dataset \"\(v)\"; use \(Source.allCases.map(\.rawValue).joined(separator: ", "))")
                    }
                    source = s
                case "train": train = try int(2...2000)
                case "test": test = try int(0...2000)
                case "size": size = try int(2...64)
                case "classes": classes = try int(2...10)
                case "seed":
                    guard let s = UInt64(t) else { throw CommandError("data.seed must be a non-negative integer, got \"\(v)\"") }
                    seed = s
                case "augment":
                    if t.isEmpty || t.lowercased() == "none" { augment = .some(nil) } else {
                        guard ImageSymmetry.Group(rawValue: t.uppercased()) != nil else {
                            throw CommandError("augment must be none, C1, C2, C4, D1, D2 or D4, got \"\(v)\"")
                        }
                        augment = t.uppercased()
                    }
                default: throw CommandError("data.choose has no field \"\(k)\"; fields: \(DataChoice.fieldNames.joined(separator: ", "))")
                }
            }
        }
    }

    /// This choice with `c` applied, checked as a whole (size range per source, class counts).
    func applying(_ c: Change) throws -> DataChoice {
        var d = self
        if let v = c.source { d.source = v }
        if let v = c.train { d.train = v }
        if let v = c.test { d.test = v }
        if let v = c.size { d.size = v }
        if let v = c.classes { d.classes = v }
        if let v = c.seed { d.seed = v }
        if let v = c.augment { d.augment = v }
        if c.size == nil && d.source != source {
            // Switching between images and spherical signals: keep the size in the new range.
            if d.source == .sphere && d.size > 4 { d.size = 3 }
            if source == .sphere && d.size < 4 { d.size = 8 }
        }
        if d.source == .sphere {
            if d.size > 8 { throw CommandError("sphere: size is the bandwidth L, at most 8 (the SO(3) grid has (2L−1)²·2L points), got \(d.size)") }
            if d.classes > SphericalSignals.classNames.count { throw CommandError("sphere signals have at most \(SphericalSignals.classNames.count) classes, got \(d.classes)") }
            if d.augment != nil { throw CommandError("sphere signals cannot be augmented by a point group of the square; use augment=none") }
        } else if d.size < 4 {
            throw CommandError("data.size must be an integer in 4…64 for images, got \(d.size)")
        }
        if d.source == .synthetic && d.classes > 6 { throw CommandError("synthetic patterns have at most 6 classes, got \(d.classes)") }
        if d.source == .textures && d.classes > 4 { throw CommandError("textures have 4 classes, got \(d.classes)") }
        return d
    }

    /// Stable identity for hashes and cache keys.
    var identity: String {
        "\(source.rawValue):train=\(train):test=\(test):size=\(inputShape[0]):classes=\(classes):seed=\(seed):aug=\(augment ?? "none")"
    }

    /// One line for the Data pane and status messages.
    var summary: String {
        "\(source.rawValue) \(inputShape.map(String.init).joined(separator: "×")), \(classes) classes, \(train)+\(test)" + (augment.map { ", aug \($0)" } ?? "")
    }

    /// Whether the files this source needs are in the data cache (synthetic needs none).
    var isAvailable: Bool {
        let dir = DataCache.directory()
        let sub: String
        switch source {
        case .synthetic, .sphere: return true
        case .fashionMNIST: sub = "fashion-mnist"
        case .mnist5k: sub = "mnist5k"
        case .textures: sub = "skimage"
        }
        return FileManager.default.fileExists(atPath: (dir as NSString).appendingPathComponent(sub))
    }

    /// Loads train and test sets (train augmented if asked). Throws `DataError`/`CommandError`
    /// with a message naming what is missing.
    func load() throws -> (train: Dataset, test: Dataset) {
        let keep = Array(0..<classes)
        var train: Dataset, test: Dataset
        switch source {
        case .synthetic:
            let all = try SyntheticPatterns.make(count: self.train + self.test, height: size, width: size, channels: 1,
                                                 classes: classes, noise: 0.1, seed: seed)
            train = all.subset(indices: Array(0..<self.train))
            test = all.subset(indices: Array(self.train..<(self.train + self.test)))
        case .sphere:
            let all = try SphericalSignals.make(count: self.train + self.test, bandwidth: size, classes: classes, seed: seed)
            train = all.subset(indices: Array(0..<self.train))
            test = all.subset(indices: Array(self.train..<(self.train + self.test)))
        case .fashionMNIST:
            let a = try FashionMNIST.load(.train, limit: max(1000, self.train * 20)).restricted(toClasses: keep)
            let b = try FashionMNIST.load(.test, limit: max(1000, self.test * 20)).restricted(toClasses: keep)
            train = try DataChoice.prefix(a, self.train); test = try DataChoice.prefix(b, self.test)
        case .mnist5k:
            let all = try MNIST5k.load().restricted(toClasses: keep)
            let (a, b) = try all.stratifiedSplit(testFraction: 0.5, seed: seed)
            train = try DataChoice.prefix(a, self.train); test = try DataChoice.prefix(b, self.test)
        case .textures:
            let per = { (n: Int) in max(1, (n + self.classes - 1) / self.classes) }
            let a = try TexturePatches.load(.train, size: size, perClass: per(self.train), rotated: true, seed: seed).restricted(toClasses: keep)
            let b = try TexturePatches.load(.test, size: size, perClass: per(max(1, self.test)), rotated: true, seed: seed &+ 1).restricted(toClasses: keep)
            train = try DataChoice.prefix(a, self.train); test = try DataChoice.prefix(b, self.test)
        }
        if let g = augment, let group = ImageSymmetry.Group(rawValue: g) {
            train = try train.augmented(by: group.elements)
        }
        return (train, test)
    }

    /// The first n examples, dealt round-robin over classes so prefixes stay balanced.
    static func prefix(_ d: Dataset, _ n: Int) throws -> Dataset {
        var byClass: [[Int]] = Array(repeating: [], count: max(1, d.classCount))
        for (i, l) in d.labels.enumerated() where l >= 0 && l < byClass.count { byClass[l].append(i) }
        var order: [Int] = []
        var k = 0
        while order.count < min(n, d.count) {
            var progressed = false
            for c in byClass.indices where k < byClass[c].count && order.count < n {
                order.append(byClass[c][k]); progressed = true
            }
            if !progressed { break }
            k += 1
        }
        guard order.count == n else { throw CommandError("\(d.name) has only \(order.count) examples of the chosen classes, asked for \(n)") }
        return d.subset(indices: order)
    }
}
