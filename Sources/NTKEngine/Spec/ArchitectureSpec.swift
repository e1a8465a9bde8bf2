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

    /// Parses spec JSON text.
    public static func parse(json data: Data) throws -> ArchitectureSpec {
        let obj: Any
        do { obj = try JSONSerialization.jsonObject(with: data) } catch {
            throw JSONErrorLocation.specError(for: error, in: data)
        }
        guard let dict = obj as? [String: Any] else { throw SpecError("(top level)", "expected a JSON object at the top level") }
        return try parse(object: dict)
    }

    /// Parses an already decoded JSON object (e.g. one embedded in a session line).
    public static func parse(object dict: [String: Any]) throws -> ArchitectureSpec {
        let name = dict["name"] as? String ?? ""
        var param = Parameterization.ntk
        if let p = dict["parameterization"] {
            guard let s = p as? String, let v = Parameterization(rawValue: s) else {
                throw SpecError("parameterization", "must be \"ntk\" or \"standard\", got \(p)")
            }
            param = v
        }
        guard let shapeAny = dict["input_shape"] else { throw SpecError("input_shape", "missing") }
        let shape = try JSONField.intArray(shapeAny, "input_shape")
        try checkInputShape(shape)
        guard let layersAny = dict["layers"] else { throw SpecError("layers", "missing") }
        guard let arr = layersAny as? [Any] else { throw SpecError("layers", "must be a list of layer objects") }
        var layers: [LayerSpec] = []
        for (i, l) in arr.enumerated() {
            guard let ld = l as? [String: Any] else { throw SpecError("layers[\(i)]", "must be an object with a \"type\"") }
            layers.append(try LayerSpec.parse(ld, path: "layers[\(i)]"))
        }
        if layers.isEmpty { throw SpecError("layers", "the stack is empty") }
        return ArchitectureSpec(name: name, parameterization: param, inputShape: shape, layers: layers)
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

    /// The spec as a JSON object (the inverse of `parse(object:)`).
    public var jsonObject: [String: Any] {
        var d: [String: Any] = ["parameterization": parameterization.rawValue,
                                "input_shape": inputShape,
                                "layers": layers.map { $0.jsonObject }]
        if !name.isEmpty { d["name"] = name }
        return d
    }

    /// Pretty, key-sorted JSON text.
    public func jsonData() throws -> Data {
        try JSONSerialization.data(withJSONObject: jsonObject, options: [.prettyPrinted, .sortedKeys])
    }
}

/// Typed field access with located errors.
enum JSONField {
    /// JSON `true`/`false` arrive as NSNumber too; corelibs-foundation marks them with a
    /// boolean subclass, which is the only reliable way to tell `true` from `1`.
    static func isBoolean(_ v: Any) -> Bool {
        if v is Bool && !(v is NSNumber) { return true }
        return String(describing: type(of: v)).contains("Boolean")
    }
    static func double(_ v: Any, _ path: String) throws -> Double {
        if !isBoolean(v), let n = v as? NSNumber {
            let d = n.doubleValue
            guard d.isFinite else { throw SpecError(path, "must be a finite number") }
            return d
        }
        throw SpecError(path, "must be a number, got \(v)")
    }
    static func int(_ v: Any, _ path: String) throws -> Int {
        let d = try double(v, path)
        guard d == d.rounded(), abs(d) < 1e9 else { throw SpecError(path, "must be an integer, got \(d)") }
        return Int(d)
    }
    static func intArray(_ v: Any, _ path: String) throws -> [Int] {
        guard let a = v as? [Any] else { throw SpecError(path, "must be a list of integers") }
        return try a.enumerated().map { try int($0.element, "\(path)[\($0.offset)]") }
    }
    static func string(_ v: Any, _ path: String) throws -> String {
        guard let s = v as? String else { throw SpecError(path, "must be a string, got \(v)") }
        return s
    }
}

