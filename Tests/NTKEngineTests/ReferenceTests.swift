import Foundation
import XCTest
@testable import NTKEngine

/// Locates `../shared/reference` relative to the package root.
enum Fixtures {
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static var referenceDir: URL {
        if let env = ProcessInfo.processInfo.environment["ENTK_REFERENCE_DIR"] { return URL(fileURLWithPath: env) }
        return packageRoot.deletingLastPathComponent().appendingPathComponent("shared/reference")
    }
    static func referenceFiles() throws -> [URL] {
        let files = try FileManager.default.contentsOfDirectory(at: referenceDir, includingPropertiesForKeys: nil)
        return files.filter { $0.pathExtension == "json" }.sorted { $0.lastPathComponent < $1.lastPathComponent }
    }
}

final class ReferenceTests: XCTestCase {
    func testEveryReferenceFilePassesThroughGramEngine() throws {
        let files = try Fixtures.referenceFiles()
        XCTAssertGreaterThan(files.count, 20, "reference folder not found at \(Fixtures.referenceDir.path)")
        var checked = 0
        for f in files {
            let c = try ReferenceCase.load(path: f.path)
            let r = try c.check(threads: 2)
            XCTAssertTrue(r.passed, "\(f.lastPathComponent): nngp err \(r.nngpError), ntk err \(r.ntkError), tol \(r.tolerance)")
            checked += 1
        }
        XCTAssertGreaterThanOrEqual(checked, 36)
    }
}

final class Float32Tests: XCTestCase {
    /// float32 recursion: ~1e-6 relative to the float64 references (ReLU, erf, groups, paddings).
    func testFloat32MatchesReferencesToSinglePrecision() throws {
        for name in ["c4_lift_relu_gconv_relu_gconv_relu_pool", "nt_cnn2_same_gap_erf", "nt_cnn2_valid_flatten", "cnn_conv_relu_conv_relu_gap"] {
            let c = try ReferenceCase.load(path: Fixtures.referenceDir.appendingPathComponent(name + ".json").path)
            var e = try GramEngine(spec: c.spec, threads: 2)
            e.precision = .float32
            let r = try e.compute(c.inputs)
            let en = ReferenceCase.relativeError(r.nngp, c.nngp), et = ReferenceCase.relativeError(r.ntk, c.ntk)
            XCTAssertLessThan(en, 2e-5, name); XCTAssertLessThan(et, 2e-5, name)
            XCTAssertGreaterThan(max(en, et), 1e-12, "\(name): float32 should not be exact — is the precision switch wired?")
        }
    }
}
