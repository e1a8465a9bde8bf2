import Foundation
import NTKEngine

/// One layer stack of the workbench: a name (shown in legends and overlays) and its spec.
///
/// The spec may be structurally incomplete while it is being edited (e.g. a conv without a
/// readout yet); `validation` says why, located by the engine (`layers[2].filter: …`), and
/// jobs refuse to start until it is fixed. Parameter values themselves are always valid:
/// `setting(_:to:layer:)` re-parses the layer through the engine before accepting an edit.
struct NamedStack: Sendable, Hashable {
    var name: String
    var spec: ArchitectureSpec

    /// nil when the engine accepts the stack, otherwise its located error.
    var validation: SpecError? {
        if spec.layers.isEmpty { return SpecError("layers", "the stack is empty; press a to add a layer") }
        do { _ = try Stack(spec); return nil } catch let e as SpecError { return e } catch {
            return SpecError("", "\(error)")
        }
    }

    /// Whether the stack has SO(3) layers (computed by `SO3KernelEvaluator`).
    var isSpherical: Bool {
        spec.layers.contains { switch $0 { case .s2Lift, .so3Conv, .so3Pool: true; default: false } }
    }

    /// Feature shapes after each layer when valid (for the Stack pane).
    var shapes: [FeatureShape]? { try? Stack(spec).shapes }

    /// The group of the lifted segment, if any (C1 for plain CNNs).
    var group: PointGroup? {
        for l in spec.layers { if case .lift(let g) = l { return g.group } }
        return nil
    }

    /// Canonical compact JSON (sorted keys): the identity of the spec in hashes and logs.
    var canonicalJSON: String {
        let data = (try? JSONSerialization.data(withJSONObject: spec.jsonObject, options: [.sortedKeys])) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }

    /// The editable fields of a layer (everything in its JSON except `type`), in a stable order.
    static func fields(of layer: LayerSpec) -> [(key: String, value: String)] {
        let obj = layer.jsonObject
        let order = ["group", "filter", "padding", "W_std", "b_std", "width", "alpha", "a", "b", "fn",
                     "bandwidth_in", "bandwidth_out", "max_beta"]
        let keys = obj.keys.filter { $0 != "type" }.sorted { (order.firstIndex(of: $0) ?? 99, $0) < (order.firstIndex(of: $1) ?? 99, $1) }
        return keys.map { ($0, format(obj[$0])) }
    }

    static func format(_ v: Any?) -> String {
        switch v {
        case nil, is NSNull: return "null"
        case let a as [Int]: return a.map(String.init).joined(separator: ",")
        case let d as Double where abs(d - Double.pi) < 1e-12: return "π"
        case let d as Double: return d == d.rounded() && abs(d) < 1e6 ? String(format: "%.1f", d) : String(format: "%g", d)
        case let i as Int: return String(i)
        case let s as String: return s
        case let n as NSNumber: return n.stringValue
        default: return "\(v ?? "")"
        }
    }

    /// Parses the text typed for a field into a JSON value.
    static func jsonValue(_ text: String, forKey key: String) -> Any {
        let t = text.trimmingCharacters(in: .whitespaces)
        if t == "null" || t == "none" || t.isEmpty { return NSNull() }
        if key == "filter" {
            let parts = t.trimmingCharacters(in: CharacterSet(charactersIn: "[]")).split(whereSeparator: { $0 == "," || $0 == "x" || $0 == "×" || $0 == " " })
            let ints = parts.compactMap { Int($0) }
            if ints.count == parts.count {
                return ints.count == 1 ? ints.map { NSNumber(value: $0) } + ints.map { NSNumber(value: $0) } : ints.map { NSNumber(value: $0) }
            }
            return t
        }
        if key == "max_beta", ["pi", "π"].contains(t.lowercased()) { return NSNumber(value: Double.pi) }
        if let d = Double(t) { return NSNumber(value: d) }
        return t
    }

