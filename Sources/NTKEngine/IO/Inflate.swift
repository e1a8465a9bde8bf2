/// DEFLATE decompression (RFC 1951) with gzip (RFC 1952) and zlib (RFC 1950) wrappers.
///
/// Why in Swift: `.npz` archives and the gzip-compressed IDX/CSV files of the datasets are
/// deflate streams, Foundation on Linux exposes no zlib API, and the package's C shims do not
/// export `<zlib.h>`. This is a straightforward canonical-Huffman decoder in the style of zlib's
/// `puff.c`: small, bounds-checked, and fast enough for the few megabytes the data layer reads
/// (the fetch script stores the large Fashion-MNIST files already decompressed).
public enum Inflate {
    /// Decompresses a raw deflate stream (zip method 8, zlib windowBits -15).
    /// - Parameter source: named in error messages (the file the stream came from).
    public static func raw(_ input: ArraySlice<UInt8>, expectedSize: Int? = nil, source: String) throws -> [UInt8] {
        var state = InflateState(input: input, source: source)
        if let n = expectedSize { state.out.reserveCapacity(n) }
        try state.run()
        return state.out
    }

    /// Decompresses a gzip file (all members concatenated), checking each member's CRC-32 and size.
    public static func gzip(_ input: [UInt8], source: String) throws -> [UInt8] {
        var out: [UInt8] = []
        var pos = 0
        repeat {
            var c = ByteCursor(input, path: source, offset: pos)
            guard try c.u8("gzip magic") == 0x1F, try c.u8("gzip magic") == 0x8B else {
                throw DataError(path: source, "not a gzip stream (bad magic at offset \(pos))")
            }
            guard try c.u8("gzip method") == 8 else { throw DataError(path: source, "gzip member is not deflate-compressed") }
            let flags = try c.u8("gzip flags")
            _ = try c.take(6, "gzip header")
            if flags & 4 != 0 { let n = try c.le16("gzip extra length"); _ = try c.take(n, "gzip extra field") }
            if flags & 8 != 0 { while try c.u8("gzip file name") != 0 {} }
            if flags & 16 != 0 { while try c.u8("gzip comment") != 0 {} }
            if flags & 2 != 0 { _ = try c.take(2, "gzip header crc") }
            var state = InflateState(input: input[c.offset...], source: source)
            try state.run()
            var t = ByteCursor(input, path: source, offset: state.consumedEnd)
            let crc = try t.le32("gzip crc")
            let size = try t.le32("gzip size")
            guard UInt32(crc) == CRC32.checksum(state.out) else { throw DataError(path: source, "gzip CRC mismatch: the file is corrupt") }
            guard size == state.out.count & 0xFFFF_FFFF else { throw DataError(path: source, "gzip length mismatch: the file is corrupt") }
            if out.isEmpty { out = state.out } else { out.append(contentsOf: state.out) }
            pos = t.offset
        } while pos < input.count && input[pos] == 0x1F
        return out
    }

    /// Decompresses a zlib stream (2-byte header, deflate data, Adler-32 trailer).
    public static func zlib(_ input: [UInt8], source: String) throws -> [UInt8] {
        guard input.count >= 6, input[0] & 0x0F == 8, (Int(input[0]) << 8 | Int(input[1])) % 31 == 0 else {
            throw DataError(path: source, "not a zlib stream (bad header)")
        }
        guard input[1] & 0x20 == 0 else { throw DataError(path: source, "zlib preset dictionaries are not supported") }
        var state = InflateState(input: input[2...], source: source)
        try state.run()
        return state.out
    }

    /// Decompresses gzip or zlib, detected from the first bytes (zlib's windowBits 15+32),
    /// and returns anything else unchanged, so callers can accept `x` and `x.gz` alike.
    public static func autoDetect(_ input: [UInt8], source: String) throws -> [UInt8] {
        if input.count >= 2, input[0] == 0x1F, input[1] == 0x8B { return try gzip(input, source: source) }
        return input
    }
}

