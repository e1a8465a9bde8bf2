import Foundation
import NTKEngine
import XCTest
@testable import Workbench

/// Replays run once per test process and shared by the replay tests (each session takes
/// seconds; several tests read the same outputs).
enum ReplayRuns {
    nonisolated(unsafe) private static var runs: [String: (HeadlessReplay.Report, String)] = [:]
    private static let lock = NSLock()

    static var sessions: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("sessions").path
    }

    /// The report and output folder of `sessions/<name>` replayed headless with 2 threads.
    static func replay(_ name: String) throws -> (HeadlessReplay.Report, String) {
        lock.lock(); defer { lock.unlock() }
        if let r = runs[name] { return r }
        let out = Fixtures.tempDir("replay-\(name)")
        let r = try HeadlessReplay.run(path: sessions + "/" + name, out: out, threads: 2)
        runs[name] = (r, out)
        return (r, out)
    }
}

/// Session files written before issue 12 (typed commands, one replay loop) still replay to
/// the same bytes. This is a regression fixture, deliberately taken from the program before
/// the change: `Fixtures/replay/<session>.sha256` (SHA-256 of every file the headless replay
/// wrote) and `<session>.summary.json` (summary.json without timings and paths) were written
/// by `scripts/replay-fixtures.sh` from the entk of main at fbc1cef, plus the one-line fix
/// that draws heatmap separators in a fixed order (before it, SVG/PDF exports varied from
/// process to process). Timings in .txt files (and the .txt hashes in manifests) are masked
/// on both sides. Each session is replayed by the built `entk` binary in its own process,
/// as the fixture was (Cairo numbers SVG ids per process). Hashes here come from
/// `ContentHash` (swift-crypto), the fixture's from Python's hashlib.
///
/// `real-textures-learning-curve` has no fixture: its four 320×320 Grams do not finish within
/// headless replay's 10-minute job limit in a debug build on a loaded machine.
final class SessionReplayFixtureTests: XCTestCase {
    private var fixtures: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/replay").path
    }

    private var entk: String {
        URL(fileURLWithPath: ReplayRuns.sessions).deletingLastPathComponent().appendingPathComponent(".build/debug/entk").path
    }

    func testEverySyntheticDataSessionHasAFixture() throws {
        let sessions = try FileManager.default.contentsOfDirectory(atPath: ReplayRuns.sessions).filter { $0.hasSuffix(".jsonl") }
        XCTAssertGreaterThanOrEqual(sessions.count, 9)
        for s in sessions where !s.hasPrefix("real-") {
            XCTAssertTrue(FileManager.default.fileExists(atPath: "\(fixtures)/\(s.dropLast(6)).sha256"), "no fixture for \(s)")
        }
    }

    func testDemoSessionsReplayByteForByte() throws {
        for s in ["demo-accuracy", "demo-so3", "demo-spectra", "demo-symmetry"] { try check(s) }
    }

    func testExperimentSessionsReplayByteForByte() throws {
        for s in ["experiment-augmentation", "experiment-convergence", "experiment-learning-curve", "experiment-qm9"] { try check(s) }
    }

    /// The masking itself: timings go, everything else stays.
    func testNormalizationMasksOnlyTimings() {
        let txt = normalized(Data("Gram SO(3) 12.4 s, MLP 0.14 s, 250 atoms; 3 stacks".utf8), name: "a.txt")
        XCTAssertEqual(String(decoding: txt, as: UTF8.self), "Gram SO(3) # s, MLP # s, 250 atoms; 3 stacks")
        let sum = String(repeating: "ab", count: 32)
        let manifest = "{\n  \"name\" : \"01-qm9.txt\",\n  \"sha256\" : \"\(sum)\"\n},{\"name\" : \"01-qm9.csv\",\n  \"sha256\" : \"\(sum)\""
        let m = String(decoding: normalized(Data(manifest.utf8), name: "x.manifest.json"), as: UTF8.self)
        XCTAssertEqual(m.components(separatedBy: sum).count, 2, "only the .txt checksum is masked: \(m)")
        XCTAssertEqual(normalized(Data("12.4 s".utf8), name: "a.csv"), Data("12.4 s".utf8))
    }

    private func check(_ name: String) throws {
        let out = Fixtures.tempDir("fixture-\(name)")
        let p = Process()
        p.executableURL = URL(fileURLWithPath: entk)
        p.arguments = ["replay", ReplayRuns.sessions + "/\(name).jsonl", "--headless", "--out", out, "--threads", "2", "--quiet"]
        p.standardOutput = FileHandle.nullDevice
        try p.run()
        p.waitUntilExit()
        XCTAssertEqual(p.terminationStatus, 0, "\(name): entk replay failed")
        let expected = try String(contentsOfFile: "\(fixtures)/\(name).sha256", encoding: .utf8)
            .split(separator: "\n").map { line -> (String, String) in
                let parts = line.split(separator: " ", maxSplits: 1).map(String.init)
                return (parts[1].trimmingCharacters(in: .whitespaces), parts[0])
            }
        let written = try FileManager.default.contentsOfDirectory(atPath: out).filter { name in
            var dir: ObjCBool = false
            return name != "summary.json" && FileManager.default.fileExists(atPath: out + "/" + name, isDirectory: &dir) && !dir.boolValue
        }
        XCTAssertEqual(Set(written), Set(expected.map(\.0)), "\(name): the set of files written changed")
        for (file, sum) in expected where written.contains(file) {
            let data = normalized(try Data(contentsOf: URL(fileURLWithPath: out + "/" + file)), name: file)
            XCTAssertEqual(ContentHash.hex(bytes: Array(data)), sum, "\(name): \(file) differs from the pre-change replay")
        }
        let summary = try normalizedSummary(out + "/summary.json")
        let want = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: "\(fixtures)/\(name).summary.json")))
        XCTAssertEqual(summary as? NSDictionary, want as? NSDictionary, "\(name): summary.json differs from the pre-change replay")
    }

    /// The masking of scripts/replay-fixtures.sh: "<number> s" in .txt, .txt checksums in manifests.
    private func normalized(_ data: Data, name: String) -> Data {
        let (pattern, template): (String, String)
        if name.hasSuffix(".txt") { (pattern, template) = (#"[0-9]+(?:\.[0-9]+)? s\b"#, "# s") }
        else if name.hasSuffix(".manifest.json") { (pattern, template) = (#"("name" : "[^"]*\.txt",\s*"sha256" : ")[0-9a-f]{64}"#, "$1masked") }
        else { return data }
        let text = String(decoding: data, as: UTF8.self)
        guard let re = try? NSRegularExpression(pattern: pattern) else { return data }
        let masked = re.stringByReplacingMatches(in: text, range: NSRange(text.startIndex..., in: text), withTemplate: template)
        return Data(masked.utf8)
    }

    /// summary.json without what differs between runs: timings, the session path, the version.
    private func normalizedSummary(_ path: String) throws -> Any {
        guard var d = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as? [String: Any] else {
            throw CommandError("summary.json is not an object")
        }
        for k in ["seconds", "session", "entk"] { d[k] = nil }
        d["steps"] = (d["steps"] as? [[String: Any]] ?? []).map { step -> [String: Any] in
            var s = step
            s["seconds"] = nil
            if let e = s["error"] as? String, let colon = e.firstIndex(of: ":") { s["error"] = String(e[colon...]) }
            return s
        }
        return d
    }
}
