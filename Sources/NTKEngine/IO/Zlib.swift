import CZlibShim

/// gzip (RFC 1952) and zlib (RFC 1950) stream decompression through the system zlib.
///
/// Why zlib: it is the reference implementation (checks the gzip CRC-32 and length and the
/// zlib Adler-32 itself) and is already on every machine that has libpng. The ZIP container
/// of `.npz` files is read by ZIPFoundation (see `NPZ`), which uses the same zlib underneath.
public enum Zlib {
    /// Decompresses a gzip file (all members, concatenated) or a zlib stream, detected from the
    /// header (zlib's windowBits 15 + 32).
    /// - Parameter source: named in error messages (the file the stream came from).
    public static func inflate(_ input: [UInt8], source: String) throws -> [UInt8] {
        var strm = z_stream()
        // windowBits 15 + 32: accept both gzip and zlib headers, largest window.
        guard inflateInit2_(&strm, 15 + 32, zlibVersion(), Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw DataError(path: source, "zlib could not be initialised")
        }
        defer { inflateEnd(&strm) }
        var out: [UInt8] = []
        out.reserveCapacity(min(1 << 30, input.count * 4))
        let chunk = 1 << 16
        var buffer = [UInt8](repeating: 0, count: chunk)
        var consumed = 0
        return try input.withUnsafeBufferPointer { inBuf -> [UInt8] in
            // Bounds: next_in/avail_in always describe inBuf[consumed..<count] (zlib only moves
            // next_in forward by what it reports through avail_in), and next_out/avail_out
            // describe all of `buffer`; both buffers outlive the loop.
            guard let base = inBuf.baseAddress, !inBuf.isEmpty else {
                throw DataError(path: source, "empty compressed stream")
            }
            while true {
                strm.next_in = UnsafeMutablePointer(mutating: base + consumed)
                strm.avail_in = UInt32(clamping: inBuf.count - consumed)
                let before = strm.avail_in
                var rc: Int32 = Z_OK
                repeat {
                    let produced: Int = buffer.withUnsafeMutableBufferPointer { ob in
                        strm.next_out = ob.baseAddress
                        strm.avail_out = UInt32(chunk)
                        rc = CZlibShim.inflate(&strm, Z_NO_FLUSH)
                        return chunk - Int(strm.avail_out)
                    }
                    out.append(contentsOf: buffer[0..<produced])
                    if rc == Z_BUF_ERROR && produced == 0 { break }
                } while rc == Z_OK && strm.avail_out == 0
                consumed += Int(before - strm.avail_in)
                switch rc {
                case Z_STREAM_END:
                    // Another gzip member may follow (concatenated .gz files are one file).
                    if consumed + 1 < inBuf.count, inBuf[consumed] == 0x1F, inBuf[consumed + 1] == 0x8B {
                        guard inflateReset(&strm) == Z_OK else { throw DataError(path: source, "zlib reset failed") }
                        continue
                    }
                    return out
                case Z_OK, Z_BUF_ERROR:
                    if strm.avail_in > 0 && strm.avail_in != before { continue } // progress made: feed the rest
                    throw DataError(path: source, "corrupt or truncated compressed data (stream ends early after \(consumed) bytes)")
                default:
                    let msg = strm.msg.map { String(cString: $0) } ?? "zlib error \(rc)"
                    throw DataError(path: source, "corrupt compressed data (\(msg))")
                }
            }
        }
    }

    /// gzip or zlib data decompressed, anything else returned unchanged, so callers accept
    /// `x` and `x.gz` alike. Only the gzip magic (1F 8B) is taken as compressed.
    public static func gunzipIfCompressed(_ input: [UInt8], source: String) throws -> [UInt8] {
        if input.count >= 2, input[0] == 0x1F, input[1] == 0x8B { return try inflate(input, source: source) }
        return input
    }

    /// The CRC-32 (IEEE 802.3, as in zip and gzip) of `bytes`.
    public static func crc32(_ bytes: [UInt8]) -> UInt32 {
        bytes.withUnsafeBufferPointer { b in
            // zlib's crc32 takes a 32-bit length: feed at most 1 GiB at a time.
            var c = CZlibShim.crc32(0, nil, 0)
            var off = 0
            while off < b.count {
                let n = min(1 << 30, b.count - off)
                c = CZlibShim.crc32(c, b.baseAddress.map { $0 + off }, UInt32(n))
                off += n
            }
            return UInt32(truncatingIfNeeded: c)
        }
    }
}
