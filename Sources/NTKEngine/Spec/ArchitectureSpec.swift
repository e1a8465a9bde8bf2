import Foundation

/// An architecture: parameterization, input shape and the layer list.
///
/// The JSON of `shared/reference/FORMAT.md` *is* this format; reference files, CLI `--spec`
/// files and sessions all use it. Parsing checks every field and reports the first problem
/// with its JSON path; `Stack(spec)` then checks that the layers fit together.
public struct ArchitectureSpec: Sendable, Hashable {
    public var name: String
    public var parameterization: Parameterization
    /// `[H, W, C]` for images (NHWC) or `[D]` for vectors.
    public var inputShape: [Int]
    public var layers: [LayerSpec]

    public init(name: String = "", parameterization: Parameterization = .ntk, inputShape: [Int], layers: [LayerSpec]) {
        self.name = name; self.parameterization = parameterization
        self.inputShape = inputShape; self.layers = layers
    }

    /// Which kernel engine evaluates a stack.
    public enum Backend: Sendable, Hashable {
        /// Plane images and vectors: `KernelEvaluator` over the compiled `Stack` program.
        case plane
        /// Spherical signals: `SO3KernelEvaluator` / `SO3Stack`.
        case so3
    }

    /// The one place the backend is chosen: a stack with any SO(3) layer is spherical. Decided
    /// from the layer types alone, so it is usable before widths are resolved or the stack is
    /// validated; everything else (`Stack.isSpherical`, the workbench, the CLI) asks this.
    public var backend: Backend {
        layers.contains { $0.isSphericalLayer } ? .so3 : .plane
    }

    /// `backend == .so3`.
    public var isSpherical: Bool { backend == .so3 }

    /// Parses spec JSON text (decoded into a typed `JSONValue`; syntax errors located by line
    /// and column).
    public static func parse(json data: Data) throws -> ArchitectureSpec {
        try parse(value: try JSONValue.decode(data))
    }

    /// Parses a spec already decoded into a JSON value (e.g. one embedded in a session line).
    public static func parse(value: JSONValue) throws -> ArchitectureSpec {
        guard case .object(let dict) = value else { throw SpecError("(top level)", "expected a JSON object at the top level") }
        var name = ""
        if case .string(let n)? = dict["name"] { name = n }
        var param = Parameterization.ntk
        if let p = dict["parameterization"] {
            guard case .string(let s) = p, let v = Parameterization(rawValue: s) else {
                throw SpecError("parameterization", "must be \"ntk\" or \"standard\", got \(p.messageText)")
            }
            param = v
        }
        guard let shapeValue = dict["input_shape"] else { throw SpecError("input_shape", "missing") }
        let shape = try JSONField.intArray(shapeValue, "input_shape")
        try checkInputShape(shape)
        guard let layersValue = dict["layers"] else { throw SpecError("layers", "missing") }
        guard case .array(let arr) = layersValue else { throw SpecError("layers", "must be a list of layer objects") }
        let layers = try arr.enumerated().map { try LayerSpec.parse(value: $0.element, path: "layers[\($0.offset)]") }
        if layers.isEmpty { throw SpecError("layers", "the stack is empty") }
        return ArchitectureSpec(name: name, parameterization: param, inputShape: shape, layers: layers)
    }

    /// Parses a Foundation JSON object — the outer boundary where sessions and reference
    /// files, read with `JSONSerialization`, hand a spec in as `[String: Any]`.
    public static func parse(object dict: [String: Any]) throws -> ArchitectureSpec {
        guard let v = JSONValue(foundation: dict) else { throw SpecError("(top level)", "not a JSON object") }
        return try parse(value: v)
    }

    /// Largest number of values per input (H·W·C or D): 2²⁶, i.e. 512 MiB of float64 each.
    public static let maxInputValues = 1 << 26
    /// Largest number of image positions P = H·W: each worker keeps seven P×P blocks, so
    /// P = 96·96 already needs 7·8·P² bytes ≈ 4.4 GiB per thread.
    public static let maxPositions = 96 * 96

    /// Checks an input shape as parsing does: [D] or [H, W, C], positive, not too large.
    static func checkInputShape(_ shape: [Int]) throws {
        guard shape.count == 1 || shape.count == 3 else {
            throw SpecError("input_shape", "must be [D] (vectors) or [H, W, C] (images), got \(shape)")
        }
        guard shape.allSatisfy({ $0 > 0 }) else { throw SpecError("input_shape", "sizes must be positive, got \(shape)") }
        try checkInputSize(shape)
    }

    /// Refuses input shapes whose sizes overflow or exceed what the kernel recursion can hold
    /// (products are formed with overflow checks, so [999999999, 999999999, 999999999] is an
    /// error, not a trap).
    static func checkInputSize(_ shape: [Int]) throws {
        var total = 1
        for d in shape {
            let (p, o) = total.multipliedReportingOverflow(by: d)
            guard !o, p <= maxInputValues else {
                throw SpecError("input_shape", "\(shape) has too many values per input (at most \(maxInputValues) = 2^26)")
            }
            total = p
        }
        if shape.count == 3 {
            let p = shape[0] * shape[1] // both factors ≤ 2^26 after the loop above: no overflow
            guard p <= maxPositions else {
                throw SpecError("input_shape", "\(shape[0])×\(shape[1]) = \(p) image positions; at most \(maxPositions) (96×96) — the recursion keeps P×P blocks per thread (7·8·P² bytes)")
            }
        }
    }

