import Foundation
import XCTest
@testable import NTKEngine

final class NPZTests: XCTestCase {
    func testReadsStoredNPZ() throws {
        let z = try NPZ.read(path: Fixture.path("stored.npz"))
        XCTAssertEqual(Set(z.keys), ["a", "labels"])
        XCTAssertEqual(z["a"]?.shape, [3, 4])
        XCTAssertEqual(z["labels"]?.data, [8, 6, 5, 2, 3, 0, 0, 0, 1, 8])
    }

    func testReadsDeflateCompressedNPZ() throws {
        let z = try NPZ.read(path: Fixture.path("compressed.npz"))
        let labels = try XCTUnwrap(z["labels"])
        XCTAssertEqual(labels.shape, [5000])
        XCTAssertEqual(labels.dtype, .int64)
        XCTAssertEqual(Array(labels.data.prefix(10)), [8, 6, 5, 2, 3, 0, 0, 0, 1, 8])
        XCTAssertEqual(Array(labels.data.suffix(5)), [7, 8, 5, 2, 0])
        XCTAssertEqual(labels.data.reduce(0, +), 22559)
        XCTAssertEqual(z["zeros"]?.data, [Double](repeating: 0, count: 10000))
        XCTAssertEqual(z["a"]?.data, (0..<12).map { (Double($0) - 5) * 0.5 })
    }

    func testMissingKeyListsAvailableKeys() {
        XCTAssertThrowsError(try NPZ.read(path: Fixture.path("stored.npz"), key: "images")) { error in
            XCTAssertTrue(String(describing: error).contains("a, labels"), String(describing: error))
        }
    }

    func testCorruptedMemberIsDetected() throws {
        var bytes = try AtomicFile.read(Fixture.path("stored.npz"))
        // Flip a byte inside the first member's array data (after its 128-byte npy header).
        let magic = try XCTUnwrap((0..<(bytes.count - 6)).first { Array(bytes[$0..<($0 + 6)]) == NPY.magic })
        bytes[magic + 128 + 3] ^= 0xFF
        let dir = try Fixture.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let p = dir.appendingPathComponent("bad.npz").path
        try AtomicFile.write(bytes, to: p)
        XCTAssertThrowsError(try NPZ.read(path: p)) { error in
            XCTAssertTrue(String(describing: error).contains("CRC"), String(describing: error))
        }
    }

    func testWriteReadRoundTrip() throws {
        let dir = try Fixture.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let p = dir.appendingPathComponent("x.npz").path
        let images = try NPYArray(shape: [2, 2, 2, 1], data: [0, 0.5, 1, 0.25, 0.75, 1, 0, 0.125])
        let labels = try NPYArray(shape: [2], data: [1, 0])
        try NPZ.write(["images": images, "labels": labels], dtypes: ["labels": .int64], to: p)
        let z = try NPZ.read(path: p)
        XCTAssertEqual(z["images"], images)
        XCTAssertEqual(z["labels"]?.data, [1, 0])
        XCTAssertEqual(z["labels"]?.dtype, .int64)
    }
}
