import Foundation
import XCTest
@testable import NTKEngine

/// Reads entk-written files back with real NumPy, when python3 with numpy is on this machine.
final class NumPyInteropTests: XCTestCase {
    func testNumPyReadsOurNPYAndNPZ() throws {
        let dir = try Fixture.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let a = try NPYArray(shape: [2, 3], data: [1.5, -2, 3, 4, 5, 6e-300])
        try NPY.write(a, to: dir.appendingPathComponent("a.npy").path)
        try NPY.write(a, to: dir.appendingPathComponent("f.npy").path, as: .float32)
        let d = try SyntheticPatterns.make(count: 4, height: 3, width: 3, classes: 2, seed: 1)
        try ArrayImport.write(d, to: dir.appendingPathComponent("d.npz").path, imagesAs: .float64)
        let script = """
        import numpy as np, sys
        d = sys.argv[1]
        a = np.load(d + '/a.npy'); f = np.load(d + '/f.npy'); z = np.load(d + '/d.npz')
        assert a.dtype == np.float64 and a.shape == (2, 3) and a[1, 2] == 6e-300, a
        assert f.dtype == np.float32 and f[0, 0] == 1.5
        print(z['images'].shape, z['labels'].dtype, z['labels'].tolist(), repr(float(z['images'].sum())))
        """
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["python3", "-c", script, dir.path]
        let out = Pipe()
        p.standardOutput = out
        let err = Pipe()
        p.standardError = err
        do { try p.run() } catch { throw XCTSkip("python3 not available") }
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let errText = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        if errText.contains("No module named") || p.terminationStatus == 127 { throw XCTSkip("python3 with numpy not available") }
        XCTAssertEqual(p.terminationStatus, 0, errText)
        XCTAssertTrue(text.hasPrefix("(4, 3, 3, 1) int64 [0, 1, 0, 1] "), text)
        XCTAssertTrue(text.contains(String(describing: d.images.reduce(0, +)).prefix(8)), text)
    }
}
