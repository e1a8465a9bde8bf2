import XCTest
@testable import NTKEngine

/// Compatibility fixtures: the canonical spec JSON bytes (content hashes, tile-store keys,
/// session spec files) must not change when the spec path changes implementation.
///
/// The expected strings below were produced by main at a1fa521 (before the Codable spec
/// path) with `JSONSerialization.data(withJSONObject: spec.jsonObject, options: [.sortedKeys])`
/// (compact, what `NamedStack.canonicalJSON` and `GramStore.Key.canonicalSpec` hashed) and
/// `spec.jsonData()` (pretty). They are not correctness claims — only "the bytes stay as they
/// were", so real stores on disk and the replay fixture keep their keys.
final class CanonicalSpecJSONTests: XCTestCase {
    static let specs: [String] = [
        #"{"name": "mlp", "input_shape": [3], "layers": [{"type": "dense", "W_std": 1.5, "b_std": 0.05}, {"type": "relu"}, {"type": "dense", "W_std": 1.4, "b_std": 0.1}, {"type": "erf"}, {"type": "dense", "W_std": 1, "b_std": 0}, {"type": "gelu"}, {"type": "dense"}]}"#,
        #"{"name": "a/b \"q\" é", "parameterization": "standard", "input_shape": [4], "layers": [{"type": "dense", "W_std": 0.0001, "b_std": 1e-4, "width": 7}, {"type": "leaky_relu", "alpha": 0.1}, {"type": "dense", "W_std": 2, "width": 3}, {"type": "abrelu", "a": -0.5, "b": 2}, {"type": "dense", "W_std": 1e-10, "b_std": 1e20, "width": 1}, {"type": "abs"}, {"type": "dense", "W_std": 3.0, "width": 1}, {"type": "identity"}, {"type": "dense", "W_std": 100000.0, "width": 1}]}"#,
        #"{"input_shape": [6, 6, 2], "layers": [{"type": "conv", "filter": [3, 3], "padding": "circular", "W_std": 1.5, "b_std": 0.05}, {"type": "tanh"}, {"type": "conv", "filter": [1, 3], "padding": "valid"}, {"type": "elementwise", "fn": "sin"}, {"type": "conv", "filter": [3, 3], "padding": "same", "W_std": 0.3333333333333333}, {"type": "sin"}, {"type": "flatten"}, {"type": "dense", "W_std": 1.5}]}"#,
        #"{"name": "c4", "input_shape": [8, 8, 3], "layers": [{"type": "lift", "group": "C4", "filter": [3, 3], "W_std": 1.5, "b_std": 0.05}, {"type": "relu"}, {"type": "gconv", "group": "c4", "filter": [3, 3], "padding": "circular"}, {"type": "sigmoid"}, {"type": "group_pool"}, {"type": "dense", "W_std": 1.5, "b_std": 0.05}]}"#,
        #"{"name": "d4", "input_shape": [5, 5, 1], "layers": [{"type": "lift", "group": "D4", "filter": [3, 3]}, {"type": "elementwise", "fn": "relu_numeric"}, {"type": "gconv", "group": "D4", "filter": [3, 3]}, {"type": "cos"}, {"type": "flatten"}, {"type": "dense"}]}"#,
        #"{"name": "cnn-gap", "input_shape": [4, 4, 1], "layers": [{"type": "conv", "filter": [3, 3]}, {"type": "softplus"}, {"type": "global_avg_pool"}, {"type": "dense", "b_std": null}, {"type": "swish"}, {"type": "dense"}]}"#,
        #"{"name": "so3", "input_shape": [6, 5, 2], "layers": [{"type": "s2_lift", "bandwidth_in": 3, "bandwidth_out": 2, "W_std": 1.5, "b_std": 0.05}, {"type": "relu"}, {"type": "so3_conv", "bandwidth_in": 2, "bandwidth_out": 2, "max_beta": 0.5}, {"type": "gelu_numeric"}, {"type": "so3_pool"}, {"type": "dense", "W_std": 1.5}, {"type": "erf_numeric"}, {"type": "dense"}]}"#,
    ]

