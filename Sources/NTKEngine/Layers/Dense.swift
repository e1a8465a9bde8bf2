/// `dense`: a fully connected layer, y = (W_std/√fan_in)·W·x + b_std·b.
public enum DenseLayerKind: LayerKind {
    public static let typeNames = ["dense"]
    public static func describes(_ l: LayerSpec) -> Bool { if case .dense = l { true } else { false } }
    public static func decode(_ o: LayerObject) throws -> LayerSpec { .dense(try o.affine()) }
    public static func fields(of l: LayerSpec) -> [LayerField] {
        guard case .dense(let a) = l else { return [] }
        return AffineFields.fields(a)
    }
    public static func summary(of l: LayerSpec) -> String {
        guard case .dense(let a) = l else { return l.typeName }
        return "dense \(AffineFields.summary(a))"
    }
    public static func defaultLayer(group: PointGroup, bandwidth: Int) throws -> LayerSpec? { .dense(LayerDefaults.denseAffine) }
}
