import XCTest
@testable import NTKEngine

/// The layer registry: one description per type, each `LayerSpec` value described by exactly
/// one, and every description's encode/decode a round trip.
final class LayerKindTests: XCTestCase {
    /// One value of every layer type (and every activation flavour).
    static let samples: [LayerSpec] = {
        let aff = LayerSpec.Affine(wStd: 1.5, bStd: 0.05, width: 4)
        let conv = LayerSpec.Convolution(filter: [3, 3], padding: .circular, affine: aff)
        let sph = LayerSpec.SphericalConvolution(bandwidthIn: 3, bandwidthOut: 2, maxBeta: 0.5, affine: aff)
        return [.dense(aff), .dense(LayerSpec.Affine()), .conv(conv), .lift(.init(group: .c4, conv: conv)), .gconv(.init(group: .d4, conv: conv)),
                .activation(.relu), .activation(.absoluteValue), .activation(.abRelu(a: 0.2, b: 1)), .activation(.abRelu(a: -0.5, b: 2)),
                .activation(.erf), .activation(.gelu), .activation(.identity), .globalAvgPool, .groupPool, .flatten,
                .s2Lift(sph), .so3Conv(sph), .so3Pool]
            + NumericFunction.allCases.map { .activation(.numeric($0)) }
    }()

    func testEveryValueHasExactlyOneDescription() {
        for l in Self.samples {
            let matching = LayerKinds.all.filter { $0.describes(l) }
            XCTAssertEqual(matching.count, 1, "\(l)")
        }
    }

    func testTypeNamesAreUniqueAndComplete() {
        XCTAssertEqual(Set(LayerKinds.typeNames).count, LayerKinds.typeNames.count)
        for l in Self.samples { XCTAssertTrue(LayerKinds.typeNames.contains(l.typeName), l.typeName) }
    }

    func testEncodeDecodeRoundTrip() throws {
        for l in Self.samples {
            let v = JSONValue.object(l.jsonFields)
            XCTAssertEqual(try LayerSpec.parse(value: v, path: "x"), l, "\(l)")
            // Through bytes too (JSONEncoder/JSONDecoder, the Codable path).
            XCTAssertEqual(try JSONDecoder().decode(LayerSpec.self, from: try JSONEncoder().encode(l)), l, "\(l)")
            // Editable fields are exactly the JSON keys besides "type".
            XCTAssertEqual(Set(l.editableFields.map(\.key)), Set(l.jsonFields.keys).subtracting(["type"]), "\(l)")
        }
    }

    /// The Stack pane's summaries (formerly `MainScreen.layerSummary`), spelled out by hand.
    func testSummaries() {
        let aff = LayerSpec.Affine(wStd: 1.5, bStd: 0.05)
        let conv = LayerSpec.Convolution(filter: [3, 3], padding: .circular, affine: aff)
        XCTAssertEqual(LayerSpec.lift(.init(group: .c4, conv: conv)).summary, "lift C4 3×3 circular W1.5 b0.05")
        XCTAssertEqual(LayerSpec.dense(.init(wStd: 1, bStd: nil, width: 8)).summary, "dense W1 n8")
        XCTAssertEqual(LayerSpec.so3Conv(.init(bandwidthIn: 3, bandwidthOut: 3, maxBeta: .pi, affine: aff)).summary, "so3_conv L3→3 W1.5 b0.05")
        XCTAssertEqual(LayerSpec.s2Lift(.init(bandwidthIn: 3, bandwidthOut: 2, maxBeta: 1.2, affine: aff)).summary, "s2_lift L3→2 β≤1.2 W1.5 b0.05")
        XCTAssertEqual(LayerSpec.activation(.numeric(.tanh)).summary, "tanh")
        XCTAssertEqual(LayerSpec.groupPool.summary, "group_pool")
    }
}
