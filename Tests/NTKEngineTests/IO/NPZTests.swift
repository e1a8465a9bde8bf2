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

    /// A real `numpy.savez_compressed` file (float32 images, int32 labels) and the same arrays
    /// in an archive whose members carry zip64 extra fields; values from the closed form the
    /// generator used (make_fixtures.py), computed here independently.
    func testReadsNumpySavezCompressedAndZip64Members() throws {
        var expected: [Double] = []
        for i in 0..<3 { for j in 0..<5 { for k in 0..<4 {
            expected.append(Double(Float(sin(0.5 * Double(i) + 0.25 * Double(j) - 0.125 * Double(k)))))
        } } }
        for file in ["savez_compressed_f4.npz", "zip64_members.npz"] {
            let z = try NPZ.read(path: Fixture.path(file))
            XCTAssertEqual(Set(z.keys), ["images", "labels"], file)
            let images = try XCTUnwrap(z["images"], file)
            XCTAssertEqual(images.shape, [3, 5, 4], file)
            XCTAssertEqual(images.dtype, .float32, file)
            for (a, b) in zip(images.data, expected) { XCTAssertEqual(a, b, accuracy: 1e-7, file) }
            XCTAssertEqual(z["labels"]?.data, [2, 0, 1], file)
        }
    }

    func testNotAZipIsALocatedError() throws {
        let dir = try Fixture.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let p = dir.appendingPathComponent("junk.npz").path
        try AtomicFile.write(Array("definitely not a zip archive".utf8), to: p)
        XCTAssertThrowsError(try NPZ.read(path: p)) { error in
            XCTAssertTrue(String(describing: error).hasPrefix(p), String(describing: error))
        }
        XCTAssertThrowsError(try NPZ.read(path: dir.appendingPathComponent("missing.npz").path))
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

    func testLargeMembersRoundTripAcrossReadChunks() throws {
        let dir = try Fixture.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let p = dir.appendingPathComponent("big.npz").path
        let a = try NPYArray(shape: [300, 347], data: (0..<(300 * 347)).map { Double($0) * 0.25 - 7 })
        let b = try NPYArray(shape: [1], data: [42])
        try NPZ.write(["a": a, "b": b], to: p)
        let z = try NPZ.read(path: p)
        XCTAssertEqual(z["a"], a)
        XCTAssertEqual(z["b"], b)
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
