/// One layer type, described in one place: its `type` name(s), how its fields are read from
/// and written to spec JSON (with located errors), its editable fields, its one-line summary
/// and its default form.
///
/// Why a protocol with static requirements rather than a table of closures: the compiler
/// checks that a new type provides every face (a missing `summary` is a build error, not a
/// runtime gap), each description is an ordinary type one can read top to bottom in its own
/// file, and `LayerKinds.all` stays a one-line-per-type list. A description is stateless;
/// the layer's values live in `LayerSpec`, which every engine consumes.
///
/// The engine faces — the shape rule and kernel step for the plane and SO(3) programs, the
/// finite-width step, the tiling cost — are the internal `LayerSteps` requirements
/// (`LayerSteps.swift`), implemented in the same file as the type's public faces.
public protocol LayerKind: Sendable {
    /// The spec `type` strings this description reads; the first is the one it writes.
    static var typeNames: [String] { get }
    /// Whether `layer` is of this type (exactly one description answers yes).
    static func describes(_ layer: LayerSpec) -> Bool
    /// Reads the layer from its JSON object (`o.path` locates errors: `layers[2].W_std`).
    static func decode(_ o: LayerObject) throws -> LayerSpec
    /// The layer's fields other than `type`, in the editor's order — exactly the keys its
    /// spec JSON has (`encode` writes these).
    static func fields(of layer: LayerSpec) -> [LayerField]
    /// The `type` written to JSON (default: the first type name).
    static func jsonType(of layer: LayerSpec) -> String
    /// The Stack pane's line, e.g. `lift C4 3×3 circular W1.5 b0.05` (default: the type).
    static func summary(of layer: LayerSpec) -> String
    /// The layer "add layer" inserts (`LayerDefaults`), nil when it has no default form;
    /// `group` is for group layers, `bandwidth` that of the features it receives.
    static func defaultLayer(group: PointGroup, bandwidth: Int) throws -> LayerSpec?
    /// Whether the layer works on spherical signals (so the stack needs the SO(3) backend).
    static var isSpherical: Bool { get }
}

public extension LayerKind {
    static func jsonType(of layer: LayerSpec) -> String { typeNames[0] }
    static func summary(of layer: LayerSpec) -> String { layer.typeName }
    static func fields(of layer: LayerSpec) -> [LayerField] { [] }
    static func defaultLayer(group: PointGroup, bandwidth: Int) throws -> LayerSpec? { nil }
    static var isSpherical: Bool { false }
}

/// The layer types, listed once. Adding a type = one file in `Sources/NTKEngine/Layers`
/// and one line here (see docs/architecture.md, "How to add a layer").
public enum LayerKinds {
    public static var all: [any LayerKind.Type] { registered }

    /// The registry, one line per type (with the engine faces, `LayerSteps`).
    static let registered: [any LayerSteps.Type] = [
        DenseLayerKind.self, ConvLayerKind.self, LiftLayerKind.self, GConvLayerKind.self,
        ReluLayerKind.self, LeakyReluLayerKind.self, ABReluLayerKind.self, AbsLayerKind.self,
        ErfLayerKind.self, GeluLayerKind.self, IdentityLayerKind.self, ElementwiseLayerKind.self,
        GlobalAvgPoolLayerKind.self, GroupPoolLayerKind.self, FlattenLayerKind.self,
        S2LiftLayerKind.self, SO3ConvLayerKind.self, SO3PoolLayerKind.self,
        ScaleLayerKind.self,
    ]

    /// Every `type` string a spec may use: each description's own name in registry order, then
    /// the aliases (the elementwise functions' names), as the "unknown type" message lists them.
    public static let typeNames: [String] = all.map { $0.typeNames[0] } + all.flatMap { $0.typeNames.dropFirst() }

    static let byTypeName: [String: any LayerSteps.Type] = {
        var d: [String: any LayerSteps.Type] = [:]
        for k in registered { for n in k.typeNames where d[n] == nil { d[n] = k } }
        return d
    }()

    /// The description that reads `type`, if any.
    public static func kind(forType type: String) -> (any LayerKind.Type)? { byTypeName[type] }
}

public extension LayerSpec {
    /// This layer's description. Every `LayerSpec` value is described by one registered kind
    /// (`LayerKindTests` checks it for every case); `ElementwiseLayerKind` is the fallback so
    /// the lookup is total without a trap.
    var kind: any LayerKind.Type { steps }

    /// The Stack pane's one-line summary (the description's).
    var summary: String { kind.summary(of: self) }

    /// The fields this layer writes to JSON, besides `type`.
    var jsonFields: [String: JSONValue] {
        var d: [String: JSONValue] = ["type": .string(kind.jsonType(of: self))]
        for f in editableFields { d[f.key] = f.value.json }
        return d
    }

    /// The editor's fields (the description's).
    var editableFields: [LayerField] { kind.fields(of: self) }
}
