/// The minimal zip reader/writer behind `.npz`.
///
/// Why hand-written: Foundation on Linux has no zip support. Only what `.npz` needs is here:
/// the central directory (incl. zip64 extra fields NumPy writes for large arrays), stored
/// (method 0) and deflate (method 8) members, CRC-32 verification, and stored-only writing.
enum ZipArchive {
    struct Entry {
        var name: String
        var method: Int
        var crc: UInt32
        var compressedSize: Int
        var size: Int
        var localHeaderOffset: Int
    }

    static func entries(_ bytes: [UInt8], path: String) throws -> [Entry] {
        // Find the end-of-central-directory record (it may be followed by a comment).
        let sig: [UInt8] = [0x50, 0x4B, 0x05, 0x06]
        guard bytes.count >= 22 else { throw DataError(path: path, "not a zip/.npz file (too short)") }
        var eocd = -1
        var i = bytes.count - 22
        let lowest = max(0, bytes.count - 22 - 65535)
        while i >= lowest {
            if bytes[i] == sig[0], bytes[i + 1] == sig[1], bytes[i + 2] == sig[2], bytes[i + 3] == sig[3] { eocd = i; break }
            i -= 1
        }
        guard eocd >= 0 else { throw DataError(path: path, "not a zip/.npz file (no end-of-central-directory record)") }
        var c = ByteCursor(bytes, path: path, offset: eocd + 10)
        var count = try c.le16("entry count")
        _ = try c.le32("central directory size")
        var cdOffset = try c.le32("central directory offset")
        if count == 0xFFFF || cdOffset == 0xFFFF_FFFF {
            // zip64: locator sits just before the EOCD.
            var l = ByteCursor(bytes, path: path, offset: eocd - 20)
            guard try l.le32("zip64 locator") == 0x0706_4B50 else { throw DataError(path: path, "zip64 locator missing") }
            _ = try l.le32("zip64 disk")
            let recOffset = Int(clamping: try l.le64("zip64 record offset"))
            var r = ByteCursor(bytes, path: path, offset: recOffset)
            guard try r.le32("zip64 record") == 0x0606_4B50 else { throw DataError(path: path, "zip64 end record missing") }
            r.offset += 20
            _ = try r.le64("entries on disk")
            count = Int(clamping: try r.le64("zip64 entry count"))
            _ = try r.le64("zip64 directory size")
            cdOffset = Int(clamping: try r.le64("zip64 directory offset"))
        }
        var out: [Entry] = []
        var d = ByteCursor(bytes, path: path, offset: cdOffset)
        for _ in 0..<count {
            guard try d.le32("central directory entry") == 0x0201_4B50 else {
                throw DataError(path: path, "corrupt zip central directory")
            }
            d.offset += 4 // version made by, version needed
            let flags = try d.le16("flags")
            let method = try d.le16("method")
            d.offset += 4 // time, date
            let crc = UInt32(try d.le32("crc"))
            var csize = try d.le32("compressed size")
            var usize = try d.le32("size")
            let nameLen = try d.le16("name length")
            let extraLen = try d.le16("extra length")
            let commentLen = try d.le16("comment length")
            d.offset += 8 // disk, internal attrs, external attrs
            var local = try d.le32("local header offset")
            let name = String(decoding: try d.take(nameLen, "name"), as: UTF8.self)
            var e = ByteCursor(Array(try d.take(extraLen, "extra field")), path: path)
            while e.offset + 4 <= e.bytes.count {
                let id = try e.le16("extra id")
                let len = try e.le16("extra length")
                let end = e.offset + len
                if id == 1 {
                    if usize == 0xFFFF_FFFF { usize = Int(clamping: try e.le64("zip64 size")) }
                    if csize == 0xFFFF_FFFF { csize = Int(clamping: try e.le64("zip64 compressed size")) }
                    if local == 0xFFFF_FFFF { local = Int(clamping: try e.le64("zip64 offset")) }
                }
                e.offset = end
            }
            d.offset += commentLen
            if flags & 1 != 0 { throw DataError(path: path, "member \(name) is encrypted") }
            out.append(Entry(name: name, method: method, crc: crc, compressedSize: csize, size: usize, localHeaderOffset: local))
        }
        return out
    }

    static func extract(_ entry: Entry, from bytes: [UInt8], path: String) throws -> [UInt8] {
        var c = ByteCursor(bytes, path: path, offset: entry.localHeaderOffset)
        guard try c.le32("local header") == 0x0403_4B50 else { throw DataError(path: path, "corrupt local header for \(entry.name)") }
        c.offset += 22
        let nameLen = try c.le16("name length")
        let extraLen = try c.le16("extra length")
        c.offset += nameLen + extraLen
        let raw = try c.take(entry.compressedSize, "data of \(entry.name)")
        let data: [UInt8]
        switch entry.method {
        case 0: data = Array(raw)
        case 8: data = try Inflate.raw(raw, expectedSize: entry.size, source: "\(path)[\(entry.name)]")
        default: throw DataError(path: path, "member \(entry.name) uses zip method \(entry.method); only stored and deflate are supported")
        }
        guard data.count == entry.size, CRC32.checksum(data) == entry.crc else {
            throw DataError(path: path, "member \(entry.name) is corrupt (size or CRC mismatch)")
        }
        return data
    }

    /// A zip archive of uncompressed members (zip64 is not written: members must be < 4 GiB).
    static func storedArchive(_ files: [(String, [UInt8])], path: String) throws -> [UInt8] {
        var out: [UInt8] = []
        var central: [UInt8] = []
        func le16(_ v: Int, _ a: inout [UInt8]) { a += [UInt8(v & 0xFF), UInt8((v >> 8) & 0xFF)] }
        func le32(_ v: Int, _ a: inout [UInt8]) { for k in 0..<4 { a.append(UInt8((v >> (8 * k)) & 0xFF)) } }
        for (name, data) in files {
            guard data.count < 0xFFFF_FFFF, out.count < 0xFFFF_FFFF else {
                throw DataError(path: path, "member \(name) is too large for an uncompressed .npz (4 GiB limit)")
            }
            let nameBytes = Array(name.utf8)
            let crc = Int(CRC32.checksum(data))
            let offset = out.count
            le32(0x0403_4B50, &out); le16(20, &out); le16(0, &out); le16(0, &out)
            le16(0, &out); le16(0x21, &out) // time 00:00, date 1980-01-01
            le32(crc, &out); le32(data.count, &out); le32(data.count, &out)
            le16(nameBytes.count, &out); le16(0, &out)
            out += nameBytes
            out += data
            le32(0x0201_4B50, &central); le16(20, &central); le16(20, &central); le16(0, &central); le16(0, &central)
            le16(0, &central); le16(0x21, &central)
            le32(crc, &central); le32(data.count, &central); le32(data.count, &central)
            le16(nameBytes.count, &central); le16(0, &central); le16(0, &central)
            le16(0, &central); le16(0, &central); le32(0, &central); le32(offset, &central)
            central += nameBytes
        }
        let cdOffset = out.count
        out += central
        le32(0x0605_4B50, &out); le16(0, &out); le16(0, &out)
        le16(files.count, &out); le16(files.count, &out)
        le32(central.count, &out); le32(cdOffset, &out); le16(0, &out)
        return out
    }
}
