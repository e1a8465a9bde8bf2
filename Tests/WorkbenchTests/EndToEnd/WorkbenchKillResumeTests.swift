import Foundation
import NTKEngine
import XCTest
@testable import Workbench

/// A real `kill -9` of a workbench process (headless replay of a session) in the middle of a
/// Gram job, then a new process that resumes from the tiles in the store: the Gram it exports
/// equals, byte for byte, the one of an uninterrupted run, and the tiles finished before the
/// kill are not computed again (same files, same inodes).
final class WorkbenchKillResumeTests: XCTestCase {
    var dir = ""
    override func setUp() { dir = Fixtures.tempDir("killresume") }
    override func tearDown() { try? FileManager.default.removeItem(atPath: dir) }

    var entk: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent(".build/debug/entk").path
    }

    static let session = """
    {"created":"2026-12-04T00:00:00Z","entk":"0.1.0","entk_session":1,"machine":"test","seed":0,"terminal":[120,40]}
    {"cmd":"data.choose","args":{"dataset":"synthetic","train":"36","test":"4","size":"8","classes":"4","seed":"3","augment":"none"}}
    {"cmd":"stack.new","args":{"name":"cnn","preset":"cnn"}}
    {"cmd":"view.gram","args":{"kernel":"ntk"}}

    """

    /// `entk replay … --headless` with its own data/cache and config folders (2-row tiles, 1 thread).
    func replay(data: String, out: String) throws -> Process {
        let config = dir + "/config/entk"
        try FileManager.default.createDirectory(atPath: config, withIntermediateDirectories: true)
        try Data(#"{"tile_rows": 2, "threads": 1}"#.utf8).write(to: URL(fileURLWithPath: config + "/config.json"))
        let p = Process()
        p.executableURL = URL(fileURLWithPath: entk)
        p.arguments = ["replay", dir + "/s.jsonl", "--headless", "--out", out, "--quiet"]
        var env = ProcessInfo.processInfo.environment
        env["ENTK_DATA_DIR"] = data
        env["XDG_CONFIG_HOME"] = dir + "/config"
        env["XDG_STATE_HOME"] = dir + "/state"
        p.environment = env
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        return p
    }

    /// Finished tile files of the one store under `data` (name → inode).
    func tiles(_ data: String) -> [String: UInt64] {
        let root = data + "/gram-store"
        var out: [String: UInt64] = [:]
        for key in (try? FileManager.default.contentsOfDirectory(atPath: root)) ?? [] {
            let t = root + "/" + key + "/tiles"
            for n in (try? FileManager.default.contentsOfDirectory(atPath: t)) ?? [] where n.hasSuffix(".npz") && !n.hasPrefix(".") {
                var st = stat()
                if stat(t + "/" + n, &st) == 0 { out[n] = UInt64(st.st_ino) }
            }
        }
        return out
    }

    /// Tiles recorded (with a checksum) in the manifest: the finished ones. A tile file written
    /// just before the kill but not yet recorded is rightly recomputed.
    func recorded(_ data: String) -> Set<String> {
        let root = data + "/gram-store"
        var out = Set<String>()
        for key in (try? FileManager.default.contentsOfDirectory(atPath: root)) ?? [] {
            guard let d = FileManager.default.contents(atPath: root + "/" + key + "/manifest.json"),
                  let o = try? JSONSerialization.jsonObject(with: d) as? [String: Any], let t = o["tiles"] as? [String: String] else { continue }
            out.formUnion(t.keys.map { $0 + ".npz" })
        }
        return out
    }

    func gramExport(_ out: String) throws -> [UInt8] {
        let name = try XCTUnwrap(FileManager.default.contentsOfDirectory(atPath: out).first { $0.hasPrefix("01-gram-ntk-cnn") && $0.hasSuffix(".npy") },
                                 "no Gram export in \(out)")
        return try AtomicFile.read(out + "/" + name)
    }

    func testKillNineMidGramThenResumeGivesTheSameGram() throws {
        guard FileManager.default.isExecutableFile(atPath: entk) else { throw XCTSkip("build entk first (swift build)") }
        try Data(Self.session.utf8).write(to: URL(fileURLWithPath: dir + "/s.jsonl"))
        let total = try GramTiling(n1: 36, n2: 36, symmetric: true, tileRows: 2).tiles.count  // 171

        // Uninterrupted reference run, in its own data folder.
        let ref = try replay(data: dir + "/data-ref", out: dir + "/out-ref")
        ref.waitUntilExit()
        XCTAssertEqual(ref.terminationStatus, 0)
        XCTAssertEqual(tiles(dir + "/data-ref").count, total)

        // Killed run: kill -9 once a few tiles are in the store, well before the end.
        let data = dir + "/data"
        let p = try replay(data: data, out: dir + "/out-killed")
        let deadline = Date().addingTimeInterval(120)
        while recorded(data).count < 5 && p.isRunning && Date() < deadline { usleep(2_000) }
        XCTAssertTrue(p.isRunning, "the job finished before it could be killed; make the Gram bigger")
        kill(p.processIdentifier, SIGKILL)
        p.waitUntilExit()
        XCTAssertEqual(p.terminationReason, .uncaughtSignal)
        let finished = recorded(data)
        let before = tiles(data).filter { finished.contains($0.key) }
        XCTAssertGreaterThanOrEqual(before.count, 4)
        XCTAssertLessThan(before.count, total, "killed mid-job")

        // A new workbench process resumes: the finished tiles stay as they are (not recomputed).
        let again = try replay(data: data, out: dir + "/out-resumed")
        again.waitUntilExit()
        XCTAssertEqual(again.terminationStatus, 0)
        let after = tiles(data)
        XCTAssertEqual(after.count, total)
        for (name, inode) in before { XCTAssertEqual(after[name], inode, "\(name) was rewritten") }
        XCTAssertEqual(try gramExport(dir + "/out-resumed"), try gramExport(dir + "/out-ref"), "byte-identical Gram")
    }
}
