import Foundation
import XCTest
@testable import FileIO

final class AtomicFileTests: XCTestCase {
    var dir: URL!

    override func setUpWithError() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("entk-fileio-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    }

    override func tearDown() { try? FileManager.default.removeItem(at: dir) }

    func entries(_ d: URL) throws -> [String] { try FileManager.default.contentsOfDirectory(atPath: d.path).sorted() }

    func testWriteReadOverwriteLeavesOnlyTheTarget() throws {
        let p = dir.appendingPathComponent("k.bin").path
        try AtomicFile.write([0, 1, 2, 255], to: p)
        XCTAssertEqual(try AtomicFile.read(p), [0, 1, 2, 255])
        try AtomicFile.write([7], to: p)
        XCTAssertEqual(try AtomicFile.read(p), [7])
        try AtomicFile.write([UInt8](), to: p)
        XCTAssertEqual(try AtomicFile.read(p), [])
        XCTAssertEqual(try entries(dir), ["k.bin"])
    }

    func testTextIsWrittenAsUTF8() throws {
        let p = dir.appendingPathComponent("t.csv").path
        try AtomicFile.write("Θ,é\n1,2\n", to: p)
        XCTAssertEqual(try AtomicFile.read(p), [0xCE, 0x98, 0x2C, 0xC3, 0xA9, 0x0A, 0x31, 0x2C, 0x32, 0x0A])
    }

    func testMissingParentFoldersAreCreated() throws {
        let p = dir.appendingPathComponent("a/b/c.txt").path
        try AtomicFile.write("x", to: p)
        XCTAssertEqual(try AtomicFile.read(p), [0x78])
    }

    /// A regular file where a folder should be fails even for root, with the path in the error.
    func testFailuresAreDataErrorsNamingThePath() throws {
        let blocker = dir.appendingPathComponent("file")
        try AtomicFile.write("x", to: blocker.path)
        let p = blocker.appendingPathComponent("k.bin").path
        XCTAssertThrowsError(try AtomicFile.write([1], to: p)) { e in
            guard let d = e as? DataError else { return XCTFail("not a DataError: \(e)") }
            XCTAssertTrue(d.path.hasPrefix(blocker.path), d.description)
        }
        XCTAssertThrowsError(try AtomicFile.read(dir.appendingPathComponent("missing").path)) { e in
            XCTAssertEqual((e as? DataError)?.problem, "no such file")
        }
        XCTAssertEqual(try entries(dir), ["file"])
    }

    /// A producer that throws leaves no temporary behind and the old file untouched.
    func testAFailingProducerLeavesTheOldFile() throws {
        let p = dir.appendingPathComponent("k.bin").path
        try AtomicFile.write([1, 2], to: p)
        struct Boom: Error {}
        XCTAssertThrowsError(try AtomicFile.write(to: p) { tmp in
            try Data([9, 9, 9]).write(to: URL(fileURLWithPath: tmp))
            throw Boom()
        })
        XCTAssertEqual(try AtomicFile.read(p), [1, 2])
        XCTAssertEqual(try entries(dir), ["k.bin"])
    }

    /// Temporaries of a finished process are removed on the next write; a live process's stay.
    func testStaleTemporariesOfDeadProcessesAreRemoved() throws {
        let done = Process()
        done.executableURL = URL(fileURLWithPath: "/bin/true")
        try done.run()
        done.waitUntilExit()
        let dead = ".k.bin.tmp-\(done.processIdentifier)-\(UUID().uuidString)"
        let live = ".k.bin.tmp-\(getppid())-\(UUID().uuidString)"
        for name in [dead, live] { try AtomicFile.write([0], to: dir.appendingPathComponent(name).path) }
        try AtomicFile.write([1], to: dir.appendingPathComponent("k.bin").path)
        XCTAssertEqual(try entries(dir), [live, "k.bin"].sorted())
    }
}
