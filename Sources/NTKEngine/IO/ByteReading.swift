/// Little helpers to pull fixed-width integers out of byte arrays with bounds checks.
///
/// Why: every binary format here (npy, zip, IDX, gzip) is read from untrusted files; a short
/// or corrupt file must become a `DataError`, never an out-of-bounds trap.
struct ByteCursor {
    let bytes: [UInt8]
    let path: String
    var offset: Int

    init(_ bytes: [UInt8], path: String, offset: Int = 0) {
        self.bytes = bytes
        self.path = path
        self.offset = offset
    }

    func require(_ n: Int, _ what: String) throws {
        guard n >= 0, offset >= 0, offset <= bytes.count - n else {
            throw DataError(path: path, "file is truncated: needed \(n) bytes for \(what) at offset \(offset), file has \(bytes.count)")
        }
    }

    mutating func u8(_ what: String) throws -> UInt8 {
        try require(1, what)
        defer { offset += 1 }
        return bytes[offset]
    }

    mutating func le16(_ what: String) throws -> Int {
        try require(2, what)
        defer { offset += 2 }
        return Int(bytes[offset]) | Int(bytes[offset + 1]) << 8
    }

    mutating func le32(_ what: String) throws -> Int {
        try require(4, what)
        defer { offset += 4 }
        var v = 0
        for i in 0..<4 { v |= Int(bytes[offset + i]) << (8 * i) }
        return v
    }

    mutating func le64(_ what: String) throws -> UInt64 {
        try require(8, what)
        defer { offset += 8 }
        var v: UInt64 = 0
        for i in 0..<8 { v |= UInt64(bytes[offset + i]) << (8 * UInt64(i)) }
        return v
    }

    mutating func be32(_ what: String) throws -> Int {
        try require(4, what)
        defer { offset += 4 }
        var v = 0
        for i in 0..<4 { v = v << 8 | Int(bytes[offset + i]) }
        return v
    }

    mutating func take(_ n: Int, _ what: String) throws -> ArraySlice<UInt8> {
        try require(n, what)
        defer { offset += n }
        return bytes[offset..<(offset + n)]
    }
}
