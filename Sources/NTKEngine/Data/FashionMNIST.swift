/// Fashion-MNIST (Zalando; 60 000 train / 10 000 test, 28×28 gray, 10 classes), read from the
/// IDX files of Debian's `dataset-fashion-mnist` package copied into the data cache.
///
/// Why this source: it is a pinned, checksummed package from a registry entk may use at
/// set-up, so the experiments run on real images without downloading anything at run time.
public enum FashionMNIST {
    public enum Split: String, Sendable { case train, test }

    /// Class names in label order.
    public static let classNames = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
                                    "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"]

    /// Loads a split from `cacheDirectory/fashion-mnist/` with pixels scaled to [0, 1] and
    /// shape `[28, 28, 1]`; `limit` keeps only the first examples (the files are large).
    public static func load(_ split: Split, cacheDirectory: String = DataCache.directory(), limit: Int? = nil) throws -> Dataset {
        let prefix = split == .train ? "train" : "t10k"
        let imgPath = try DataCache.require(["fashion-mnist/\(prefix)-images-idx3-ubyte", "fashion-mnist/\(prefix)-images-idx3-ubyte.gz"],
                                            in: cacheDirectory, dataset: "Fashion-MNIST")
        let labPath = try DataCache.require(["fashion-mnist/\(prefix)-labels-idx1-ubyte", "fashion-mnist/\(prefix)-labels-idx1-ubyte.gz"],
                                            in: cacheDirectory, dataset: "Fashion-MNIST")
        return try fromIDX(images: imgPath, labels: labPath, name: "fashion-mnist/\(split.rawValue)", classNames: classNames, limit: limit)
    }

    /// Builds a dataset from an IDX image file (N×H×W or N×H×W×C, 0…255) and an IDX label file.
    public static func fromIDX(images: String, labels: String, name: String, classNames: [String], limit: Int? = nil) throws -> Dataset {
        let x = try IDX.read(path: images)
        let y = try IDX.read(path: labels)
        guard x.shape.count == 3 || x.shape.count == 4 else { throw DataError(path: images, "expected N×H×W images, shape is \(x.shape)") }
        guard y.shape == [x.shape[0]] else { throw DataError(path: labels, "has \(y.shape) labels for \(x.shape[0]) images") }
        let shape = [x.shape[1], x.shape[2], x.shape.count == 4 ? x.shape[3] : 1]
        let n = min(limit ?? x.shape[0], x.shape[0])
        let d = shape.reduce(1, *)
        let labelInts = y.data.prefix(n).map { Int($0) }
        return try Dataset(name: name, images: x.data.prefix(n * d).map { $0 / 255 }, shape: shape,
                           labels: labelInts, classNames: classNames)
    }
}