extension LayerSpec {
    static let knownTypes = ["dense", "conv", "lift", "gconv", "relu", "leaky_relu", "abrelu", "abs", "erf", "gelu",
                             "identity", "elementwise", "global_avg_pool", "group_pool", "flatten",
                             "s2_lift", "so3_conv", "so3_pool"] + NumericFunction.allCases.map(\.rawValue)

    /// Checks the bandwidths of an SO(3) layer (errors located at `path.bandwidth_in/_out`).
    static func checkBandwidths(_ lin: Int, _ lout: Int, path: String) throws {
        guard lin >= 1 else { throw SpecError("\(path).bandwidth_in", "must be ≥ 1") }
        guard lout >= 1 else { throw SpecError("\(path).bandwidth_out", "must be ≥ 1") }
        // SO(3) work and memory grow like a high power of the bandwidth (Wigner-D tables of
        // size ~B³ per degree); 32 is far beyond what finishes in reasonable time.
        guard lin <= 32 else { throw SpecError("\(path).bandwidth_in", "must be ≤ 32, got \(lin)") }
        guard lout <= 32 else { throw SpecError("\(path).bandwidth_out", "must be ≤ 32, got \(lout)") }
    }

    /// Parses one layer object; `path` locates it (`layers[3]`).
    public static func parse(_ d: [String: Any], path: String) throws -> LayerSpec {
        guard let tAny = d["type"] else { throw SpecError("\(path).type", "missing") }
        let type = try JSONField.string(tAny, "\(path).type")
        func affine() throws -> Affine {
            var a = Affine()
            if let w = d["W_std"] { a.wStd = try JSONField.double(w, "\(path).W_std") }
            if let b = d["b_std"], !(b is NSNull) { a.bStd = try JSONField.double(b, "\(path).b_std") }
            if let w = d["width"], !(w is NSNull) {
                let n = try JSONField.int(w, "\(path).width")
                guard n > 0 else { throw SpecError("\(path).width", "must be positive, got \(n)") }
                a.width = n
            }
            guard a.wStd >= 0 else { throw SpecError("\(path).W_std", "must be ≥ 0, got \(a.wStd)") }
            if let b = a.bStd, b < 0 { throw SpecError("\(path).b_std", "must be ≥ 0 or null, got \(b)") }
            return a
        }
        func convolution() throws -> Convolution {
            guard let f = d["filter"] else { throw SpecError("\(path).filter", "missing (e.g. [3, 3])") }
            let filter = try JSONField.intArray(f, "\(path).filter")
            guard filter.count == 2, filter.allSatisfy({ $0 >= 1 }) else {
                throw SpecError("\(path).filter", "must be [kh, kw] with positive sizes, got \(filter)")
            }
            var padding = Padding.same
            if let p = d["padding"] {
                let s = try JSONField.string(p, "\(path).padding")
                guard let v = Padding(rawValue: s.lowercased()) else {
                    throw SpecError("\(path).padding", "must be circular, same or valid, got \"\(s)\"")
                }
                padding = v
            }
            return Convolution(filter: filter, padding: padding, affine: try affine())
        }
        func group() throws -> PointGroup {
            guard let g = d["group"] else { throw SpecError("\(path).group", "missing (one of C1, C2, C4, D1, D2, D4)") }
            let s = try JSONField.string(g, "\(path).group")
            guard let pg = PointGroup.named(s.uppercased()) else {
                throw SpecError("\(path).group", "unknown group \"\(s)\"; use C1, C2, C4, D1, D2 or D4")
            }
            return pg
        }
        func spherical() throws -> SphericalConvolution {
            guard let bi = d["bandwidth_in"] else { throw SpecError("\(path).bandwidth_in", "missing") }
            guard let bo = d["bandwidth_out"] else { throw SpecError("\(path).bandwidth_out", "missing") }
            let lin = try JSONField.int(bi, "\(path).bandwidth_in"), lout = try JSONField.int(bo, "\(path).bandwidth_out")
            try checkBandwidths(lin, lout, path: path)
            var mb = Double.pi
            if let m = d["max_beta"] { mb = try JSONField.double(m, "\(path).max_beta") }
            guard mb > 0, mb <= Double.pi + 1e-12 else { throw SpecError("\(path).max_beta", "must be in (0, π]") }
            return SphericalConvolution(bandwidthIn: lin, bandwidthOut: lout, maxBeta: mb, affine: try affine())
        }
        switch type {
        case "dense": return .dense(try affine())
        case "conv": return .conv(try convolution())
        case "lift": return .lift(GroupConvolution(group: try group(), conv: try convolution()))
        case "gconv": return .gconv(GroupConvolution(group: try group(), conv: try convolution()))
        case "relu": return .activation(.relu)
        case "abs": return .activation(.absoluteValue)
        case "leaky_relu":
            var alpha = LayerDefaults.leakyReluAlpha
            if let a = d["alpha"] { alpha = try JSONField.double(a, "\(path).alpha") }
            return .activation(.abRelu(a: alpha, b: 1))
        case "abrelu":
            guard let a = d["a"] else { throw SpecError("\(path).a", "missing") }
            guard let b = d["b"] else { throw SpecError("\(path).b", "missing") }
            return .activation(.abRelu(a: try JSONField.double(a, "\(path).a"), b: try JSONField.double(b, "\(path).b")))
        case "erf": return .activation(.erf)
        case "gelu": return .activation(.gelu)
        case "identity": return .activation(.identity)
        case "elementwise":
            guard let f = d["fn"] else { throw SpecError("\(path).fn", "missing (one of \(NumericFunction.allCases.map(\.rawValue).joined(separator: ", ")))") }
            let s = try JSONField.string(f, "\(path).fn")
            guard let nf = NumericFunction(rawValue: s) ?? NumericFunction(rawValue: s + "_numeric") else {
                throw SpecError("\(path).fn", "unknown function \"\(s)\"")
            }
            return .activation(.numeric(nf))
        case "global_avg_pool": return .globalAvgPool
        case "group_pool": return .groupPool
        case "flatten": return .flatten
        case "s2_lift": return .s2Lift(try spherical())
        case "so3_conv": return .so3Conv(try spherical())
        case "so3_pool": return .so3Pool
        default:
            if let nf = NumericFunction(rawValue: type) { return .activation(.numeric(nf)) }
            if let guess = EditDistance.suggestion(for: type, among: knownTypes) {
                throw SpecError("\(path).type", "unknown layer type \"\(type)\" — did you mean \(guess)? (known: \(knownTypes.joined(separator: ", ")))")
            }
            throw SpecError("\(path).type", "unknown layer type \"\(type)\"; known: \(knownTypes.joined(separator: ", "))")
        }
    }

