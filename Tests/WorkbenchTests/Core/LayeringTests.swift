import Foundation
import XCTest

/// The Workbench folders keep their layering (docs/architecture.md): runs
/// scripts/check-layers.sh, which greps type references and imports (a second or so).
final class LayeringTests: XCTestCase {
    func testWorkbenchFoldersOnlyUseLowerLayers() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
        let script = root.appendingPathComponent("scripts/check-layers.sh").path
        try XCTSkipUnless(FileManager.default.isExecutableFile(atPath: "/bin/bash"), "needs bash")
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/bash")
        p.arguments = [script]
        let pipe = Pipe()
        p.standardOutput = pipe
        try p.run()
        let out = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        XCTAssertEqual(p.terminationStatus, 0, out)
        XCTAssertTrue(out.contains("layering: ok"), out)
    }
}
