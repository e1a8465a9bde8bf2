import XCTest
@testable import NTKEngine

/// The typed presets and defaults must build exactly the stacks the workbench built from JSON
/// before (so saved sessions replay unchanged); the expected values here are that JSON, written
/// out by hand, not our output.
final class StackPresetTests: XCTestCase {
    let conv = #""filter": [3, 3], "padding": "circular", "W_std": 1.5, "b_std": 0.05"#
    let readout = #"{"type": "dense", "W_std": 1.0, "b_std": 0.0}"#

    func parsed(_ shape: String, _ layers: String) throws -> ArchitectureSpec {
        try ArchitectureSpec.parse(json: Data("{\"input_shape\": \(shape), \"layers\": [\(layers)]}".utf8))
    }

    func testPresetsEqualTheWorkbenchJSON() throws {
        let relu = #"{"type": "relu"}"#
        XCTAssertEqual(try StackPreset.cnn.spec(inputShape: [6, 6, 1]), try parsed("[6, 6, 1]",
            "{\"type\": \"conv\", \(conv)}, \(relu), {\"type\": \"conv\", \(conv)}, \(relu), {\"type\": \"global_avg_pool\"}, \(readout)"))
        for g in ["C4", "D4", "C2"] {
            XCTAssertEqual(try XCTUnwrap(StackPreset(name: "gcnn-\(g.lowercased())")).spec(inputShape: [6, 6, 2]), try parsed("[6, 6, 2]",
                "{\"type\": \"lift\", \"group\": \"\(g)\", \(conv)}, \(relu), {\"type\": \"gconv\", \"group\": \"\(g)\", \(conv)}, \(relu), {\"type\": \"group_pool\"}, \(readout)"))
        }
        XCTAssertEqual(try StackPreset.mlp.spec(inputShape: [5]), try parsed("[5]", "{\"type\": \"flatten\"}, \(readout), \(relu), \(readout)"))
        let sph = #""bandwidth_in": 3, "bandwidth_out": 3, "max_beta": 3.141592653589793, "W_std": 1.5, "b_std": 0.05"#
        XCTAssertEqual(try StackPreset.so3.spec(inputShape: [6, 5, 1]), try parsed("[6, 5, 1]",
            "{\"type\": \"s2_lift\", \(sph)}, \(relu), {\"type\": \"so3_conv\", \(sph)}, \(relu), {\"type\": \"so3_pool\"}, \(readout)"))
        // Every preset compiles on a fitting input.
        for name in StackPreset.workbenchNames where name != "empty" {
            let shape = name == "so3" ? [6, 5, 1] : [6, 6, 1]
            XCTAssertNoThrow(try Stack(try XCTUnwrap(StackPreset(name: name)).spec(inputShape: shape)), name)
        }
    }

    func testCLINamesMapToTheSamePresets() throws {
        XCTAssertEqual(StackPreset(name: "CNN"), .cnn)
        XCTAssertEqual(StackPreset(name: "MLP"), .mlp)
        for g in PointGroup.all { XCTAssertEqual(StackPreset(name: g.name), .gcnn(g), g.name) }
        XCTAssertEqual(StackPreset(name: "C4"), StackPreset(name: "gcnn-c4"))
        XCTAssertNil(StackPreset(name: "C3"))
        XCTAssertNil(StackPreset(name: "resnet"))
        // Padding reaches every plane convolution.
        let s = try StackPreset.gcnn(.d4).spec(inputShape: [6, 6, 1], padding: .same)
        for l in s.layers { if case .lift(let g) = l { XCTAssertEqual(g.conv.padding, .same) }; if case .gconv(let g) = l { XCTAssertEqual(g.conv.padding, .same) } }
    }

