/// A labelled set of examples: images (or feature vectors) with class labels.
///
/// Why one plain value type: kernels are computed on `[Double]` rows, so a dataset is just a
/// contiguous N × (H·W·C) block plus labels. Images are NHWC: example `n`'s pixel `(y, x)`,
/// channel `c` is `images[((n * H + y) * W + x) * C + c]`, matching NumPy's default layout.
public struct Dataset: Sendable, Equatable {
    /// A short human name (`"fashion-mnist/train"`), shown in the workbench and errors.
    public var name: String
    /// All examples, flattened and concatenated: `count * featureCount` values.
    public var images: [Double]
    /// Per-example shape: `[H, W, C]` for images, `[D]` for plain vectors.
    public var shape: [Int]
    /// Class index of each example, in `0..<classNames.count`.
    public var labels: [Int]
    /// Names of the classes, indexed by label.
    public var classNames: [String]
    /// Optional regression targets, `count * k` values (k per example), e.g. one-hot rows.
    public var targets: [Double]?

    /// Creates a dataset, checking that sizes, labels and targets agree.
    public init(name: String, images: [Double], shape: [Int], labels: [Int], classNames: [String], targets: [Double]? = nil) throws {
        guard !shape.isEmpty, shape.count <= 3, shape.allSatisfy({ $0 > 0 }) else {
            throw DataError(path: name, "example shape \(shape) must be [H, W, C] or [D] with positive sizes")
        }
        let d = shape.reduce(1, *)
        guard images.count == labels.count * d else {
            throw DataError(path: name, "\(labels.count) labels × \(d) values per example needs \(labels.count * d) values, got \(images.count)")
        }
        if let bad = labels.first(where: { $0 < 0 || $0 >= classNames.count }) {
            throw DataError(path: name, "label \(bad) is outside 0..<\(classNames.count) (\(classNames.count) class names)")
        }
        if let t = targets, labels.isEmpty ? !t.isEmpty : t.count % labels.count != 0 {
            throw DataError(path: name, "\(t.count) targets do not divide evenly among \(labels.count) examples")
        }
        self.name = name
        self.images = images
        self.shape = shape
        self.labels = labels
        self.classNames = classNames
        self.targets = targets
    }

    /// Number of examples.
    public var count: Int { labels.count }
    /// Values per example (H·W·C or D).
    public var featureCount: Int { shape.reduce(1, *) }
    /// Number of classes.
    public var classCount: Int { classNames.count }
    /// Targets per example (0 when there are none).
    public var targetWidth: Int { count == 0 ? 0 : (targets?.count ?? 0) / count }

    /// The flattened values of example `index` (must be in `0..<count`).
    public func image(at index: Int) -> [Double] {
        precondition(index >= 0 && index < count, "example index \(index) out of range 0..<\(count)")
        let d = featureCount
        return Array(images[(index * d)..<((index + 1) * d)])
    }

    /// The examples at `indices` (in that order, repeats allowed), keeping classes and targets.
    public func subset(indices: [Int]) -> Dataset {
        let d = featureCount, k = targetWidth
        var imgs = [Double]()
        imgs.reserveCapacity(indices.count * d)
        var t: [Double]? = targets == nil ? nil : []
        for i in indices {
            precondition(i >= 0 && i < count, "example index \(i) out of range 0..<\(count)")
            imgs += images[(i * d)..<((i + 1) * d)]
            if let all = targets { t?.append(contentsOf: all[(i * k)..<((i + 1) * k)]) }
        }
        return Dataset(unchecked: name, imgs, shape, indices.map { labels[$0] }, classNames, t)
    }

    /// Number of examples of each class.
    public var classCounts: [Int] {
        var c = [Int](repeating: 0, count: classCount)
        for l in labels { c[l] += 1 }
        return c
    }

    init(unchecked name: String, _ images: [Double], _ shape: [Int], _ labels: [Int], _ classNames: [String], _ targets: [Double]?) {
        self.name = name
        self.images = images
        self.shape = shape
        self.labels = labels
        self.classNames = classNames
        self.targets = targets
    }
}
