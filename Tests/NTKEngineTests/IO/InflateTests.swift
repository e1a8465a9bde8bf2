import Foundation
import XCTest
@testable import NTKEngine

final class InflateTests: XCTestCase {
    func testGzipIDXFixture() throws {
        let a = try IDX.read(path: Fixture.path("tiny-idx3-ubyte.gz"))
        XCTAssertEqual(a.shape, [2, 3, 3])
        XCTAssertEqual(a.data, (0..<18).map(Double.init))
        XCTAssertEqual(a.dtype, .uint8)
    }

    func testStoredBlockByHand() throws {
        // final stored block "abc": header bits 1,00 then aligned LEN=3, NLEN=~3.
        let stream: [UInt8] = [0x01, 0x03, 0x00, 0xFC, 0xFF, 0x61, 0x62, 0x63]
        XCTAssertEqual(try Inflate.raw(stream[...], source: "t"), Array("abc".utf8))
    }

    func testFixedHuffmanBlockFromZlib() throws {
        // zlib.compress(b"hello hello hello hello") from CPython: fixed Huffman + back-references.
        let z: [UInt8] = [0x78, 0x9C, 0xCB, 0x48, 0xCD, 0xC9, 0xC9, 0x57, 0xC8, 0x40, 0x27, 0x01, 0x68, 0x03, 0x08, 0xB1]
        XCTAssertEqual(try Inflate.zlib(z, source: "t"), Array("hello hello hello hello".utf8))
    }

    func testCorruptStreamsThrowInsteadOfTrapping() {
        XCTAssertThrowsError(try Inflate.raw([0x07][...], source: "t"))           // block type 3
        XCTAssertThrowsError(try Inflate.raw([0x01, 0x03, 0x00][...], source: "t")) // truncated
        XCTAssertThrowsError(try Inflate.gzip([0x1F, 0x8B, 0x08, 0, 0, 0, 0, 0, 0, 0, 0x03], source: "t"))
        XCTAssertEqual(CRC32.checksum(Array("123456789".utf8)), 0xCBF4_3926)
    }
}
