import Foundation
import XCTest
@testable import NTKEngine

/// Issue 14: .npy headers numpy rejects, and sizes that overflow, are errors — never traps.
final class NPYHardeningTests: XCTestCase {
    /// A version-1.0 file with `header` (padded) and `data` bytes.
    func file(_ header: String, data: [UInt8] = []) -> [UInt8] {
        var h = header
        let total = (10 + h.utf8.count + 1 + 63) / 64 * 64
        h += String(repeating: " ", count: total - 10 - h.utf8.count - 1) + "\n"
        let n = h.utf8.count
        return NPY.magic + [1, 0, UInt8(n & 0xFF), UInt8(n >> 8)] + Array(h.utf8) + data
    }

    func rejects(_ header: String, data: [UInt8] = [], _ words: String, file f: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try NPY.decode(file(header, data: data), path: "x.npy"), file: f, line: line) { e in
            guard let d = e as? DataError else { return XCTFail("not a DataError: \(e)", file: f, line: line) }
            XCTAssertEqual(d.path, "x.npy", file: f, line: line)
            XCTAssertTrue(d.problem.contains(words), "\(d)", file: f, line: line)
        }
    }

    func testOverflowingShapeIsAnErrorNotATrap() {
        rejects("{'descr': '<f8', 'fortran_order': False, 'shape': (4294967297, 4294967297), }", "too large")
        rejects("{'descr': '<f8', 'fortran_order': False, 'shape': (99999999999999999999999,), }", "too large")
    }

    func testHeadersNumpyRejects() {
        rejects("{'descr': '<f8', 'fortran_order': False, 'shape': (5,,4), }", "empty dimension")
        rejects("{'descr': '<f8', 'fortran_order': False, 'shape': (5 4), }", "bad dimension")
        rejects("{'descr': '<f8' 'fortran_order': False, 'shape': (2,), }", "expected ','")
        rejects("{'descr': '<f8', 'fortran_order': False 'shape': (2,), }", "expected ','")
        rejects("{'descr': '<f8', 'fortran_order': False, 'shape': (2), }", "trailing comma")
        rejects("{'descr': '<f8', 'fortran_order': False, 'shape': (-2,), }", "bad dimension")
    }

    func testDtypeThatDoesNotMatchTheDataLength() {
        // Two float64 values under a '<f4' header: 16 bytes where 8 are expected.
        let f8 = [1.0, 2.0].flatMap { v in withUnsafeBytes(of: v.bitPattern.littleEndian) { Array($0) } }
        rejects("{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }", data: f8, "does not match the data")
        rejects("{'descr': '<f8', 'fortran_order': False, 'shape': (3,), }", data: f8, "truncated")
        // The matching header reads back.
        XCTAssertEqual(try NPY.decode(file("{'descr': '<f8', 'fortran_order': False, 'shape': (2,), }", data: f8), path: "x").data, [1, 2])
        // Legacy spellings numpy still writes or reads stay accepted.
        XCTAssertEqual(try NPY.decode(file("{'descr': '<f8', 'fortran_order': False, 'shape': (1, 2)}", data: f8), path: "x").shape, [1, 2])
        XCTAssertEqual(try NPY.decode(file("{'descr': '<f8', 'fortran_order': False, 'shape': (2L,), }", data: f8), path: "x").shape, [2])
    }

    func testAtomicWriteRemovesTemporariesOfKilledRuns() throws {
        let dir = NSTemporaryDirectory() + "entk-atomic-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let dead = dir + "/.x.npy.tmp-2147483646-0F0F", legacy = dir + "/.x.npy.tmp-3F2504E0-4F89-11D3", live = dir + "/.x.npy.tmp-1-ABCD"
        for p in [dead, legacy, live] { try Data([1]).write(to: URL(fileURLWithPath: p)) }
        try NPY.write(try NPYArray(shape: [1], data: [2]), to: dir + "/x.npy")
        XCTAssertFalse(FileManager.default.fileExists(atPath: dead))
        XCTAssertFalse(FileManager.default.fileExists(atPath: legacy))
        XCTAssertTrue(FileManager.default.fileExists(atPath: live), "PID 1 is alive: its temp file is kept")
        XCTAssertEqual(try NPY.read(path: dir + "/x.npy").data, [2])
    }
}
