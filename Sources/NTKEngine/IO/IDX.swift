/// Reading IDX files (the MNIST / Fashion-MNIST container), optionally gzip-compressed.
///
/// Why: Debian's `dataset-fashion-mnist` ships the original `*-idx3-ubyte.gz` files; reading
/// IDX directly keeps the cached copy byte-identical to the pinned package.
public enum IDX {
    /// Reads an IDX file (plain or `.gz`) into an array; values keep their stored scale
    /// (pixels 0…255), `dtype` says what the file held.
    public static func read(path: String) throws -> NPYArray {
        let bytes = try Zlib.gunzipIfCompressed(AtomicFile.read(path), source: path)
        var c = ByteCursor(bytes, path: path)
        guard try c.u8("magic") == 0, try c.u8("magic") == 0 else { throw DataError(path: path, "not an IDX file (bad magic)") }
        let type = try c.u8("type")
        let rank = Int(try c.u8("rank"))
        var shape: [Int] = []
        for _ in 0..<rank { shape.append(try c.be32("dimension")) }
        let dtype: NPYDType
        switch type {
        case 0x08: dtype = .uint8
        case 0x09: dtype = .int8
        case 0x0B: dtype = .int16
        case 0x0C: dtype = .int32
        case 0x0D: dtype = .float32
        case 0x0E: dtype = .float64
        default: throw DataError(path: path, "unknown IDX element type 0x\(String(type, radix: 16))")
        }
        let count = shape.reduce(1, *)
        try c.require(count * dtype.size, "IDX data of shape \(shape)")
        let data = NPY.decodeElements(bytes, from: c.offset, count: count, dtype: dtype, bigEndian: true)
        return try NPYArray(shape: shape, data: data, dtype: dtype)
    }
}