/// A canonical Huffman code as a direct lookup table indexed by the next `maxLength` input
/// bits (deflate packs codes most-significant bit first, so table indices are bit-reversed codes).
private struct Huffman {
    /// `symbol << 4 | length` per index; 0 marks bit patterns that are not a code.
    var table: [UInt32] = []
    var maxLength = 0

    /// Builds the code from code lengths, rejecting over-subscribed codes (incomplete ones are
    /// allowed: deflate permits them, e.g. a block with a single distance code).
    init(lengths: ArraySlice<Int>, source: String) throws {
        var counts = [Int](repeating: 0, count: 16)
        for l in lengths { counts[l] += 1 }
        var left = 1
        for len in 1..<16 {
            left <<= 1
            left -= counts[len]
            if left < 0 { throw DataError(path: source, "corrupt deflate data (over-subscribed Huffman code)") }
        }
        self.init(validLengths: lengths)
    }

    /// Builds the code without validation; for the fixed tables and after checking.
    init(validLengths lengths: ArraySlice<Int>) {
        var counts = [Int](repeating: 0, count: 16)
        for l in lengths where l > 0 { counts[l] += 1 }
        maxLength = lengths.max() ?? 0
        guard maxLength > 0 else { return }
        var next = [Int](repeating: 0, count: 16)
        var code = 0
        for len in 1..<16 {
            code = (code + counts[len - 1]) << 1
            next[len] = code
        }
        table = [UInt32](repeating: 0, count: 1 << maxLength)
        for (sym, len) in lengths.enumerated() where len > 0 {
            let c = next[len]
            next[len] += 1
            var r = 0
            for k in 0..<len where c & (1 << k) != 0 { r |= 1 << (len - 1 - k) }
            let entry = UInt32(sym) << 4 | UInt32(len)
            var i = r
            while i < table.count {
                table[i] = entry
                i += 1 << len
            }
        }
    }
}

private struct InflateState {
    let input: ArraySlice<UInt8>
    let source: String
    var pos: Int
    var bitBuf: UInt64 = 0
    var bitCount = 0
    var out: [UInt8] = []

    init(input: ArraySlice<UInt8>, source: String) {
        self.input = input
        self.source = source
        self.pos = input.startIndex
    }

    /// Index just after the last input byte the deflate stream used.
    var consumedEnd: Int { pos - bitCount / 8 }

    func corrupt(_ what: String) -> DataError { DataError(path: source, "corrupt deflate data (\(what))") }

    @inline(__always)
    mutating func need(_ n: Int) throws {
        while bitCount < n {
            guard pos < input.endIndex else { throw DataError(path: source, "deflate stream is truncated") }
            bitBuf |= UInt64(input[pos]) << UInt64(bitCount)
            pos += 1
            bitCount += 8
        }
    }

    @inline(__always)
    mutating func bits(_ n: Int) throws -> Int {
        if n == 0 { return 0 }
        try need(n)
        let v = Int(bitBuf & ((1 << UInt64(n)) - 1))
        bitBuf >>= UInt64(n)
        bitCount -= n
        return v
    }

    @inline(__always)
    mutating func decode(_ h: Huffman) throws -> Int {
        let n = h.maxLength
        guard n > 0 else { throw corrupt("empty Huffman code used") }
        while bitCount < n, pos < input.endIndex { // near the end fewer than n bits may remain
            bitBuf |= UInt64(input[pos]) << UInt64(bitCount)
            pos += 1
            bitCount += 8
        }
        let entry = h.table[Int(bitBuf & ((1 << UInt64(n)) - 1))]
        let len = Int(entry & 15)
        guard len != 0 else { throw corrupt("code not in Huffman table") }
        guard len <= bitCount else { throw DataError(path: source, "deflate stream is truncated") }
        bitBuf >>= UInt64(len)
        bitCount -= len
        return Int(entry >> 4)
    }