    func testPresetInputShapeErrorsAreTheParsersErrors() {
        for shape in [[6, 6], [0, 6, 1], [999_999_999, 999_999_999, 999_999_999]] {
            var typed: SpecError?, parsedError: SpecError?
            do { _ = try StackPreset.cnn.spec(inputShape: shape) } catch let e as SpecError { typed = e } catch {}
            do { _ = try parsed("\(shape)", #"{"type": "relu"}"#) } catch let e as SpecError { parsedError = e } catch {}
            XCTAssertNotNil(typed, "\(shape)")
            XCTAssertEqual(typed?.description, parsedError?.description, "\(shape)")
        }
    }

    func testDefaultLayersEqualTheParsedDefaults() throws {
        let expected: [String: String] = [
            "conv": "{\"type\": \"conv\", \(conv)}",
            "lift": "{\"type\": \"lift\", \"group\": \"D4\", \(conv)}",
            "gconv": "{\"type\": \"gconv\", \"group\": \"D4\", \(conv)}",
            "dense": #"{"type": "dense", "W_std": 1.0, "b_std": 0.05}"#,
            "leaky_relu": #"{"type": "leaky_relu", "alpha": 0.01}"#,
            "s2_lift": #"{"type": "s2_lift", "bandwidth_in": 4, "bandwidth_out": 4, "max_beta": 3.141592653589793, "W_std": 1.5, "b_std": 0.05}"#,
            "so3_conv": #"{"type": "so3_conv", "bandwidth_in": 4, "bandwidth_out": 4, "max_beta": 3.141592653589793, "W_std": 1.5, "b_std": 0.05}"#,
        ]
        for type in LayerDefaults.addableTypes {
            let json = expected[type] ?? "{\"type\": \"\(type)\"}"
            let obj = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
            XCTAssertEqual(try LayerDefaults.layer(type, group: .d4, bandwidth: 4), try LayerSpec.parse(obj, path: "x"), type)
        }
        XCTAssertNil(try LayerDefaults.layer("abrelu"))
        XCTAssertThrowsError(try LayerDefaults.layer("so3_conv", bandwidth: 0)) { e in
            XCTAssertEqual("\(e)", "new layer.bandwidth_in: must be ≥ 1")
        }
    }

    /// The stacks behind the tables of EXPERIMENTS.md (W 1.4/b 0.1) ship as spec files.
    func testShippedExperimentStacksKeepTheOldScales() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("examples/experiment-stacks")
        for size in [8, 10, 12] {
            for name in ["cnn", "c4", "d4", "mlp"] {
                let spec = try ArchitectureSpec.parse(json: try Data(contentsOf: root.appendingPathComponent("\(name)-\(size).json")))
                XCTAssertEqual(spec.name, name.uppercased())
                XCTAssertEqual(spec.inputShape, [size, size, 1])
                let stack = try Stack(spec)
                XCTAssertEqual(stack.group, name == "c4" ? .c4 : name == "d4" ? .d4 : .c1) // image stacks without a lift are C1
                for l in spec.layers {
                    let conv: LayerSpec.Convolution?
                    switch l {
                    case .conv(let c): conv = c
                    case .lift(let g), .gconv(let g): conv = g.conv
                    default: conv = nil
                    }
                    if let c = conv { XCTAssertEqual(c.affine, LayerSpec.Affine(wStd: 1.4, bStd: 0.1)); XCTAssertEqual(c.filter, [3, 3]) }
                }
                if case .dense(let a) = spec.layers.last { XCTAssertEqual(a, LayerSpec.Affine(wStd: 1.0, bStd: 0.05)) } else { XCTFail("\(name): no readout") }
            }
        }
    }
}

/// The typed editable fields are exactly the keys of the layer's spec JSON, shown as the
/// workbench always showed them.
final class LayerFieldsTests: XCTestCase {
    func testFieldsAreTheJSONKeysAndReadAsBefore() throws {
        let json = #"""
        [{"type": "conv", "filter": [3, 5], "padding": "same", "W_std": 1.5, "b_std": null, "width": 16},
         {"type": "lift", "group": "D4", "filter": [3, 3], "W_std": 2, "b_std": 1e-7},
         {"type": "leaky_relu", "alpha": 0.2}, {"type": "abrelu", "a": -0.5, "b": 2}, {"type": "abs"}, {"type": "relu"},
         {"type": "tanh"}, {"type": "dense", "W_std": 1234567.0},
         {"type": "so3_conv", "bandwidth_in": 3, "bandwidth_out": 2, "W_std": 1, "b_std": 0.05}, {"type": "flatten"}]
        """#
        let objs = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [[String: Any]])
        let layers = try objs.map { try LayerSpec.parse($0, path: "x") }
        for l in layers {
            XCTAssertEqual(Set(l.editableFields.map(\.key)), Set(l.jsonObject.keys).subtracting(["type"]), l.typeName)
        }
        let text = layers.map { $0.editableFields.map { "\($0.key)=\($0.text)" }.joined(separator: " ") }
        XCTAssertEqual(text, ["filter=3,5 padding=same W_std=1.5 b_std=null width=16",
                              "group=D4 filter=3,3 padding=same W_std=2.0 b_std=1e-07",
                              "alpha=0.2", "a=-0.5 b=2.0", "", "", "fn=tanh", "W_std=1.23457e+06 b_std=null",
                              "W_std=1.0 b_std=0.05 bandwidth_in=3 bandwidth_out=2 max_beta=π", ""])
    }
}
