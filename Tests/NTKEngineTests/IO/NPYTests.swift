import Foundation
import XCTest
@testable import NTKEngine

final class NPYTests: XCTestCase {
    let expected: [Double] = (0..<12).map { (Double($0) - 5) * 0.5 }

    func testReadsNumPyFloatFixturesOfAllVersions() throws {
        for name in ["f8.npy", "f8_v2.npy", "f8_v3.npy", "f8_big.npy"] {
            let a = try NPY.read(path: Fixture.path(name))
            XCTAssertEqual(a.shape, [3, 4], name)
            XCTAssertEqual(a.data, expected, name)
            XCTAssertEqual(a.dtype, .float64, name)
        }
        let f4 = try NPY.read(path: Fixture.path("f4.npy"))
        XCTAssertEqual(f4.dtype, .float32)
        XCTAssertEqual(f4.data, expected)
    }

    func testReadsIntegerAndBoolFixtures() throws {
        XCTAssertEqual(try NPY.read(path: Fixture.path("i8.npy")).data, [-3, -2, -1, 0, 1, 2])
        XCTAssertEqual(try NPY.read(path: Fixture.path("i8.npy")).shape, [2, 3])
        XCTAssertEqual(try NPY.read(path: Fixture.path("i4.npy")).data, [-3, -2, -1, 0, 1, 2])
        XCTAssertEqual(try NPY.read(path: Fixture.path("u1.npy")).data, [0, 1, 127, 128, 255])
        XCTAssertEqual(try NPY.read(path: Fixture.path("i1.npy")).data, [-128, -1, 0, 1, 127])
        let b = try NPY.read(path: Fixture.path("bool.npy"))
        XCTAssertEqual(b.dtype, .bool)
        XCTAssertEqual(b.data, [1, 0, 1])
    }

    func testScalarAndEmptyShapes() throws {
        let s = try NPY.read(path: Fixture.path("scalar.npy"))
        XCTAssertEqual(s.shape, [])
        XCTAssertEqual(s.data, [3.5])
        let e = try NPY.read(path: Fixture.path("empty.npy"))
        XCTAssertEqual(e.shape, [0, 3])
        XCTAssertEqual(e.data, [])
    }

    func testRejectsFortranOrderWithClearMessage() {
        XCTAssertThrowsError(try NPY.read(path: Fixture.path("fortran.npy"))) { error in
            let text = String(describing: error)
            XCTAssertTrue(text.contains("fortran.npy"), text)
            XCTAssertTrue(text.contains("fortran_order"), text)
        }
    }

    func testRejectsTruncatedAndForeignFiles() throws {
        let bytes = try AtomicFile.read(Fixture.path("f8.npy"))
        XCTAssertThrowsError(try NPY.decode(Array(bytes.dropLast(8)), path: "cut.npy")) { error in
            XCTAssertTrue(String(describing: error).contains("truncated"))
        }
        XCTAssertThrowsError(try NPY.decode(Array("hello world, not numpy".utf8), path: "x.npy"))
        XCTAssertThrowsError(try NPY.read(path: "/nonexistent/entk.npy")) { error in
            XCTAssertTrue(String(describing: error).contains("no such file"))
        }
    }

    func testRoundTripsAndHeaderIsPaddedTo64Bytes() throws {
        let dir = try Fixture.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let a = try NPYArray(shape: [2, 3, 1], data: [0.1, -2, 3.25, 1e300, -0.0, 7])
        let p = dir.appendingPathComponent("a.npy").path
        try NPY.write(a, to: p)
        XCTAssertEqual(try NPY.read(path: p), a)
        let bytes = try AtomicFile.read(p)
        let headerLength = Int(bytes[8]) | Int(bytes[9]) << 8
        XCTAssertEqual((10 + headerLength) % 64, 0)
        XCTAssertEqual(bytes[10 + headerLength - 1], UInt8(ascii: "\n"))

        try NPY.write(a, to: p, as: .float32)
        let f = try NPY.read(path: p)
        XCTAssertEqual(f.dtype, .float32)
        XCTAssertEqual(f.data[0], Double(Float(0.1)))

        let labels = try NPYArray(shape: [4], data: [0, 3, 9, -1])
        try NPY.write(labels, to: p, as: .int64)
        XCTAssertEqual(try NPY.read(path: p).data, labels.data)
        XCTAssertThrowsError(try NPY.write(labels, to: p, as: .uint8)) // -1 does not fit
        XCTAssertThrowsError(try NPY.write(a, to: p, as: .int32))      // 0.1 is not integral
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: dir.path)
        XCTAssertEqual(leftovers, ["a.npy"], "atomic writes leave no temporary files")
    }

    func testNPYArrayChecksShape() {
        XCTAssertThrowsError(try NPYArray(shape: [2, 2], data: [1, 2, 3]))
    }
}
