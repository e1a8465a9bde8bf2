// Snapshot testing shared by the Plotting, TUI and Workbench test targets.
import Foundation
import XCTest
import CellSurface

/// Compares `text` with `__Snapshots__/<name>.txt` next to the calling test file.
/// `ENTK_RECORD_SNAPSHOTS=1` (re)writes the snapshot instead; a missing snapshot is recorded
/// and reported as a failure so it cannot pass silently in CI.
public func assertSnapshot(_ text: String, named name: String, file: StaticString = #filePath, line: UInt = #line) {
    let dir = URL(fileURLWithPath: "\(file)").deletingLastPathComponent().appendingPathComponent("__Snapshots__")
    let url = dir.appendingPathComponent(name + ".txt")
    let record = ProcessInfo.processInfo.environment["ENTK_RECORD_SNAPSHOTS"] == "1"
    let existing = try? String(contentsOf: url, encoding: .utf8)
    if record || existing == nil {
        try? FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        do { try text.write(to: url, atomically: true, encoding: .utf8) } catch {
            XCTFail("cannot write snapshot \(url.path): \(error)", file: file, line: line); return
        }
        if existing == nil && !record {
            XCTFail("snapshot \(name) did not exist; recorded it — re-run the tests", file: file, line: line)
        }
        return
    }
    if existing != text {
        let a = (existing ?? "").components(separatedBy: "\n"), b = text.components(separatedBy: "\n")
        var diff = ""
        for i in 0..<max(a.count, b.count) where (i < a.count ? a[i] : nil) != (i < b.count ? b[i] : nil) {
            diff += "line \(i + 1):\n  expected: \(i < a.count ? a[i] : "<none>")\n  actual:   \(i < b.count ? b[i] : "<none>")\n"
            if diff.count > 2000 { break }
        }
        XCTFail("snapshot \(name) differs (ENTK_RECORD_SNAPSHOTS=1 to re-record):\n\(diff)", file: file, line: line)
    }
}

/// Snapshot text of a buffer: the plain glyph rows framed so trailing spaces are visible.
public func snapshotText(_ buf: CellBuffer) -> String {
    buf.lines.map { "|" + $0 + "|" }.joined(separator: "\n") + "\n"
}
