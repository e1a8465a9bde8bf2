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

/// Session files written before issue 12 (typed commands, one replay loop) still replay, to
/// the same outputs. This is a regression fixture of the program as it was: for each session,
/// `Fixtures/replay/<session>.sha256` (SHA-256 of every file the headless replay wrote),
/// `<session>.summary.json` (summary.json without timings and paths) and
/// `values/<session>/<file>.gz` (gzip copies of the .npy/.csv outputs) were written by
/// `scripts/replay-fixtures.sh` from the entk of main at a1fa521, whose replays hashed exactly
/// like the byte-for-byte fixture taken at fbc1cef (before issue 12, plus the one-line fix
/// that draws heatmap separators in a fixed order). The .jsonl inputs are replayed as stored.
///
/// Numbers are compared by value (`ReplayComparison`: 1e-12 of each array's or column's
/// largest |value|, at least 1e-12 absolute), so an exact recomputation that only reassociates
/// sums passes; text by hash (timings and rounding-error numbers masked); figures by hash, a
/// changed figure accepted (and named in the log) only when its numeric source changed
/// within the tolerance. Each session is replayed by the built `entk` binary in its own
/// process, as the fixture was (Cairo numbers SVG ids per process). Hashes here come from
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

    /// The stored reference values are the bytes the fixture's hashes were taken of.
    func testStoredValuesAreTheHashedOutputs() throws {
        for (session, expected) in try allExpected() {
            let numeric = expected.filter { ReplayComparison.kind($0.0) == .numeric }
            XCTAssertFalse(numeric.isEmpty, "\(session): no numeric outputs")
            for (file, sum) in numeric {
                XCTAssertEqual(ContentHash.hex(bytes: try reference(session, file)), sum, "\(session)/\(file)")
            }
        }
    }

    func testDemoSessionsReplay() throws {
        for s in ["demo-accuracy", "demo-so3", "demo-spectra", "demo-symmetry"] { try check(s) }
    }

    func testExperimentSessionsReplay() throws {
        for s in ["experiment-augmentation", "experiment-convergence", "experiment-learning-curve", "experiment-qm9"] { try check(s) }
    }

    private func allExpected() throws -> [(String, [(String, String)])] {
        try FileManager.default.contentsOfDirectory(atPath: fixtures).filter { $0.hasSuffix(".sha256") }.sorted()
            .map { (String($0.dropLast(7)), try expected(String($0.dropLast(7)))) }
    }

    /// (file, SHA-256) lines of `<session>.sha256`.
    private func expected(_ session: String) throws -> [(String, String)] {
        try String(contentsOfFile: "\(fixtures)/\(session).sha256", encoding: .utf8)
            .split(separator: "\n").map { line -> (String, String) in
                let parts = line.split(separator: " ", maxSplits: 1).map(String.init)
                return (parts[1].trimmingCharacters(in: .whitespaces), parts[0])
            }
    }

    /// The fixture's bytes of a numeric output.
    private func reference(_ session: String, _ file: String) throws -> [UInt8] {
        let gz = "\(fixtures)/values/\(session)/\(file).gz"
        return try Zlib.inflate(Array(try Data(contentsOf: URL(fileURLWithPath: gz))), source: gz)
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
        let expected = try expected(name)
        let written = try FileManager.default.contentsOfDirectory(atPath: out).filter { name in
            var dir: ObjCBool = false
            return name != "summary.json" && FileManager.default.fileExists(atPath: out + "/" + name, isDirectory: &dir) && !dir.boolValue
        }
        XCTAssertEqual(Set(written), Set(expected.map(\.0)), "\(name): the set of files written changed")
        var sources: [String: (file: String, changed: Bool, agrees: Bool)] = [:]
        var figures: [String] = []
        for (file, sum) in expected where written.contains(file) {
            let raw = try Data(contentsOf: URL(fileURLWithPath: out + "/" + file))
            switch ReplayComparison.kind(file) {
            case .figure:
                if ContentHash.hex(bytes: Array(raw)) != sum { figures.append(file) }
            case .text:
                if file.hasSuffix(".manifest.json") { try checkManifest(raw, in: out, what: "\(name)/\(file)") }
                let data = ReplayComparison.normalized(raw, name: file)
                XCTAssertEqual(ContentHash.hex(bytes: Array(data)), sum, "\(name): \(file) differs from the fixture")
            case .numeric:
                let changed = ContentHash.hex(bytes: Array(raw)) != sum
                var problems: [String] = []
                if changed {
                    let want = try reference(name, file)
                    problems = file.hasSuffix(".npy")
                        ? ReplayComparison.compareNPY(Array(raw), want, what: "\(name)/\(file)")
                        : ReplayComparison.compareCSV(String(decoding: raw, as: UTF8.self), String(decoding: want, as: UTF8.self), what: "\(name)/\(file)")
                    XCTAssertTrue(problems.isEmpty, problems.joined(separator: "\n"))
                    if problems.isEmpty { print("note: \(name)/\(file): bytes differ from the fixture, values agree within \(ReplayComparison.tolerance)") }
                }
                sources[ReplayComparison.stem(file)] = (file, changed, problems.isEmpty)
            }
        }
        for f in figures {
            let src = sources[ReplayComparison.stem(f)]
            if let problem = ReplayComparison.figureProblem(f, source: src?.file, sourceChangedBytes: src?.changed ?? false, sourceAgrees: src?.agrees ?? false) {
                XCTFail("\(name): \(problem)")
            } else {
                print("note: \(name)/\(f) changed bytes; its numbers (\(src?.file ?? "?")) agree within \(ReplayComparison.tolerance) — accepted")
            }
        }
        let summary = try normalizedSummary(out + "/summary.json")
        let want = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: "\(fixtures)/\(name).summary.json")))
        XCTAssertEqual(summary as? NSDictionary, want as? NSDictionary, "\(name): summary.json differs from the fixture")
    }

    /// The manifest's checksums are those of the files written next to it (they are masked
    /// in the hash comparison, each file being compared on its own).
    private func checkManifest(_ data: Data, in out: String, what: String) throws {
        let json = try JSONSerialization.jsonObject(with: data) as? [String: Any]
        let files = json?["files"] as? [[String: Any]] ?? []
        XCTAssertFalse(files.isEmpty, "\(what): no files listed")
        for f in files {
            guard let n = f["name"] as? String, let sum = f["sha256"] as? String else { XCTFail("\(what): entry \(f)"); continue }
            let bytes = try Data(contentsOf: URL(fileURLWithPath: out + "/" + n))
            XCTAssertEqual(ContentHash.hex(bytes: Array(bytes)), sum, "\(what): checksum of \(n)")
        }
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