    static let badLayers: [String] = [
        #"{"type": "dense", "W_std": "big"}"#, #"{"type": "dense", "W_std": true}"#, #"{"type": "dense", "W_std": [1, 2]}"#,
        #"{"type": "dense", "W_std": {"a": 1}}"#, #"{"type": "dense", "W_std": null}"#, #"{"type": "dense", "b_std": "x"}"#,
        #"{"type": "dense", "width": 2.5}"#, #"{"type": "dense", "width": 0}"#, #"{"type": "dense", "width": true}"#,
        #"{"type": "dense", "W_std": -1}"#, #"{"type": "dense", "b_std": -0.5}"#, #"{"type": 3}"#, #"{"type": true}"#,
        #"{"type": ["dense"]}"#, #"{"W_std": 1}"#, #"{"type": "relux"}"#, #"{"type": "qqqqqq"}"#,
        #"{"type": "conv"}"#, #"{"type": "conv", "filter": 3}"#, #"{"type": "conv", "filter": [3, "a"]}"#,
        #"{"type": "conv", "filter": [3, 3], "padding": 1}"#, #"{"type": "conv", "filter": [3, 3], "padding": "Reflect"}"#,
        #"{"type": "lift", "filter": [3, 3]}"#, #"{"type": "lift", "group": 4, "filter": [3, 3]}"#, #"{"type": "gconv", "group": "C5", "filter": [3, 3]}"#,
        #"{"type": "leaky_relu", "alpha": "x"}"#, #"{"type": "abrelu", "a": 1}"#, #"{"type": "abrelu", "b": 1}"#,
        #"{"type": "elementwise"}"#, #"{"type": "elementwise", "fn": "foo"}"#, #"{"type": "elementwise", "fn": 2}"#,
        #"{"type": "s2_lift", "bandwidth_out": 2}"#, #"{"type": "s2_lift", "bandwidth_in": 2}"#, #"{"type": "s2_lift", "bandwidth_in": 0, "bandwidth_out": 2}"#,
        #"{"type": "so3_conv", "bandwidth_in": 2, "bandwidth_out": 40}"#, #"{"type": "so3_conv", "bandwidth_in": 2, "bandwidth_out": 2, "max_beta": 4}"#,
        #"{"type": "so3_conv", "bandwidth_in": 2, "bandwidth_out": 2, "max_beta": "pi"}"#, #"{"type": "dense", "W_std": 1e999}"#,
        #"3"#, #"[]"#, #""x""#,
    ]
    static let badSpecs: [String] = [
        #"{"input_shape": [3]}"#, #"{"layers": [{"type": "dense"}]}"#, #"{"input_shape": 3, "layers": [{"type": "dense"}]}"#,
        #"{"input_shape": [3, "a"], "layers": [{"type": "dense"}]}"#, #"{"input_shape": [3, 4], "layers": [{"type": "dense"}]}"#,
        #"{"input_shape": [0], "layers": [{"type": "dense"}]}"#, #"{"input_shape": [3], "layers": {"type": "dense"}}"#,
        #"{"input_shape": [3], "layers": []}"#, #"{"input_shape": [3], "layers": [3]}"#, #"{"input_shape": [3], "parameterization": "nt", "layers": [{"type": "dense"}]}"#,
        #"{"input_shape": [3], "parameterization": 1, "layers": [{"type": "dense"}]}"#, #"{"name": 5, "input_shape": [3], "layers": [{"type": "dense"}]}"#,
        #"[1]"#, #"{oops"#, #""#, #"{"input_shape": [3], "layers": [{"type": "dense", "W_std": NaN}]}"#,
        #"{"input_shape": [999999999, 999999999, 999999999], "layers": [{"type": "dense"}]}"#, #"{"input_shape": [3.5], "layers": [{"type": "dense"}]}"#,
        #"{"input_shape": [3], "layers": [{"type": "dense", "W_std": 1e309}]}"#, #"{"input_shape": [3], "layers": [{"type": "dense"}], "extra": 1}"#,
    ]

