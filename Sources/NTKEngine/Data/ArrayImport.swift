/// Builds datasets from users' own NumPy arrays.
///
/// Why: anything a user has in Python can be brought in with `np.save`/`np.savez`; this is the
/// generic door into entk for data that has no dedicated loader.
public enum ArrayImport {
    /// Pixel layout of 4-D image arrays.
    public enum Layout: Sendable { case nhwc, nchw }

    /// A dataset from an image array and a label array.
    /// - Parameters:
    ///   - images: N×D (vectors), N×H×W (gray) or N×H×W×C / N×C×H×W images.
    ///   - labels: N integer labels ≥ 0 (float arrays must hold integral values).
    ///   - scale: multiplies pixel values (e.g. 1/255 for `uint8` images).
    ///   - classNames: names per label; default `"0"`, `"1"`, … up to the largest label.
    public static func dataset(images: NPYArray, labels: NPYArray, name: String, layout: Layout = .nhwc,
                               scale: Double = 1, classNames: [String]? = nil) throws -> Dataset {
        guard (2...4).contains(images.shape.count) else {
            throw DataError(path: name, "images must be N×D, N×H×W or 4-D, shape is \(images.shape)")
        }
        let n = images.shape[0]
        guard labels.count == n, labels.shape.count <= 2, labels.shape.first == n else {
            throw DataError(path: name, "labels of shape \(labels.shape) do not match \(n) images")
        }
        var ints = [Int]()
        ints.reserveCapacity(n)
        for v in labels.data {
            guard v >= 0, v.rounded() == v else { throw DataError(path: name, "label \(v) is not a non-negative integer") }
            // One class name per label value: a stray label 10⁸ would allocate 10⁸ names.
            guard v < Double(PredictionTargets.maxClasses) else {
                throw DataError(path: name, "label \(v) is too large: at most \(PredictionTargets.maxClasses) classes (labels 0..<\(PredictionTargets.maxClasses))")
            }
            ints.append(Int(v))
        }
        var shape = Array(images.shape.dropFirst())
        var data = images.data
        if images.shape.count == 3 { shape.append(1) }
        if images.shape.count == 4, layout == .nchw {
            let c = shape[0], h = shape[1], w = shape[2]
            var t = [Double](repeating: 0, count: data.count)
            for i in 0..<n { for k in 0..<c { for y in 0..<h { for x in 0..<w {
                t[((i * h + y) * w + x) * c + k] = data[((i * c + k) * h + y) * w + x]
            } } } }
            data = t
            shape = [h, w, c]
        }
        if scale != 1 { for i in data.indices { data[i] *= scale } }
        let k = (ints.max() ?? -1) + 1
        let names = classNames ?? (0..<k).map(String.init)
        return try Dataset(name: name, images: data, shape: shape, labels: ints, classNames: names)
    }

    /// From two `.npy` files.
    public static func dataset(imagesNPY: String, labelsNPY: String, layout: Layout = .nhwc, scale: Double = 1,
                               classNames: [String]? = nil) throws -> Dataset {
        try dataset(images: NPY.read(path: imagesNPY), labels: NPY.read(path: labelsNPY), name: imagesNPY,
                    layout: layout, scale: scale, classNames: classNames)
    }

    /// From two members of one `.npz` file (e.g. `x`/`y` or `images`/`labels`).
    public static func dataset(npz: String, imagesKey: String = "images", labelsKey: String = "labels", layout: Layout = .nhwc,
                               scale: Double = 1, classNames: [String]? = nil) throws -> Dataset {
        let z = try NPZ.read(path: npz)
        guard let x = z[imagesKey], let y = z[labelsKey] else {
            throw DataError(path: npz, "needs arrays '\(imagesKey)' and '\(labelsKey)'; it has: \(z.keys.sorted().joined(separator: ", "))")
        }
        return try dataset(images: x, labels: y, name: npz, layout: layout, scale: scale, classNames: classNames)
    }

    /// Writes `dataset` as `.npz` with `images` (float32 or float64) and `labels` (int64), atomically.
    public static func write(_ dataset: Dataset, to path: String, imagesAs dtype: NPYDType = .float32) throws {
        let images = try NPYArray(shape: [dataset.count] + dataset.shape, data: dataset.images)
        let labels = try NPYArray(shape: [dataset.count], data: dataset.labels.map(Double.init))
        try NPZ.write(["images": images, "labels": labels], dtypes: ["images": dtype, "labels": .int64], to: path)
    }
}