    mutating func run() throws {
        var last = false
        repeat {
            last = try bits(1) == 1
            switch try bits(2) {
            case 0: try stored()
            case 1: try codes(lit: InflateState.fixedLit, dist: InflateState.fixedDist)
            case 2: try dynamic()
            default: throw corrupt("invalid block type 3")
            }
        } while !last
    }

    mutating func stored() throws {
        bitBuf = 0
        pos -= bitCount / 8
        bitCount = 0
        guard pos + 4 <= input.endIndex else { throw DataError(path: source, "deflate stream is truncated") }
        let len = Int(input[pos]) | Int(input[pos + 1]) << 8
        let nlen = Int(input[pos + 2]) | Int(input[pos + 3]) << 8
        guard len == (~nlen & 0xFFFF) else { throw corrupt("stored block length check failed") }
        pos += 4
        guard pos + len <= input.endIndex else { throw DataError(path: source, "deflate stream is truncated") }
        out.append(contentsOf: input[pos..<(pos + len)])
        pos += len
    }

    static let lengthBase = [3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258]
    static let lengthExtra = [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0]
    static let distBase = [1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577]
    static let distExtra = [0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13]

    static let fixedLit: Huffman = {
        var l = [Int](repeating: 8, count: 288)
        for i in 144..<256 { l[i] = 9 }
        for i in 256..<280 { l[i] = 7 }
        return Huffman(validLengths: l[...])
    }()
    static let fixedDist = Huffman(validLengths: [Int](repeating: 5, count: 30)[...])

    mutating func codes(lit: Huffman, dist: Huffman) throws {
        while true {
            let sym = try decode(lit)
            if sym < 256 {
                out.append(UInt8(sym))
            } else if sym == 256 {
                return
            } else {
                let li = sym - 257
                guard li < 29 else { throw corrupt("invalid length symbol") }
                let len = InflateState.lengthBase[li] + (try bits(InflateState.lengthExtra[li]))
                let ds = try decode(dist)
                guard ds < 30 else { throw corrupt("invalid distance symbol") }
                let d = InflateState.distBase[ds] + (try bits(InflateState.distExtra[ds]))
                guard d <= out.count else { throw corrupt("distance too far back") }
                let start = out.count - d
                if d >= len {
                    out.append(contentsOf: out[start..<(start + len)])
                } else {
                    for k in 0..<len { out.append(out[start + k]) }
                }
            }
        }
    }

    static let order = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15]

    mutating func dynamic() throws {
        let nlen = try bits(5) + 257
        let ndist = try bits(5) + 1
        let ncode = try bits(4) + 4
        guard nlen <= 286, ndist <= 30 else { throw corrupt("bad code counts") }
        var lengths = [Int](repeating: 0, count: 320)
        for i in 0..<ncode { lengths[InflateState.order[i]] = try bits(3) }
        let lencode = try Huffman(lengths: lengths[0..<19], source: source)
        var index = 0
        while index < nlen + ndist {
            var sym = try decode(lencode)
            if sym < 16 {
                lengths[index] = sym
                index += 1
            } else {
                var len = 0
                if sym == 16 {
                    guard index > 0 else { throw corrupt("repeat with no previous length") }
                    len = lengths[index - 1]
                    sym = 3 + (try bits(2))
                } else if sym == 17 {
                    sym = 3 + (try bits(3))
                } else {
                    sym = 11 + (try bits(7))
                }
                guard index + sym <= nlen + ndist else { throw corrupt("too many code lengths") }
                for _ in 0..<sym { lengths[index] = len; index += 1 }
            }
        }
        guard lengths[256] != 0 else { throw corrupt("no end-of-block code") }
        let lit = try Huffman(lengths: lengths[0..<nlen], source: source)
        let dist = try Huffman(lengths: lengths[nlen..<(nlen + ndist)], source: source)
        try codes(lit: lit, dist: dist)
    }
}
