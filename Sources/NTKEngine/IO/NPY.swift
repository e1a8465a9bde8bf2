import Foundation

/// Reading and writing NumPy `.npy` files (format versions 1.0, 2.0 and 3.0).
///
/// Why: `.npy` is the lingua franca for bringing arrays in and out of Python; users bring
/// their own datasets this way, and entk caches imported datasets in it so that NumPy can read
/// them back. Only C-order arrays of plain numeric dtypes are supported (see `NPYDType`);
/// anything else is rejected with a message saying how to convert it in NumPy.
public enum NPY {
    static let magic: [UInt8] = [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59] // "\x93NUMPY"

    /// Reads a `.npy` file.
    public static func read(path: String) throws -> NPYArray {
        try decode(AtomicFile.read(path), path: path)
    }

    /// Writes `array` to `path` atomically, converting elements to `dtype`
    /// (`.float64` or `.float32` for features; integer dtypes require integral values in range).
    public static func write(_ array: NPYArray, to path: String, as dtype: NPYDType = .float64) throws {
        try AtomicFile.write(encode(array, as: dtype, path: path), to: path)
    }

    /// Decodes the bytes of a `.npy` file; `path` is only used in error messages.
    public static func decode(_ bytes: [UInt8], path: String) throws -> NPYArray {
        var c = ByteCursor(bytes, path: path)
        guard bytes.count >= 8, Array(bytes[0..<6]) == magic else {
            throw DataError(path: path, "not a .npy file (missing \\x93NUMPY magic)")
        }
        c.offset = 6
        let major = try c.u8("version")
        _ = try c.u8("version")
        let headerLength: Int
        switch major {
        case 1: headerLength = try c.le16("header length")
        case 2, 3: headerLength = try c.le32("header length")
        default: throw DataError(path: path, "unsupported .npy format version \(major).x (entk reads 1.0, 2.0, 3.0)")
        }
        let headerBytes = try c.take(headerLength, "header")
        guard let header = String(bytes: headerBytes, encoding: major == 3 ? .utf8 : .isoLatin1) else {
            throw DataError(path: path, "header is not valid text")
        }
        let parsed = try NPYHeader.parse(header, path: path)
        if parsed.fortranOrder {
            throw DataError(path: path, "fortran_order arrays are not supported; save with np.save(path, np.ascontiguousarray(a))")
        }
        let count = parsed.shape.reduce(1, *)
        let dtype = parsed.dtype
        let nbytes = count.multipliedReportingOverflow(by: dtype.size)
        guard !nbytes.overflow else { throw DataError(path: path, "shape \(parsed.shape) is too large") }
        try c.require(nbytes.partialValue, "array data of shape \(parsed.shape) and dtype \(parsed.descr)")
        // Data longer than the header says means the dtype or shape in the header is wrong
        // (e.g. float64 data under a '<f4' header): refuse rather than read garbage.
        let extra = bytes.count - c.offset - nbytes.partialValue
        guard extra == 0 else {
            throw DataError(path: path, "the header says shape \(parsed.shape) of \(parsed.descr) (\(nbytes.partialValue) bytes of data) but the file holds \(bytes.count - c.offset) bytes after the header; the dtype or shape does not match the data")
        }
        let data = decodeElements(bytes, from: c.offset, count: count, dtype: dtype, bigEndian: parsed.bigEndian)
        return try NPYArray(shape: parsed.shape, data: data, dtype: dtype)
    }

    /// Encodes `array` as the bytes of a version 1.0 (or 2.0 if the header is huge) `.npy` file.
    public static func encode(_ array: NPYArray, as dtype: NPYDType = .float64, path: String = "<memory>") throws -> [UInt8] {
        if dtype.isInteger {
            let range = dtype.integerRange
            if let bad = array.data.first(where: { !range.contains($0) || $0.rounded() != $0 }) {
                throw DataError(path: path, "value \(bad) cannot be stored as \(dtype.rawValue)")
            }
        }
        let shapeText = array.shape.isEmpty ? "()" :
            array.shape.count == 1 ? "(\(array.shape[0]),)" : "(" + array.shape.map(String.init).joined(separator: ", ") + ")"
        var header = "{'descr': '\(dtype.descr)', 'fortran_order': False, 'shape': \(shapeText), }"
        var version: UInt8 = 1
        var prefix = 10
        if header.utf8.count + 1 + prefix > 65535 { version = 2; prefix = 12 }
        let total = (prefix + header.utf8.count + 1 + 63) / 64 * 64
        header += String(repeating: " ", count: total - prefix - header.utf8.count - 1) + "\n"
        var out = magic + [version, 0]
        let hl = header.utf8.count
        if version == 1 {
            out += [UInt8(hl & 0xFF), UInt8(hl >> 8)]
        } else {
            out += (0..<4).map { UInt8((hl >> (8 * $0)) & 0xFF) }
        }
        out += Array(header.utf8)
        out.reserveCapacity(out.count + array.count * dtype.size)
        for v in array.data { appendElement(v, dtype: dtype, to: &out) }
        return out
    }

    static func appendElement(_ v: Double, dtype: NPYDType, to out: inout [UInt8]) {
        func le<T: FixedWidthInteger>(_ x: T) {
            withUnsafeBytes(of: x.littleEndian) { out.append(contentsOf: $0) }
        }
        switch dtype {
        case .float64: le(v.bitPattern)
        case .float32: le(Float(v).bitPattern)
        case .int64: le(Int64(v))
        case .int32: le(Int32(v))
        case .int16: le(Int16(v))
        case .uint16: le(UInt16(v))
        case .int8: out.append(UInt8(bitPattern: Int8(v)))
        case .uint8: out.append(UInt8(v))
        case .bool: out.append(v != 0 ? 1 : 0)
        }
    }

    /// Decodes `count` elements starting at `offset` (bounds already checked by the caller).
    static func decodeElements(_ bytes: [UInt8], from offset: Int, count: Int, dtype: NPYDType, bigEndian: Bool) -> [Double] {
        bytes.withUnsafeBytes { raw -> [Double] in
            func load<T: FixedWidthInteger>(_: T.Type, _ i: Int) -> T {
                let x = raw.loadUnaligned(fromByteOffset: offset + i * MemoryLayout<T>.size, as: T.self)
                return bigEndian ? T(bigEndian: x) : T(littleEndian: x)
            }
            var out = [Double](repeating: 0, count: count)
            switch dtype {
            case .float64: for i in 0..<count { out[i] = Double(bitPattern: load(UInt64.self, i)) }
            case .float32: for i in 0..<count { out[i] = Double(Float(bitPattern: load(UInt32.self, i))) }
            case .int64: for i in 0..<count { out[i] = Double(load(Int64.self, i)) }
            case .int32: for i in 0..<count { out[i] = Double(load(Int32.self, i)) }
            case .int16: for i in 0..<count { out[i] = Double(load(Int16.self, i)) }
            case .uint16: for i in 0..<count { out[i] = Double(load(UInt16.self, i)) }
            case .int8: for i in 0..<count { out[i] = Double(Int8(bitPattern: raw[offset + i])) }
            case .uint8: for i in 0..<count { out[i] = Double(raw[offset + i]) }
            case .bool: for i in 0..<count { out[i] = raw[offset + i] != 0 ? 1 : 0 }
            }
            return out
        }
    }
}
