import Foundation
import XCTest
@testable import NTKEngine

/// Locates the shared reference folder for the SO(3) tests (env `ENTK_REFERENCE_DIR`, else
/// `../shared/reference` next to the package root).
enum SO3Fixtures {
    static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static var referenceDir: URL {
        if let env = ProcessInfo.processInfo.environment["ENTK_REFERENCE_DIR"] { return URL(fileURLWithPath: env) }
        return packageRoot.deletingLastPathComponent().appendingPathComponent("shared/reference")
    }
    static func so3Files() throws -> [URL] {
        let files = try FileManager.default.contentsOfDirectory(at: referenceDir, includingPropertiesForKeys: nil)
        return files.filter { $0.pathExtension == "json" && $0.lastPathComponent.hasPrefix("so3_") }
            .sorted { $0.lastPathComponent < $1.lastPathComponent }
    }
    static func load(_ name: String) throws -> ReferenceCase {
        try ReferenceCase.load(path: referenceDir.appendingPathComponent(name).path)
    }
}

final class SO3ReferenceTests: XCTestCase {
    /// Every so3_*.json file: entk's Gram matches the authors' kernels within the file's tolerance.
    func testEverySO3ReferenceFilePasses() throws {
        let files = try SO3Fixtures.so3Files()
        XCTAssertEqual(files.count, 6, "expected 6 so3_*.json files in \(SO3Fixtures.referenceDir.path)")
        for f in files {
            let c = try ReferenceCase.load(path: f.path)
            // Both the compact FFT path (default for global filters) and the dense cross-check path.
            for dense in [false, true] {
                let ev = try SO3KernelEvaluator(spec: c.spec, threads: 2, dense: dense)
                XCTAssertEqual(ev.usesFastPath, !dense)
                let r = try ev.compute(c.inputs)
                let en = ReferenceCase.relativeError(r.nngp, c.nngp), et = ReferenceCase.relativeError(r.ntk, c.ntk)
                print(String(format: "SO3 reference %-45@ %@ nngp %.2e ntk %.2e tol %.0e", f.lastPathComponent as NSString,
                             (dense ? "dense" : "fast ") as NSString, en, et, c.tolerance))
                XCTAssertLessThanOrEqual(en, c.tolerance, "\(f.lastPathComponent) nngp dense=\(dense)")
                XCTAssertLessThanOrEqual(et, c.tolerance, "\(f.lastPathComponent) ntk dense=\(dense)")
            }
        }
    }

    /// The asymmetric path (x2 given) agrees with the symmetric Gram.
    func testCrossGramMatchesSymmetric() throws {
        let c = try SO3Fixtures.load("so3_lift_relu_pool_nobias.json")
        for vector in [true, false] {
            var ev = try SO3KernelEvaluator(spec: c.spec, threads: 2)
            ev.fast?.vectorGridDuals = vector
            let sym = try ev.compute(c.inputs)
            let cross = try ev.compute(c.inputs, c.inputs)
            XCTAssertLessThanOrEqual(ReferenceCase.relativeError(cross.nngp, sym.nngp), 1e-14, "vector \(vector)")
            XCTAssertLessThanOrEqual(ReferenceCase.relativeError(cross.ntk, sym.ntk), 1e-12, "vector \(vector)")
        }
    }
}