    /// `JSONSerialization.data(withJSONObject: spec.jsonObject, options: [.sortedKeys])` on main.
    static let compact: [String] = [
        #"""
        {"input_shape":[3],"layers":[{"b_std":0.05,"type":"dense","W_std":1.5},{"type":"relu"},{"b_std":0.1,"type":"dense","W_std":1.4},{"type":"erf"},{"b_std":0,"type":"dense","W_std":1},{"type":"gelu"},{"b_std":null,"type":"dense","W_std":1}],"name":"mlp","parameterization":"ntk"}
        """#,
        #"""
        {"input_shape":[4],"layers":[{"b_std":0.0001,"type":"dense","W_std":0.0001,"width":7},{"alpha":0.1,"type":"leaky_relu"},{"b_std":null,"type":"dense","W_std":2,"width":3},{"a":-0.5,"b":2,"type":"abrelu"},{"b_std":1e+20,"type":"dense","W_std":1e-10,"width":1},{"type":"abs"},{"b_std":null,"type":"dense","W_std":3,"width":1},{"type":"identity"},{"b_std":null,"type":"dense","W_std":100000,"width":1}],"name":"a\/b \"q\" é","parameterization":"standard"}
        """#,
        #"""
        {"input_shape":[6,6,2],"layers":[{"b_std":0.05,"filter":[3,3],"padding":"circular","type":"conv","W_std":1.5},{"fn":"tanh","type":"elementwise"},{"b_std":null,"filter":[1,3],"padding":"valid","type":"conv","W_std":1},{"fn":"sin","type":"elementwise"},{"b_std":null,"filter":[3,3],"padding":"same","type":"conv","W_std":0.3333333333333333},{"fn":"sin","type":"elementwise"},{"type":"flatten"},{"b_std":null,"type":"dense","W_std":1.5}],"parameterization":"ntk"}
        """#,
        #"""
        {"input_shape":[8,8,3],"layers":[{"b_std":0.05,"filter":[3,3],"group":"C4","padding":"same","type":"lift","W_std":1.5},{"type":"relu"},{"b_std":null,"filter":[3,3],"group":"C4","padding":"circular","type":"gconv","W_std":1},{"fn":"sigmoid","type":"elementwise"},{"type":"group_pool"},{"b_std":0.05,"type":"dense","W_std":1.5}],"name":"c4","parameterization":"ntk"}
        """#,
        #"""
        {"input_shape":[5,5,1],"layers":[{"b_std":null,"filter":[3,3],"group":"D4","padding":"same","type":"lift","W_std":1},{"fn":"relu_numeric","type":"elementwise"},{"b_std":null,"filter":[3,3],"group":"D4","padding":"same","type":"gconv","W_std":1},{"fn":"cos","type":"elementwise"},{"type":"flatten"},{"b_std":null,"type":"dense","W_std":1}],"name":"d4","parameterization":"ntk"}
        """#,
        #"""
        {"input_shape":[4,4,1],"layers":[{"b_std":null,"filter":[3,3],"padding":"same","type":"conv","W_std":1},{"fn":"softplus","type":"elementwise"},{"type":"global_avg_pool"},{"b_std":null,"type":"dense","W_std":1},{"fn":"swish","type":"elementwise"},{"b_std":null,"type":"dense","W_std":1}],"name":"cnn-gap","parameterization":"ntk"}
        """#,
        #"""
        {"input_shape":[6,5,2],"layers":[{"b_std":0.05,"bandwidth_in":3,"bandwidth_out":2,"max_beta":3.141592653589793,"type":"s2_lift","W_std":1.5},{"type":"relu"},{"b_std":null,"bandwidth_in":2,"bandwidth_out":2,"max_beta":0.5,"type":"so3_conv","W_std":1},{"fn":"gelu_numeric","type":"elementwise"},{"type":"so3_pool"},{"b_std":null,"type":"dense","W_std":1.5},{"fn":"erf_numeric","type":"elementwise"},{"b_std":null,"type":"dense","W_std":1}],"name":"so3","parameterization":"ntk"}
        """#,
    ]

    /// `spec.jsonData()` on main (pretty, sorted keys).
    static let pretty: [String] = [
        #"""
        {
          "input_shape" : [
            3
          ],
          "layers" : [
            {
              "b_std" : 0.05,
              "type" : "dense",
              "W_std" : 1.5
            },
            {
              "type" : "relu"
            },
            {
              "b_std" : 0.1,
              "type" : "dense",
              "W_std" : 1.4
            },
            {
              "type" : "erf"
            },
            {
              "b_std" : 0,
              "type" : "dense",
              "W_std" : 1
            },
            {
              "type" : "gelu"
            },
            {
              "b_std" : null,
              "type" : "dense",
              "W_std" : 1
            }
          ],
          "name" : "mlp",
          "parameterization" : "ntk"
        }
        """#,
        #"""
        {
          "input_shape" : [
            4
          ],
          "layers" : [
            {
              "b_std" : 0.0001,
              "type" : "dense",
              "W_std" : 0.0001,
              "width" : 7
            },
            {
              "alpha" : 0.1,
              "type" : "leaky_relu"
            },
            {
              "b_std" : null,
              "type" : "dense",
              "W_std" : 2,
              "width" : 3
            },
            {
              "a" : -0.5,
              "b" : 2,
              "type" : "abrelu"
            },
            {
              "b_std" : 1e+20,
              "type" : "dense",
              "W_std" : 1e-10,
              "width" : 1
            },
            {
              "type" : "abs"
            },
            {
              "b_std" : null,
              "type" : "dense",
              "W_std" : 3,
              "width" : 1
            },
            {
              "type" : "identity"
            },
            {
              "b_std" : null,
              "type" : "dense",
              "W_std" : 100000,
              "width" : 1
            }
          ],
          "name" : "a\/b \"q\" é",
          "parameterization" : "standard"
        }
        """#,
        #"""
        {
          "input_shape" : [
            6,
            6,
            2
          ],
          "layers" : [
            {
              "b_std" : 0.05,
              "filter" : [
                3,
                3
              ],
              "padding" : "circular",
              "type" : "conv",
              "W_std" : 1.5
            },
            {
              "fn" : "tanh",
              "type" : "elementwise"
            },
            {
              "b_std" : null,
              "filter" : [
                1,
                3
              ],
              "padding" : "valid",
              "type" : "conv",
              "W_std" : 1
            },
            {
              "fn" : "sin",
              "type" : "elementwise"
            },
            {
              "b_std" : null,
              "filter" : [
                3,
                3
              ],
              "padding" : "same",
              "type" : "conv",
              "W_std" : 0.3333333333333333
            },
            {
              "fn" : "sin",
              "type" : "elementwise"
            },
            {
              "type" : "flatten"
            },
            {
              "b_std" : null,
              "type" : "dense",
              "W_std" : 1.5
            }
          ],
          "parameterization" : "ntk"
        }
        """#,
        #"""
        {
          "input_shape" : [
            8,
            8,
            3
          ],
          "layers" : [
            {
              "b_std" : 0.05,
              "filter" : [
                3,
                3
              ],
              "group" : "C4",
              "padding" : "same",
              "type" : "lift",
              "W_std" : 1.5
            },
            {
              "type" : "relu"
            },
            {
              "b_std" : null,
              "filter" : [
                3,
                3
              ],
              "group" : "C4",
              "padding" : "circular",
              "type" : "gconv",
              "W_std" : 1
            },
            {
              "fn" : "sigmoid",
              "type" : "elementwise"
            },
            {
              "type" : "group_pool"
            },
            {
              "b_std" : 0.05,
              "type" : "dense",
              "W_std" : 1.5
            }
          ],
          "name" : "c4",
          "parameterization" : "ntk"
        }
        """#,
        #"""
        {
          "input_shape" : [
            5,
            5,
            1
          ],
          "layers" : [
            {
              "b_std" : null,
              "filter" : [
                3,
                3
              ],
              "group" : "D4",
              "padding" : "same",
              "type" : "lift",
              "W_std" : 1
            },
            {
              "fn" : "relu_numeric",
              "type" : "elementwise"
            },
            {
              "b_std" : null,
              "filter" : [
                3,
                3
              ],
              "group" : "D4",
              "padding" : "same",
              "type" : "gconv",
              "W_std" : 1
            },
            {
              "fn" : "cos",
              "type" : "elementwise"
            },
            {
              "type" : "flatten"
            },
            {
              "b_std" : null,
              "type" : "dense",
              "W_std" : 1
            }
          ],
          "name" : "d4",
          "parameterization" : "ntk"
        }
        """#,
        #"""
        {
          "input_shape" : [
            4,
            4,
            1
          ],
          "layers" : [
            {
              "b_std" : null,
              "filter" : [
                3,
                3
              ],
              "padding" : "same",
              "type" : "conv",
              "W_std" : 1
            },
            {
              "fn" : "softplus",
              "type" : "elementwise"
            },
            {
              "type" : "global_avg_pool"
            },
            {
              "b_std" : null,
              "type" : "dense",
              "W_std" : 1
            },
            {
              "fn" : "swish",
              "type" : "elementwise"
            },
            {
              "b_std" : null,
              "type" : "dense",
              "W_std" : 1
            }
          ],
          "name" : "cnn-gap",
          "parameterization" : "ntk"
        }
        """#,
        #"""
        {
          "input_shape" : [
            6,
            5,
            2
          ],
          "layers" : [
            {
              "b_std" : 0.05,
              "bandwidth_in" : 3,
              "bandwidth_out" : 2,
              "max_beta" : 3.141592653589793,
              "type" : "s2_lift",
              "W_std" : 1.5
            },
            {
              "type" : "relu"
            },
            {
              "b_std" : null,
              "bandwidth_in" : 2,
              "bandwidth_out" : 2,
              "max_beta" : 0.5,
              "type" : "so3_conv",
              "W_std" : 1
            },
            {
              "fn" : "gelu_numeric",
              "type" : "elementwise"
            },
            {
              "type" : "so3_pool"
            },
            {
              "b_std" : null,
              "type" : "dense",
              "W_std" : 1.5
            },
            {
              "fn" : "erf_numeric",
              "type" : "elementwise"
            },
            {
              "b_std" : null,
              "type" : "dense",
              "W_std" : 1
            }
          ],
          "name" : "so3",
          "parameterization" : "ntk"
        }
        """#,
    ]

    /// The error text for each of `badLayers` (inside `{"input_shape": [3], "layers": [·]}`)
    /// then each of `badSpecs`, on main — except that the two "unknown layer type" lists now
    /// also name `scale`, the type added after the descriptions (the one intended change).
    static let errors: [String] = [
        #"layers[0].W_std: must be a number, got big"#,
        #"layers[0].W_std: must be a number, got 1"#,
        #"layers[0].W_std: must be a number, got [1, 2]"#,
        #"layers[0].W_std: must be a number, got ["a": 1]"#,
        #"layers[0].W_std: must be a number, got <null>"#,
        #"layers[0].b_std: must be a number, got x"#,
        #"layers[0].width: must be an integer, got 2.5"#,
        #"layers[0].width: must be positive, got 0"#,
        #"layers[0].width: must be a number, got 1"#,
        #"layers[0].W_std: must be ≥ 0, got -1.0"#,
        #"layers[0].b_std: must be ≥ 0 or null, got -0.5"#,
        #"layers[0].type: must be a string, got 3"#,
        #"layers[0].type: must be a string, got 1"#,
        #"layers[0].type: must be a string, got ["dense"]"#,
        #"layers[0].type: missing"#,
        #"layers[0].type: unknown layer type "relux" — did you mean relu? (known: dense, conv, lift, gconv, relu, leaky_relu, abrelu, abs, erf, gelu, identity, elementwise, global_avg_pool, group_pool, flatten, s2_lift, so3_conv, so3_pool, scale, tanh, sin, cos, sigmoid, softplus, swish, relu_numeric, erf_numeric, gelu_numeric)"#,
        #"layers[0].type: unknown layer type "qqqqqq"; known: dense, conv, lift, gconv, relu, leaky_relu, abrelu, abs, erf, gelu, identity, elementwise, global_avg_pool, group_pool, flatten, s2_lift, so3_conv, so3_pool, scale, tanh, sin, cos, sigmoid, softplus, swish, relu_numeric, erf_numeric, gelu_numeric"#,
        #"layers[0].filter: missing (e.g. [3, 3])"#,
        #"layers[0].filter: must be a list of integers"#,
        #"layers[0].filter[1]: must be a number, got a"#,
        #"layers[0].padding: must be a string, got 1"#,
        #"layers[0].padding: must be circular, same or valid, got "Reflect""#,
        #"layers[0].group: missing (one of C1, C2, C4, D1, D2, D4)"#,
        #"layers[0].group: must be a string, got 4"#,
        #"layers[0].group: unknown group "C5"; use C1, C2, C4, D1, D2 or D4"#,
        #"layers[0].alpha: must be a number, got x"#,
        #"layers[0].b: missing"#,
        #"layers[0].a: missing"#,
        #"layers[0].fn: missing (one of tanh, sin, cos, sigmoid, softplus, swish, relu_numeric, erf_numeric, gelu_numeric)"#,
        #"layers[0].fn: unknown function "foo""#,
        #"layers[0].fn: must be a string, got 2"#,
        #"layers[0].bandwidth_in: missing"#,
        #"layers[0].bandwidth_out: missing"#,
        #"layers[0].bandwidth_in: must be ≥ 1"#,
        #"layers[0].bandwidth_out: must be ≤ 32, got 40"#,
        #"layers[0].max_beta: must be in (0, π]"#,
        #"layers[0].max_beta: must be a number, got pi"#,
        #"line 1, column 60: number 1e999 is out of range (JSON numbers must be finite doubles, |x| ≤ 1.8e308)"#,
        #"layers[0]: must be an object with a "type""#,
        #"layers[0]: must be an object with a "type""#,
        #"layers[0]: must be an object with a "type""#,
        #"layers: missing"#,
        #"input_shape: missing"#,
        #"input_shape: must be a list of integers"#,
        #"input_shape[1]: must be a number, got a"#,
        #"input_shape: must be [D] (vectors) or [H, W, C] (images), got [3, 4]"#,
        #"input_shape: sizes must be positive, got [0]"#,
        #"layers: must be a list of layer objects"#,
        #"layers: the stack is empty"#,
        #"layers[0]: must be an object with a "type""#,
        #"parameterization: must be "ntk" or "standard", got nt"#,
        #"parameterization: must be "ntk" or "standard", got 1"#,
        #"OK"#,
        #"(top level): expected a JSON object at the top level"#,
        #"line 1, column 2: not valid JSON: unexpected "oops""#,
        #"line 1, column 1: not valid JSON: the text ends early (an unclosed bracket, brace or string?)"#,
        #"line 1, column 60: NaN is not a JSON number; use a finite number"#,
        #"input_shape: [999999999, 999999999, 999999999] has too many values per input (at most 67108864 = 2^26)"#,
        #"input_shape[0]: must be an integer, got 3.5"#,
        #"line 1, column 60: number 1e309 is out of range (JSON numbers must be finite doubles, |x| ≤ 1.8e308)"#,
        #"OK"#,
    ]

    static func message(_ body: () throws -> Any) -> String {
        do { _ = try body(); return "OK" } catch { return "\(error)" }
    }

    func testCanonicalBytesUnchanged() throws {
        for (i, j) in Self.specs.enumerated() {
            let s = try ArchitectureSpec.parse(json: Data(j.utf8))
            XCTAssertEqual(s.canonicalJSON(), Self.compact[i], "spec \(i)")
            XCTAssertEqual(String(decoding: try s.jsonData(), as: UTF8.self), Self.pretty[i], "spec \(i)")
            // The Foundation-object boundary (session lines) writes the same bytes.
            let viaObject = try JSONSerialization.data(withJSONObject: s.jsonObject, options: [.sortedKeys])
            XCTAssertEqual(String(decoding: viaObject, as: UTF8.self), Self.compact[i], "spec \(i)")
            // Round trips: text → spec → text, and through Codable.
            XCTAssertEqual(try ArchitectureSpec.parse(json: Data(Self.compact[i].utf8)), s)
            XCTAssertEqual(try JSONDecoder().decode(ArchitectureSpec.self, from: try JSONEncoder().encode(s)), s)
        }
    }

    /// The tile-store key's spec text is the canonical JSON without the name (main removed the
    /// "name" key before writing; here that key is cut out of main's bytes).
    func testStoreKeySpecTextUnchanged() throws {
        for (i, j) in Self.specs.enumerated() {
            let s = try ArchitectureSpec.parse(json: Data(j.utf8))
            var expected = Self.compact[i]
            if let r = expected.range(of: #","name":"[^"\\]*(\\.[^"\\]*)*""#, options: .regularExpression) { expected.removeSubrange(r) }
            XCTAssertEqual(s.canonicalJSON(withName: false), expected, "spec \(i)")
        }
    }

    /// A real store on disk: the "spec" of /work/runs/qm9-paper-store/so3/manifest.json, written
    /// by main's binary for the QM9 SO(3) model (copied here verbatim). Re-encoding the parsed
    /// spec must give the same text, or that store's key (and its 11651² tiles) would be lost.
    func testRealStoreManifestSpecTextUnchanged() throws {
        let manifest = #"{"input_shape":[12,11,10],"layers":[{"b_std":0.1,"bandwidth_in":6,"bandwidth_out":3,"max_beta":3.141592653589793,"type":"s2_lift","W_std":1.5},{"type":"erf"},{"b_std":0.1,"bandwidth_in":3,"bandwidth_out":3,"max_beta":3.141592653589793,"type":"so3_conv","W_std":1.5},{"type":"erf"},{"type":"so3_pool"},{"b_std":0.05,"type":"dense","W_std":1}],"parameterization":"ntk"}"#
        let s = try ArchitectureSpec.parse(json: Data(manifest.utf8))
        XCTAssertEqual(s.canonicalJSON(withName: false), manifest)
    }

    func testErrorTextsUnchanged() {
        var got: [String] = []
        for j in Self.badLayers {
            got.append(Self.message { try ArchitectureSpec.parse(json: Data("{\"input_shape\": [3], \"layers\": [\(j)]}".utf8)) })
        }
        for j in Self.badSpecs { got.append(Self.message { try ArchitectureSpec.parse(json: Data(j.utf8)) }) }
        XCTAssertEqual(got.count, Self.errors.count)
        for (g, e) in zip(got, Self.errors) { XCTAssertEqual(g, e) }
    }

    /// A layer nested in another Codable document is located by its coding path.
    func testCodableLayerLocatesErrors() {
        struct Doc: Codable { var layers: [LayerSpec] }
        XCTAssertThrowsError(try JSONDecoder().decode(Doc.self, from: Data(#"{"layers": [{"type": "relu"}, {"type": "dense", "W_std": "x"}]}"#.utf8))) { e in
            XCTAssertEqual("\(e)", "layers[1].W_std: must be a number, got x")
        }
    }
}