    /// The layer as a JSON object (inverse of `parse`).
    public var jsonObject: [String: Any] {
        func aff(_ a: Affine, _ d: inout [String: Any]) {
            d["W_std"] = a.wStd
            d["b_std"] = a.bStd.map { $0 as Any } ?? NSNull()
            if let w = a.width { d["width"] = w }
        }
        func conv(_ c: Convolution, _ d: inout [String: Any]) {
            d["filter"] = c.filter; d["padding"] = c.padding.rawValue; aff(c.affine, &d)
        }
        var d: [String: Any] = ["type": typeName]
        switch self {
        case .dense(let a): aff(a, &d)
        case .conv(let c): conv(c, &d)
        case .lift(let g), .gconv(let g): d["group"] = g.group.name; conv(g.conv, &d)
        case .activation(let a):
            switch a {
            case .abRelu(let x, let y):
                if (x == 0 || x == -1) && y == 1 { break } // relu, abs: the type says it all
                if y == 1 { d["alpha"] = x } else { d["a"] = x; d["b"] = y }
            case .numeric(let f): d["type"] = "elementwise"; d["fn"] = f.rawValue
            default: break
            }
        case .s2Lift(let s), .so3Conv(let s):
            d["bandwidth_in"] = s.bandwidthIn; d["bandwidth_out"] = s.bandwidthOut; d["max_beta"] = s.maxBeta
            aff(s.affine, &d)
        case .globalAvgPool, .groupPool, .flatten, .so3Pool: break
        }
        return d
    }
}
