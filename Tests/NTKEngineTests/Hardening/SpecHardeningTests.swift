import Foundation
import XCTest
@testable import NTKEngine

/// Issue 14 reproducers for the spec layer: traps, hangs and poor messages.
final class SpecHardeningTests: XCTestCase {
    func specError(_ json: String, file: StaticString = #filePath, line: UInt = #line) -> SpecError? {
        do {
            let s = try ArchitectureSpec.parse(json: Data(json.utf8))
            _ = try Stack(s)
            XCTFail("accepted: \(json.prefix(80))", file: file, line: line)
            return nil
        } catch let e as SpecError {
            return e
        } catch {
            XCTFail("not a SpecError: \(error)", file: file, line: line)
            return nil
        }
    }

    func testHugeInputShapeIsALocatedErrorNotATrap() throws {
        let e = specError(#"{"input_shape": [999999999, 999999999, 999999999], "layers": [{"type": "conv", "filter": [3, 3]}, {"type": "global_avg_pool"}, {"type": "dense"}]}"#)
        XCTAssertEqual(e?.path, "input_shape")
        XCTAssertTrue(e?.message.contains("too many values") ?? false, "\(String(describing: e))")
        // Product within Int but too many positions for P×P blocks.
        let p = specError(#"{"input_shape": [1000, 1000, 1], "layers": [{"type": "conv", "filter": [3, 3]}, {"type": "global_avg_pool"}, {"type": "dense"}]}"#)
        XCTAssertEqual(p?.path, "input_shape")
    }

    func testAbsurdFilterWithSamePaddingIsRefusedQuickly() throws {
        let t0 = Date()
        let e = specError(#"{"input_shape": [8, 8, 1], "layers": [{"type": "conv", "filter": [999999999, 999999999], "padding": "same"}, {"type": "relu"}, {"type": "global_avg_pool"}, {"type": "dense"}]}"#)
        XCTAssertEqual(e?.path, "layers[0].filter")
        XCTAssertTrue(e?.message.contains("15×15") ?? false, "\(String(describing: e))")
        XCTAssertLessThan(Date().timeIntervalSince(t0), 1)
        // Same bound for circular (wraps) and lifted layers.
        XCTAssertEqual(specError(#"{"input_shape": [6, 6, 1], "layers": [{"type": "conv", "filter": [1, 999], "padding": "circular"}, {"type": "global_avg_pool"}, {"type": "dense"}]}"#)?.path, "layers[0].filter")
        // The largest same filter that still sees the image is accepted.
        XCTAssertNoThrow(try Stack(spec(#"{"input_shape": [4, 4, 1], "layers": [{"type": "conv", "filter": [7, 7], "padding": "same"}, {"type": "global_avg_pool"}, {"type": "dense"}]}"#)))
    }

    func testMisspeltLayerTypeSuggestsTheClosest() {
        let e = specError(#"{"input_shape": [5, 5, 1], "layers": [{"type": "lift", "group": "C4", "filter": [3, 3]}, {"type": "gcnv", "group": "C4", "filter": [3, 3]}, {"type": "group_pool"}, {"type": "dense"}]}"#)
        XCTAssertEqual(e?.path, "layers[1].type")
        XCTAssertTrue(e?.message.contains("did you mean gconv?") ?? false, "\(String(describing: e))")
        XCTAssertEqual(EditDistance.distance("kitten", "sitting"), 3)
        XCTAssertNil(EditDistance.suggestion(for: "transformer", among: LayerSpec.knownTypes))
    }

    func testJSONSyntaxErrorsHaveLineAndColumn() {
        let cases: [(String, String, String)] = [
            ("{\n  \"input_shape\": [1, 2,,]\n}", "line 2, column 24", "unexpected"),
            ("{\"input_shape\": [3],\n \"layers\": NaN}", "line 2, column 12", "NaN is not a JSON number"),
            ("{\"input_shape\": [3],\n \"layers\": Infinity}", "line 2, column 12", "Infinity"),
            ("{\"input_shape\": [1e309]}", "line 1, column 18", "out of range"),
            (String(repeating: "[", count: 600) + String(repeating: "]", count: 600), "line 1, column 514", "nested deeper than 512"),
            ("{\"input_shape\": [3],\n \"layers\": [", "line 2, column 13", "ends early"),
        ]
        for (text, loc, words) in cases {
            guard let e = specError(text) else { continue }
            XCTAssertEqual(e.path, loc, text)
            XCTAssertTrue(e.message.contains(words), "\(text): \(e)")
        }
    }
}
