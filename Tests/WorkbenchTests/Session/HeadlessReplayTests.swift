import XCTest
@testable import Workbench

/// The shipped demo sessions replay headless and produce every view's files.
final class HeadlessReplayTests: XCTestCase {
    private var sessions: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("sessions").path
    }

    private func replay(_ name: String) throws -> (HeadlessReplay.Report, String) {
        let out = Fixtures.tempDir("replay-\(name)")
        let r = try HeadlessReplay.run(path: sessions + "/" + name, out: out, threads: 2)
        XCTAssertEqual(r.failed, 0, "\(r.steps.compactMap(\.error)) \(r.loadErrors)")
        XCTAssertTrue(FileManager.default.fileExists(atPath: out + "/summary.json"))
        for f in r.files { XCTAssertTrue(FileManager.default.fileExists(atPath: f), f) }
        return (r, out)
    }

    private func files(_ out: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: out)) ?? []).sorted()
    }

    func testDemoSymmetry() throws {
        let (r, out) = try replay("demo-symmetry.jsonl")
        let names = files(out)
        for ext in ["png", "svg", "csv", "npy"] {
            XCTAssertTrue(names.contains("01-symmetry-blocks-ntk-gcnn-c4-L3.\(ext)"), "\(names)")
            XCTAssertTrue(names.contains("02-invariance-ntk-cnn.\(ext)"), "\(names)")
            XCTAssertTrue(names.contains("02-invariance-ntk-gcnn-c4.\(ext)"), "\(names)")
        }
        let txt = try String(contentsOfFile: out + "/02-invariance.txt", encoding: .utf8)
        XCTAssertTrue(txt.contains("gcnn-c4: (max−min)/mean") && txt.contains("— invariant"), txt)
        XCTAssertTrue(txt.contains("cnn: (max−min)/mean") && txt.contains("not invariant"), txt)
        XCTAssertLessThan(r.seconds, 60)
    }

    func testDemoSpectra() throws {
        let (r, out) = try replay("demo-spectra.jsonl")
        XCTAssertTrue(files(out).contains("01-spectrum-ntk.png"))
        XCTAssertTrue(files(out).contains("02-spectrum-nngp.svg"))
        let csv = try String(contentsOfFile: out + "/01-spectrum-ntk.csv", encoding: .utf8)
        for name in ["mlp", "cnn", "gcnn-c4"] { XCTAssertTrue(csv.contains("\n\(name),"), "series \(name) missing") }
        XCTAssertLessThan(r.seconds, 60)
    }

    func testDemoAccuracy() throws {
        let (r, out) = try replay("demo-accuracy.jsonl")
        XCTAssertTrue(files(out).contains("01-learning-curve.csv"))
        let summary = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: out + "/summary.json"))) as? [String: Any]
        XCTAssertEqual(summary?["failed"] as? Int, 0)
        XCTAssertEqual(summary?["commands"] as? Int, r.steps.count)
    }

    func testFailingSessionReportsLocatedErrors() throws {
        let dir = Fixtures.tempDir("failing")
        let path = dir + "/bad.jsonl"
        try """
        {"entk_session":1}
        {"cmd":"stack.new","args":{"name":"a","preset":"cnn"}}
        {"cmd":"stack.set-param","args":{"layer":"9","param":"W_std","value":"1"}}
        not json
        {"cmd":"data.choose","args":{"train":"4","size":"6"}}
        {"cmd":"view.gram"}

        """.write(toFile: path, atomically: true, encoding: .utf8)
        let r = try HeadlessReplay.run(path: path, out: dir + "/out", threads: 1)
        XCTAssertEqual(r.failed, 2)
        XCTAssertEqual(r.loadErrors.first?.description, "\(path):4: not valid JSON; skipped")
        XCTAssertTrue(r.steps[1].error?.hasPrefix("\(path):3: stack.set-param:") ?? false)
        XCTAssertTrue(r.steps.last?.ok ?? false, "the rest still runs")
        XCTAssertTrue(FileManager.default.fileExists(atPath: dir + "/out/01-gram-ntk-a.png"))
    }
}
