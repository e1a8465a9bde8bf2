/// `elementwise` (`fn`: one of `NumericFunction`), also written as the function's name
/// (`tanh`, `sin`, …): any catalogue function, its dual by quadrature (closed forms for sin
/// and cos). Written back as `{"type": "elementwise", "fn": …}`.
public enum ElementwiseLayerKind: LayerKind, ActivationLayerKind {
    public static let typeNames = ["elementwise"] + NumericFunction.allCases.map(\.rawValue)
    public static func describes(_ l: LayerSpec) -> Bool { if case .activation(.numeric) = l { true } else { false } }
    public static func decode(_ o: LayerObject) throws -> LayerSpec {
        let type = try o.string("type") ?? "elementwise"
        if type != "elementwise", let nf = NumericFunction(rawValue: type) { return .activation(.numeric(nf)) }
        guard o["fn"] != nil, let s = try o.string("fn") else {
            throw SpecError(o.at("fn"), "missing (one of \(NumericFunction.allCases.map(\.rawValue).joined(separator: ", ")))")
        }
        guard let nf = NumericFunction(rawValue: s) ?? NumericFunction(rawValue: s + "_numeric") else {
            throw SpecError(o.at("fn"), "unknown function \"\(s)\"")
        }
        return .activation(.numeric(nf))
    }
    public static func jsonType(of l: LayerSpec) -> String { "elementwise" }
    public static func fields(of l: LayerSpec) -> [LayerField] {
        guard case .activation(.numeric(let f)) = l else { return [] }
        return [LayerField(key: "fn", value: .text(f.rawValue))]
    }
}
