import Foundation
@_exported import SnapshotSupport
import XCTest
import Plotting
@testable import Workbench

/// Shared fixtures: a small, fast state (6×6 synthetic patterns, 6 training examples).
enum Fixtures {
    static func smallState() -> AppState {
        var s = AppState.initial()
        s.data = (try? s.data.applying(["train": "6", "test": "6", "size": "6", "classes": "3"])) ?? s.data
        for i in s.stacks.indices { s.stacks[i].spec.inputShape = s.data.inputShape }
        s.sessionName = "test.jsonl"
        s.status = "ready"
        return s
    }

    /// Runs every computation the current view needs synchronously and stores the results.
    static func computeView(_ s: inout AppState) throws {
        let runner = ComputeRunner(cache: GramCache(directory: nil), threads: 2)
        for c in s.computations(for: s.view) {
            s.results[c.key] = try runner.run(c, progress: JobProgress())
        }
    }

    static func tempDir(_ name: String) -> String {
        let d = NSTemporaryDirectory() + "entk-wb-\(name)-\(getpid())-\(UUID().uuidString.prefix(8))"
        try? FileManager.default.createDirectory(atPath: d, withIntermediateDirectories: true)
        return d
    }
}
