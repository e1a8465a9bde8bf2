import CZlibShim
import Foundation
import XCTest
@testable import NTKEngine

/// The gzip/zlib path (system zlib) that replaced the hand-written inflate: the same cases the
/// old decoder was tested with, now run against the library.
final class ZlibTests: XCTestCase {
    func testGzipIDXFixture() throws {
        let a = try IDX.read(path: Fixture.path("tiny-idx3-ubyte.gz"))
        XCTAssertEqual(a.shape, [2, 3, 3])
        XCTAssertEqual(a.data, (0..<18).map(Double.init))
        XCTAssertEqual(a.dtype, .uint8)
    }

    func testStoredBlockByHand() throws {
        // zlib header 78 01, final stored block "abc" (header bits 1,00; LEN=3, NLEN=~3),
        // Adler-32 of "abc" = 0x024D0127 (RFC 1950 §8.2), big-endian.
        let stream: [UInt8] = [0x78, 0x01, 0x01, 0x03, 0x00, 0xFC, 0xFF, 0x61, 0x62, 0x63, 0x02, 0x4D, 0x01, 0x27]
        XCTAssertEqual(try Zlib.inflate(stream, source: "t"), Array("abc".utf8))
    }

    func testFixedHuffmanBlockFromZlib() throws {
        // zlib.compress(b"hello hello hello hello") from CPython: fixed Huffman + back-references.
        let z: [UInt8] = [0x78, 0x9C, 0xCB, 0x48, 0xCD, 0xC9, 0xC9, 0x57, 0xC8, 0x40, 0x27, 0x01, 0x68, 0x03, 0x08, 0xB1]
        XCTAssertEqual(try Zlib.inflate(z, source: "t"), Array("hello hello hello hello".utf8))
    }

    func testConcatenatedGzipMembersAreOneFile() throws {
        // gzip.compress(b"hello ", mtime=0) + gzip.compress(b"world", mtime=0) from CPython.
        let g: [UInt8] = [0x1F, 0x8B, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x03, 0xCB, 0x48, 0xCD, 0xC9, 0xC9, 0x57,
                          0x00, 0x00, 0xF6, 0xF9, 0x81, 0xED, 0x06, 0x00, 0x00, 0x00, 0x1F, 0x8B, 0x08, 0x00, 0x00, 0x00,
                          0x00, 0x00, 0x02, 0x03, 0x2B, 0xCF, 0x2F, 0xCA, 0x49, 0x01, 0x00, 0x43, 0x11, 0x77, 0x3A, 0x05,
                          0x00, 0x00, 0x00]
        XCTAssertEqual(try Zlib.gunzipIfCompressed(g, source: "t"), Array("hello world".utf8))
        // A flipped CRC byte in the second member is detected by zlib.
        var bad = g
        bad[bad.count - 6] ^= 0xFF
        XCTAssertThrowsError(try Zlib.inflate(bad, source: "t"))
        // Uncompressed input passes through unchanged.
        XCTAssertEqual(try Zlib.gunzipIfCompressed(Array("plain".utf8), source: "t"), Array("plain".utf8))
    }

    func testCorruptStreamsThrowInsteadOfTrapping() {
        XCTAssertThrowsError(try Zlib.inflate([0x78, 0x9C, 0x07], source: "t"))            // block type 3
        XCTAssertThrowsError(try Zlib.inflate([0x78, 0x01, 0x01, 0x03, 0x00], source: "t")) // truncated
        XCTAssertThrowsError(try Zlib.inflate([0x1F, 0x8B, 0x08, 0, 0, 0, 0, 0, 0, 0, 0x03], source: "t"))
        XCTAssertThrowsError(try Zlib.inflate([], source: "t"))
        XCTAssertThrowsError(try Zlib.inflate([0x00, 0x01, 0x02, 0x03], source: "t"))       // not a header
        // CRC-32 check value of the standard (ITU-T V.42 / zlib): "123456789" → CBF43926.
        XCTAssertEqual(Zlib.crc32(Array("123456789".utf8)), 0xCBF4_3926)
        XCTAssertEqual(Zlib.crc32([]), 0)
    }

    /// Round trips through zlib's own compressor at the edges of the 64 KiB output chunk the
    /// inflater fills (0, 1, chunk − 1, chunk, chunk + 1 and several chunks).
    func testRoundTripAcrossOutputChunkBoundaries() throws {
        for n in [0, 1, 65_535, 65_536, 65_537, 200_003] {
            let data = (0..<n).map { UInt8(truncatingIfNeeded: $0 &* 2_654_435_761 >> 13) }
            var bound = compressBound(uLong(n))
            var z = [UInt8](repeating: 0, count: Int(bound))
            let rc = z.withUnsafeMutableBufferPointer { zb in
                data.withUnsafeBufferPointer { db in compress2(zb.baseAddress, &bound, db.baseAddress, uLong(n), 6) }
            }
            XCTAssertEqual(rc, Z_OK)
            let out = try Zlib.inflate(Array(z.prefix(Int(bound))), source: "t")
            XCTAssertEqual(out.count, n)
            XCTAssertTrue(out == data, "size \(n)")
        }
    }
}
