import Foundation
import NTKEngine
import XCTest

/// The replay fixture's comparison still fails on real changes: a value moved by 1e-9
/// relative, outputs of the wrong session, a changed header or series name, a figure that
/// changed while its numbers did not. And it passes what an exact recomputation does:
/// reassociation-sized noise (1e-13 relative, above the 3.8e-14 seen between SO(3) paths).
final class ReplayComparisonTests: XCTestCase {
    private let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/replay/values").path

    private func stored(_ session: String, _ file: String) throws -> [UInt8] {
        let gz = "\(fixtures)/\(session)/\(file).gz"
        return try Zlib.inflate(Array(try Data(contentsOf: URL(fileURLWithPath: gz))), source: gz)
    }

    private func npy(_ a: NPYArray) throws -> [UInt8] { try NPY.encode(a, as: a.dtype) }

    func testNPYValuesWithinToleranceOnly() throws {
        let bytes = try stored("demo-so3", "03-so3-kernel-ntk-so3-L3.npy")
        let ref = try NPY.decode(bytes, path: "ref")
        XCTAssertEqual(ReplayComparison.compareNPY(bytes, bytes, what: "x"), [])
        let scale = ref.data.map(abs).max() ?? 0
        XCTAssertGreaterThan(scale, 0.1)

        // Every entry moved by up to 1e-13 of the largest value: an exact recomputation.
        var noisy = ref
        var rng = SystemRandomNumberGenerator()
        noisy.data = ref.data.map { $0 + scale * 1e-13 * Double.random(in: -1...1, using: &rng) }
        XCTAssertNotEqual(try npy(noisy), bytes)
        XCTAssertEqual(ReplayComparison.compareNPY(try npy(noisy), bytes, what: "x"), [])

        // One entry moved by 1e-9 relative: a real change.
        var changed = ref
        changed.data[777] *= 1 + 1e-9
        let problems = ReplayComparison.compareNPY(try npy(changed), bytes, what: "x")
        XCTAssertEqual(problems.count, 1, "\(problems)")
        XCTAssertTrue(problems.first?.contains("x[777]") ?? false, "\(problems)")

        // A NaN where a number was, and a shape or dtype change.
        var nan = ref
        nan.data[0] = .nan
        XCTAssertFalse(ReplayComparison.compareNPY(try npy(nan), bytes, what: "x").isEmpty)
        let reshaped = try NPYArray(shape: [ref.count], data: ref.data)
        XCTAssertTrue(ReplayComparison.compareNPY(try npy(reshaped), bytes, what: "x").first?.contains("shape") ?? false)
        XCTAssertTrue(ReplayComparison.compareNPY(try NPY.encode(ref, as: .float32), bytes, what: "x").first?.contains("dtype") ?? false)
    }

    /// Outputs of the wrong session fail even with equal shapes (two 8×8 NTK Grams).
    func testWrongSessionSwapFails() throws {
        let so3 = try stored("demo-so3", "01-gram-ntk-so3.npy"), cnn = try stored("demo-symmetry", "04-gram-ntk-cnn.npy")
        XCTAssertEqual(try NPY.decode(so3, path: "a").shape, try NPY.decode(cnn, path: "b").shape)
        XCTAssertFalse(ReplayComparison.compareNPY(so3, cnn, what: "x").isEmpty)
        let a = String(decoding: try stored("experiment-qm9", "01-qm9-ntk.csv"), as: UTF8.self)
        let b = String(decoding: try stored("experiment-learning-curve", "01-learning-curve.csv"), as: UTF8.self)
        XCTAssertFalse(ReplayComparison.compareCSV(a, b, what: "x").isEmpty)
        let c = String(decoding: try stored("demo-so3", "01-gram-ntk-so3.csv"), as: UTF8.self)
        let d = String(decoding: try stored("demo-symmetry", "04-gram-ntk-cnn.csv"), as: UTF8.self)
        XCTAssertFalse(ReplayComparison.compareCSV(c, d, what: "x").isEmpty)
    }

