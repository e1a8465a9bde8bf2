import XCTest
@testable import NTKEngine

final class SpecTests: XCTestCase {
    func stackError(_ json: String) -> SpecError? {
        do { _ = try Stack(try spec(json)); return nil } catch let e as SpecError { return e } catch { return nil }
    }
    func img(_ layers: String, shape: String = "[6, 6, 2]") -> String {
        "{\"parameterization\": \"ntk\", \"input_shape\": \(shape), \"layers\": [\(layers)]}"
    }

    func testUnknownLayerIsLocated() {
        let e = stackError(img(#"{"type": "conv", "filter": [3,3]}, {"type": "relux"}"#))
        XCTAssertEqual(e?.path, "layers[1].type")
        XCTAssertTrue(e?.message.contains("unknown layer type \"relux\"") ?? false, "\(String(describing: e))")
    }
    func testGconvBeforeLift() {
        let e = stackError(img(#"{"type": "gconv", "group": "C4", "filter": [3,3]}, {"type": "group_pool"}, {"type": "dense"}"#))
        XCTAssertEqual(e?.path, "layers[0].type")
        XCTAssertTrue(e?.message.contains("gconv before lift") ?? false)
    }
    func testNonSquareInputUnderRotations() {
        let e = stackError(img(#"{"type": "lift", "group": "C4", "filter": [3,3]}, {"type": "group_pool"}, {"type": "dense"}"#, shape: "[6, 8, 1]"))
        XCTAssertEqual(e?.path, "layers[0].group")
        XCTAssertTrue(e?.message.contains("square") ?? false)
        // Half turns and mirrors are exact on rectangles.
        XCTAssertNil(stackError(img(#"{"type": "lift", "group": "D2", "filter": [3,3]}, {"type": "group_pool"}, {"type": "dense"}"#, shape: "[6, 8, 1]")))
    }
    func testDenseOnUnpooledImage() {
        let e = stackError(img(#"{"type": "conv", "filter": [3,3]}, {"type": "dense"}"#))
        XCTAssertEqual(e?.path, "layers[1].type")
        XCTAssertTrue(e?.message.contains("unpooled") ?? false)
    }
    func testBadFilters() {
        XCTAssertEqual(stackError(img(#"{"type": "conv", "filter": [3]}, {"type": "global_avg_pool"}, {"type": "dense"}"#))?.path, "layers[0].filter")
        XCTAssertEqual(stackError(img(#"{"type": "conv", "filter": [0, 3]}, {"type": "global_avg_pool"}, {"type": "dense"}"#))?.path, "layers[0].filter")
        let even = stackError(img(#"{"type": "lift", "group": "C4", "filter": [2,2]}, {"type": "group_pool"}, {"type": "dense"}"#))
        XCTAssertEqual(even?.path, "layers[0].filter")
        XCTAssertTrue(even?.message.contains("odd") ?? false)
        XCTAssertEqual(stackError(img(#"{"type": "lift", "group": "C4", "filter": [3,5]}, {"type": "group_pool"}, {"type": "dense"}"#))?.path, "layers[0].filter")
        XCTAssertEqual(stackError(img(#"{"type": "conv", "filter": [7,7], "padding": "valid"}, {"type": "global_avg_pool"}, {"type": "dense"}"#))?.path, "layers[0].filter")
    }
    func testOtherLocatedErrors() {
        XCTAssertEqual(stackError(img(#"{"type": "lift", "group": "C5", "filter": [3,3]}"#))?.path, "layers[0].group")
        XCTAssertEqual(stackError(img(#"{"type": "conv", "filter": [3,3], "padding": "reflect"}"#))?.path, "layers[0].padding")
        XCTAssertEqual(stackError(img(#"{"type": "conv", "filter": [3,3], "W_std": "big"}"#))?.path, "layers[0].W_std")
        XCTAssertEqual(stackError(img(#"{"type": "conv", "filter": [3,3]}, {"type": "group_pool"}, {"type": "dense"}"#))?.path, "layers[1].type")
        XCTAssertEqual(stackError(img(#"{"type": "lift", "group": "C4", "filter": [3,3]}, {"type": "gconv", "group": "D4", "filter": [3,3]}"#))?.path, "layers[1].group")
        XCTAssertEqual(stackError(img(#"{"type": "conv", "filter": [3,3]}, {"type": "relu"}"#))?.path, "layers")
        XCTAssertEqual(stackError("{\"input_shape\": [4, 4], \"layers\": []}")?.path, "input_shape")
        XCTAssertEqual(stackError(#"{"parameterization": "standard", "input_shape": [3], "layers": [{"type": "dense"}]}"#)?.path, "layers[0].width")
        XCTAssertEqual(stackError("{\"input_shape\": [3], \"layers\": [{\"type\": \"conv\", \"filter\": [3,3]}]}")?.path, "layers[0].type")
    }
    func testNotJSON() {
        XCTAssertThrowsError(try ArchitectureSpec.parse(json: Data("{oops".utf8)))
    }
    func testRoundTrip() throws {
        let s = try spec(groupStackJSON(group: "D4", padding: "same"))
        let again = try ArchitectureSpec.parse(json: try s.jsonData())
        XCTAssertEqual(s, again)
        let mixed = try spec(img(#"{"type": "conv", "filter": [3,3], "padding": "valid", "W_std": 2, "width": 8}, {"type": "leaky_relu", "alpha": 0.2}, {"type": "abrelu", "a": -0.5, "b": 2}, {"type": "tanh"}, {"type": "flatten"}, {"type": "dense", "b_std": 0.1}"#))
        XCTAssertEqual(mixed, try ArchitectureSpec.parse(json: try mixed.jsonData()))
    }
    func testGroupTables() {
        XCTAssertEqual(PointGroup.all.map(\.order), [1, 2, 4, 2, 4, 8])
        for g in PointGroup.all {
            for a in 0..<g.order {
                XCTAssertEqual(g.table[a][g.inverse[a]], 0)
                for b in 0..<g.order { XCTAssertGreaterThanOrEqual(g.table[a][b], 0, "\(g.name) not closed") }
            }
        }
        // numpy.rot90 convention: out[i][j] = in[j][W-1-i].
        let img: [Double] = (0..<9).map(Double.init)
        let r = ImageAction.transform(img, height: 3, width: 3, channels: 1, by: .rotation90)
        XCTAssertEqual(r, [2, 5, 8, 1, 4, 7, 0, 3, 6])
        XCTAssertEqual(ImageAction.transform(img, height: 3, width: 3, channels: 1, by: .mirrorX), [2, 1, 0, 5, 4, 3, 8, 7, 6])
    }
}