    /// The spec as a typed JSON value (the inverse of `parse(value:)`).
    public var jsonValue: JSONValue {
        var d: [String: JSONValue] = ["parameterization": .string(parameterization.rawValue),
                                      "input_shape": .array(inputShape.map { .number(Double($0)) }),
                                      "layers": .array(layers.map { .object($0.jsonFields) })]
        if !name.isEmpty { d["name"] = .string(name) }
        return .object(d)
    }

    /// The spec as a Foundation object, for the outer boundaries that carry `[String: Any]`
    /// (session lines).
    public var jsonObject: [String: Any] { (jsonValue.foundationObject as? [String: Any]) ?? [:] }

    /// Pretty, key-sorted JSON text.
    public func jsonData() throws -> Data { jsonValue.serialized(pretty: true) }

    /// Compact, key-sorted JSON: the spec's identity in content hashes and tile-store keys
    /// (`withName: false` leaves the name out, which does not change the kernel). The bytes
    /// are pinned by `CanonicalSpecJSONTests`.
    public func canonicalJSON(withName: Bool = true) -> String {
        var v = jsonValue
        if !withName, case .object(var d) = v { d.removeValue(forKey: "name"); v = .object(d) }
        return String(decoding: v.serialized(), as: UTF8.self)
    }
}

/// `ArchitectureSpec` as a Codable value: decoding goes through `parse(value:)`, so a spec
/// nested in any Codable document is checked and located exactly like a spec file.
extension ArchitectureSpec: Codable {
    public init(from decoder: Decoder) throws { self = try ArchitectureSpec.parse(value: try JSONValue(from: decoder)) }
    public func encode(to encoder: Encoder) throws { try jsonValue.encode(to: encoder) }
}

extension LayerSpec {
    static var knownTypes: [String] { LayerKinds.typeNames }

    /// Checks the bandwidths of an SO(3) layer (errors located at `path.bandwidth_in/_out`).
    static func checkBandwidths(_ lin: Int, _ lout: Int, path: String) throws {
        guard lin >= 1 else { throw SpecError("\(path).bandwidth_in", "must be ≥ 1") }
        guard lout >= 1 else { throw SpecError("\(path).bandwidth_out", "must be ≥ 1") }
        // SO(3) work and memory grow like a high power of the bandwidth (Wigner-D tables of
        // size ~B³ per degree); 32 is far beyond what finishes in reasonable time.
        guard lin <= 32 else { throw SpecError("\(path).bandwidth_in", "must be ≤ 32, got \(lin)") }
        guard lout <= 32 else { throw SpecError("\(path).bandwidth_out", "must be ≤ 32, got \(lout)") }
    }

    /// Parses one layer value; `path` locates it (`layers[3]`). The `type` picks the
    /// description (`LayerKinds`), which reads the fields.
    public static func parse(value: JSONValue, path: String) throws -> LayerSpec {
        guard case .object(let d) = value else { throw SpecError(path, "must be an object with a \"type\"") }
        guard let tValue = d["type"] else { throw SpecError("\(path).type", "missing") }
        let type = try JSONField.string(tValue, "\(path).type")
        guard let kind = LayerKinds.kind(forType: type) else {
            if let guess = EditDistance.suggestion(for: type, among: knownTypes) {
                throw SpecError("\(path).type", "unknown layer type \"\(type)\" — did you mean \(guess)? (known: \(knownTypes.joined(separator: ", ")))")
            }
            throw SpecError("\(path).type", "unknown layer type \"\(type)\"; known: \(knownTypes.joined(separator: ", "))")
        }
        return try kind.decode(LayerObject(d, path: path))
    }

    /// Parses one layer from a Foundation object (the `[String: Any]` boundary).
    public static func parse(_ d: [String: Any], path: String) throws -> LayerSpec {
        guard let v = JSONValue(foundation: d) else { throw SpecError(path, "must be an object with a \"type\"") }
        return try parse(value: v, path: path)
    }

    /// The layer as a Foundation object (inverse of `parse(_:path:)`).
    public var jsonObject: [String: Any] { JSONValue.object(jsonFields).foundationObject as? [String: Any] ?? [:] }
}

/// A layer as a Codable value: its path comes from the decoder's coding path
/// (`layers[2]`), so errors are located as in a spec file.
extension LayerSpec: Codable {
    public init(from decoder: Decoder) throws {
        var path = ""
        for k in decoder.codingPath {
            if let i = k.intValue { path += "[\(i)]" } else { path += path.isEmpty ? k.stringValue : ".\(k.stringValue)" }
        }
        self = try LayerSpec.parse(value: try JSONValue(from: decoder), path: path.isEmpty ? "layer" : path)
    }
    public func encode(to encoder: Encoder) throws { try JSONValue.object(jsonFields).encode(to: encoder) }
}