    func testCSVCellsExactAndNumbersWithinTolerance() {
        let ref = "series,x,y,yerr\n\"gcnn-c4 (C4), 5 points\",0.1,0.0017892685942105945,\nd,1000.0,5.044995559679316e-15,0.5\n"
        XCTAssertEqual(ReplayComparison.parseCSV(ref)[1], ["gcnn-c4 (C4), 5 points", "0.1", "0.0017892685942105945", ""])
        XCTAssertEqual(ReplayComparison.compareCSV(ref, ref, what: "c"), [])
        // Rounding-error values (≈1e-15) may change completely: the bound is at least 1e-12 absolute.
        XCTAssertEqual(ReplayComparison.compareCSV(ref.replacingOccurrences(of: "5.044995559679316e-15", with: "7.1e-15"), ref, what: "c"), [])
        XCTAssertEqual(ReplayComparison.compareCSV(ref.replacingOccurrences(of: "0.0017892685942105945", with: "0.0017892685942106"), ref, what: "c"), [])
        let changes = [("0.0017892685942105945", "0.0017892685960000"), // 1e-12 absolute exceeded
                       ("5.044995559679316e-15", "2e-12"),
                       ("1000.0", "1000.000001"),                      // 1e-9 relative of the x column
                       ("series,x", "series,t"),                       // header
                       ("5 points", "6 points"),                       // series name
                       (",0.5\n", ",\n"),                               // an empty cell where a number was
                       ("d,1000.0", "d,nan")]
        for (old, new) in changes {
            XCTAssertFalse(ReplayComparison.compareCSV(ref.replacingOccurrences(of: old, with: new), ref, what: "c").isEmpty, "\(old) → \(new)")
        }
        XCTAssertFalse(ReplayComparison.compareCSV(ref + "e,1.0,2.0,\n", ref, what: "c").isEmpty, "an extra row")
        XCTAssertFalse(ReplayComparison.compareCSV(ref.replacingOccurrences(of: ",0.5\n", with: ",0.5,1\n"), ref, what: "c").isEmpty, "an extra cell")
    }

    /// A figure may change only along with its numbers, and only when those agree.
    func testFigureRule() {
        XCTAssertNil(ReplayComparison.figureProblem("a.png", source: "a.csv", sourceChangedBytes: true, sourceAgrees: true))
        XCTAssertNotNil(ReplayComparison.figureProblem("a.png", source: "a.csv", sourceChangedBytes: false, sourceAgrees: true))
        XCTAssertNotNil(ReplayComparison.figureProblem("a.png", source: "a.csv", sourceChangedBytes: true, sourceAgrees: false))
        XCTAssertNotNil(ReplayComparison.figureProblem("a.svg", source: nil, sourceChangedBytes: false, sourceAgrees: true))
        XCTAssertEqual(ReplayComparison.stem("01-gram-ntk-so3.png"), "01-gram-ntk-so3")
        XCTAssertEqual(ReplayComparison.kind("01-gram-ntk-so3.pdf"), .figure)
        XCTAssertEqual(ReplayComparison.kind("01-gram-ntk-so3.npy"), .numeric)
        XCTAssertEqual(ReplayComparison.kind("01-gram.manifest.json"), .text)
    }

    /// The masking: timings and rounding-error numbers go, everything else stays.
    func testNormalizationMasksOnlyTimingsRoundingErrorAndManifestSums() {
        func text(_ s: String, _ name: String) -> String { String(decoding: ReplayComparison.normalized(Data(s.utf8), name: name), as: UTF8.self) }
        XCTAssertEqual(text("Gram SO(3) 12.4 s, MLP 0.14 s, 250 atoms; 3 stacks", "a.txt"), "Gram SO(3) # s, MLP # s, 250 atoms; 3 stacks")
        XCTAssertEqual(text("per t: 0.1 4.1e-16, ∞ 4.0e-15; 1e-14┤ kept: 1e-12 2.5e-3 0.001", "a.txt"),
                       "per t: 0.1 #e-small, ∞ #e-small; #e-small┤ kept: 1e-12 2.5e-3 0.001")
        let sum = String(repeating: "ab", count: 32)
        let manifest = "{\"name\" : \"01-qm9.csv\",\n  \"sha256\" : \"\(sum)\"}"
        XCTAssertEqual(text(manifest, "x.manifest.json"), "{\"name\" : \"01-qm9.csv\",\n  \"sha256\" : \"masked\"}")
        XCTAssertEqual(text("12.4 s 4e-16", "a.csv"), "12.4 s 4e-16")
    }
}
