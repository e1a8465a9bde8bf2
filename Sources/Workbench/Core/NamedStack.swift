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
    var spec: ArchitectureSpec { didSet { compiled = NamedStack.compile(spec) } }

    /// The spec compiled once per change. `validation` and `shapes` are asked several times
    /// per frame (Stack pane, views, job checks); before, each asked `Stack(spec)` again.
    private(set) var compiled: Result<Stack, SpecError>

    init(name: String, spec: ArchitectureSpec) {
        self.name = name; self.spec = spec; self.compiled = NamedStack.compile(spec)
    }

    static func compile(_ spec: ArchitectureSpec) -> Result<Stack, SpecError> {
        do { return .success(try Stack(spec)) } catch let e as SpecError { return .failure(e) } catch {
            return .failure(SpecError("", "\(error)"))
        }
    }

    /// Identity is the name and the spec (the compiled form follows from the spec).
    static func == (a: NamedStack, b: NamedStack) -> Bool { a.name == b.name && a.spec == b.spec }
    func hash(into h: inout Hasher) { h.combine(name); h.combine(spec) }

    /// nil when the engine accepts the stack, otherwise its located error.
    var validation: SpecError? {
        if spec.layers.isEmpty { return SpecError("layers", "the stack is empty; press a to add a layer") }
        if case .failure(let e) = compiled { return e }
        return nil
    }

    /// Feature shapes after each layer when valid (for the Stack pane).
    var shapes: [FeatureShape]? { try? compiled.get().shapes }

    /// The group of the lifted segment, if any (C1 for plain CNNs).
    var group: PointGroup? {
        for l in spec.layers { if case .lift(let g) = l { return g.group } }
        return nil
    }

    /// Canonical compact JSON (sorted keys): the identity of the spec in hashes and logs.
    var canonicalJSON: String { spec.canonicalJSON() }

    /// The editable fields of a layer, typed by the engine (`LayerSpec.editableFields`).
    static func fields(of layer: LayerSpec) -> [(key: String, value: String)] {
        layer.editableFields.map { ($0.key, $0.text) }
    }

    /// Parses the text typed for a field into a JSON value.
    static func jsonValue(_ text: String, forKey key: String) -> JSONValue {
        let t = text.trimmingCharacters(in: .whitespaces)
        if t == "null" || t == "none" || t.isEmpty { return .null }
        if key == "filter" {
            let parts = t.trimmingCharacters(in: CharacterSet(charactersIn: "[]")).split(whereSeparator: { $0 == "," || $0 == "x" || $0 == "×" || $0 == " " })
            let ints = parts.compactMap { Int($0) }
            if ints.count == parts.count {
                let values = ints.map { JSONValue.number(Double($0)) }
                return .array(ints.count == 1 ? values + values : values)
            }
            return .string(t)
        }
        if key == "max_beta", ["pi", "π"].contains(t.lowercased()) { return .number(Double.pi) }
        if let d = Double(t) { return .number(d) }
        return .string(t)
    }

    /// The stack with `key` of layer `index` set to `text`, validated by the engine's layer
    /// parser (so e.g. `W_std = -1` is refused with its located message).
    func setting(_ key: String, to text: String, layer index: Int) throws -> NamedStack {
        guard spec.layers.indices.contains(index) else {
            throw CommandError("layer \(index) does not exist (the stack has \(spec.layers.count) layers)")
        }
        guard key != "type" else { throw CommandError("the layer type cannot be edited; remove the layer and add another") }
        var obj = spec.layers[index].jsonFields
        let known = Set(obj.keys).union(["W_std", "b_std", "width", "group", "filter", "padding", "alpha", "fn"]
                                        + (obj["bandwidth_in"] != nil ? ["bandwidth_in", "bandwidth_out", "max_beta"] : []))
        guard known.contains(key) else { throw CommandError("\(spec.layers[index].typeName) has no parameter \"\(key)\"") }
        obj[key] = NamedStack.jsonValue(text, forKey: key)
        do {
            let layer = try LayerSpec.parse(value: .object(obj), path: "layers[\(index)]")
            var s = self
            s.spec.layers[index] = layer
            return s
        } catch let e as SpecError {
            throw CommandError(e.description)
        }
    }
}

/// Layer types offered by "add layer"; the defaults are the engine's `LayerDefaults`.
enum LayerCatalog {
    static let types = LayerDefaults.addableTypes

    /// A new layer of `type` with the engine's defaults; `group` is used by lift/gconv,
    /// `bandwidth` (of the features it receives) by `s2_lift`/`so3_conv`.
    static func make(_ type: String, group: PointGroup = .c4, bandwidth: Int = 3) throws -> LayerSpec {
        do {
            if let layer = try LayerDefaults.layer(type, group: group, bandwidth: bandwidth) { return layer }
            // No default form (e.g. abrelu, tanh): the engine's parser builds it or names the problem.
            return try LayerSpec.parse(value: .object(["type": .string(type)]), path: "new layer")
        } catch let e as SpecError {
            throw CommandError("cannot add \(type): \(e)")
        }
    }
}

/// Ready-made stacks for `stack.new`: the engine's `StackPreset`s (shared with the CLI).
enum StackPresets {
    static let names = StackPreset.workbenchNames

    static func make(_ preset: String, inputShape: [Int]) throws -> ArchitectureSpec {
        guard names.contains(preset), let p = StackPreset(name: preset) else {
            throw CommandError("unknown preset \"\(preset)\"; use \(names.joined(separator: ", "))")
        }
        do { return try p.spec(inputShape: inputShape) } catch let e as SpecError {
            throw CommandError("preset \(preset): \(e)")
        }
    }
}