    /// The stack with `key` of layer `index` set to `text`, validated by the engine's layer
    /// parser (so e.g. `W_std = -1` is refused with its located message).
    func setting(_ key: String, to text: String, layer index: Int) throws -> NamedStack {
        guard spec.layers.indices.contains(index) else {
            throw CommandError("layer \(index) does not exist (the stack has \(spec.layers.count) layers)")
        }
        guard key != "type" else { throw CommandError("the layer type cannot be edited; remove the layer and add another") }
        var obj = spec.layers[index].jsonObject
        let known = Set(obj.keys).union(["W_std", "b_std", "width", "group", "filter", "padding", "alpha", "fn"]
                                        + (obj["bandwidth_in"] != nil ? ["bandwidth_in", "bandwidth_out", "max_beta"] : []))
        guard known.contains(key) else { throw CommandError("\(spec.layers[index].typeName) has no parameter \"\(key)\"") }
        obj[key] = NamedStack.jsonValue(text, forKey: key)
        do {
            let layer = try LayerSpec.parse(obj, path: "layers[\(index)]")
            var s = self
            s.spec.layers[index] = layer
            return s
        } catch let e as SpecError {
            throw CommandError(e.description)
        }
    }
}

/// Layer types offered by "add layer", with the defaults a new layer gets.
enum LayerCatalog {
    static let types = ["conv", "lift", "gconv", "relu", "erf", "gelu", "leaky_relu", "identity",
                        "global_avg_pool", "group_pool", "flatten", "dense", "s2_lift", "so3_conv", "so3_pool"]

    /// A new layer of `type` with sensible defaults; `group` is used by lift/gconv, `bandwidth`
    /// (of the features it receives) by `s2_lift`/`so3_conv`, which keep it (bandwidth_out = bandwidth_in).
    static func make(_ type: String, group: PointGroup = .c4, bandwidth: Int = 3) throws -> LayerSpec {
        var obj: [String: Any] = ["type": type]
        switch type {
        case "s2_lift", "so3_conv":
            obj["bandwidth_in"] = bandwidth; obj["bandwidth_out"] = bandwidth; obj["max_beta"] = Double.pi
            obj["W_std"] = 1.5; obj["b_std"] = 0.05
        case "conv": obj["filter"] = [3, 3]; obj["padding"] = "circular"; obj["W_std"] = 1.5; obj["b_std"] = 0.05
        case "lift", "gconv":
            obj["filter"] = [3, 3]; obj["padding"] = "circular"; obj["W_std"] = 1.5; obj["b_std"] = 0.05
            obj["group"] = group.name
        case "dense": obj["W_std"] = 1.0; obj["b_std"] = 0.05
        default: break
        }
        do { return try LayerSpec.parse(obj, path: "new layer") } catch let e as SpecError {
            throw CommandError("cannot add \(type): \(e)")
        }
    }
}

/// Ready-made stacks for `stack.new`.
enum StackPresets {
    static let names = ["cnn", "gcnn-c4", "gcnn-d4", "gcnn-c2", "mlp", "so3", "empty"]

    static func make(_ preset: String, inputShape: [Int]) throws -> ArchitectureSpec {
        func conv(_ t: String, _ g: String? = nil) -> [String: Any] {
            var d: [String: Any] = ["type": t, "filter": [3, 3], "padding": "circular", "W_std": 1.5, "b_std": 0.05]
            if let g { d["group"] = g }
            return d
        }
        let relu: [String: Any] = ["type": "relu"]
        let dense: [String: Any] = ["type": "dense", "W_std": 1.0, "b_std": 0.0]
        let layers: [[String: Any]]
        switch preset {
        case "cnn": layers = [conv("conv"), relu, conv("conv"), relu, ["type": "global_avg_pool"], dense]
        case "gcnn-c4", "gcnn-d4", "gcnn-c2":
            let g = preset.split(separator: "-").last.map { $0.uppercased() } ?? "C4"
            layers = [conv("lift", g), relu, conv("gconv", g), relu, ["type": "group_pool"], dense]
        case "mlp": layers = [["type": "flatten"], dense, relu, dense]
        case "so3":
            // Spherical CNN on a [2L, 2L−1, C] Driscoll–Healy input: lift, conv, pool, readout.
            let l = max(1, inputShape.first.map { $0 / 2 } ?? 3)
            func sph(_ t: String) -> [String: Any] {
                ["type": t, "bandwidth_in": l, "bandwidth_out": l, "max_beta": Double.pi, "W_std": 1.5, "b_std": 0.05]
            }
            layers = [sph("s2_lift"), relu, sph("so3_conv"), relu, ["type": "so3_pool"], dense]
        case "empty": return ArchitectureSpec(name: "", inputShape: inputShape, layers: [])
        default: throw CommandError("unknown preset \"\(preset)\"; use \(names.joined(separator: ", "))")
        }
        do {
            return try ArchitectureSpec.parse(object: ["input_shape": inputShape, "layers": layers])
        } catch let e as SpecError { throw CommandError("preset \(preset): \(e)") }
    }
}
