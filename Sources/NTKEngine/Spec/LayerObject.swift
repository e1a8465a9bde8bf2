/// One layer's JSON object with the path that locates it (`layers[3]`): the typed reader the
/// layer descriptions decode from. Each accessor reports a problem at `path.key`.
public struct LayerObject: Sendable {
    public let fields: [String: JSONValue]
    public let path: String

    public init(_ fields: [String: JSONValue], path: String) { self.fields = fields; self.path = path }

    public func at(_ key: String) -> String { "\(path).\(key)" }

    /// The value of `key`, nil when absent.
    public subscript(_ key: String) -> JSONValue? { fields[key] }

    /// A present key must hold a finite number (`null` too is an error); absent → nil.
    public func double(_ key: String) throws -> Double? {
        try fields[key].map { try JSONField.double($0, at(key)) }
    }
    /// Like `double`, but `null` means absent (the optional fields: `b_std`, `width`).
    public func optionalDouble(_ key: String) throws -> Double? {
        if case .null? = fields[key] { return nil }
        return try double(key)
    }
    public func requiredDouble(_ key: String) throws -> Double {
        guard let v = fields[key] else { throw SpecError(at(key), "missing") }
        return try JSONField.double(v, at(key))
    }
    public func int(_ key: String) throws -> Int? {
        if case .null? = fields[key] { return nil }
        return try fields[key].map { try JSONField.int($0, at(key)) }
    }
    public func requiredInt(_ key: String) throws -> Int {
        guard let v = fields[key] else { throw SpecError(at(key), "missing") }
        return try JSONField.int(v, at(key))
    }
    public func string(_ key: String) throws -> String? {
        try fields[key].map { try JSONField.string($0, at(key)) }
    }

    /// `W_std` (default 1, ≥ 0), `b_std` (null/absent = no bias, ≥ 0), `width` (> 0).
    public func affine() throws -> LayerSpec.Affine {
        var a = LayerSpec.Affine()
        if let w = try double("W_std") { a.wStd = w }
        a.bStd = try optionalDouble("b_std")
        if let n = try int("width") {
            guard n > 0 else { throw SpecError(at("width"), "must be positive, got \(n)") }
            a.width = n
        }
        guard a.wStd >= 0 else { throw SpecError(at("W_std"), "must be ≥ 0, got \(a.wStd)") }
        if let b = a.bStd, b < 0 { throw SpecError(at("b_std"), "must be ≥ 0 or null, got \(b)") }
        return a
    }

    /// `filter` [kh, kw] (required), `padding` (default same) and the affine fields.
    public func convolution() throws -> LayerSpec.Convolution {
        guard let f = fields["filter"] else { throw SpecError(at("filter"), "missing (e.g. [3, 3])") }
        let filter = try JSONField.intArray(f, at("filter"))
        guard filter.count == 2, filter.allSatisfy({ $0 >= 1 }) else {
            throw SpecError(at("filter"), "must be [kh, kw] with positive sizes, got \(filter)")
        }
        var padding = Padding.same
        if let s = try string("padding") {
            guard let v = Padding(rawValue: s.lowercased()) else {
                throw SpecError(at("padding"), "must be circular, same or valid, got \"\(s)\"")
            }
            padding = v
        }
        return LayerSpec.Convolution(filter: filter, padding: padding, affine: try affine())
    }

    /// `group` (C1, C2, C4, D1, D2, D4; any case) and the convolution.
    public func groupConvolution() throws -> LayerSpec.GroupConvolution {
        guard fields["group"] != nil, let s = try string("group") else {
            throw SpecError(at("group"), "missing (one of C1, C2, C4, D1, D2, D4)")
        }
        guard let pg = PointGroup.named(s.uppercased()) else {
            throw SpecError(at("group"), "unknown group \"\(s)\"; use C1, C2, C4, D1, D2 or D4")
        }
        return LayerSpec.GroupConvolution(group: pg, conv: try convolution())
    }

    /// `bandwidth_in`, `bandwidth_out` (1…32), `max_beta` (0, π] (default π), affine fields.
    public func spherical() throws -> LayerSpec.SphericalConvolution {
        guard fields["bandwidth_in"] != nil else { throw SpecError(at("bandwidth_in"), "missing") }
        guard fields["bandwidth_out"] != nil else { throw SpecError(at("bandwidth_out"), "missing") }
        let lin = try requiredInt("bandwidth_in"), lout = try requiredInt("bandwidth_out")
        try LayerSpec.checkBandwidths(lin, lout, path: path)
        let mb = try double("max_beta") ?? Double.pi
        guard mb > 0, mb <= Double.pi + 1e-12 else { throw SpecError(at("max_beta"), "must be in (0, π]") }
        return LayerSpec.SphericalConvolution(bandwidthIn: lin, bandwidthOut: lout, maxBeta: mb, affine: try affine())
    }
}
