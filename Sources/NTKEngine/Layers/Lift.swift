/// `lift`: lifts an image to a feature map on the point group (a group convolution with twisted filters).
public enum LiftLayerKind: LayerKind {
    public static let typeNames = ["lift"]
    public static func describes(_ l: LayerSpec) -> Bool { if case .lift = l { true } else { false } }
    public static func decode(_ o: LayerObject) throws -> LayerSpec { .lift(try o.groupConvolution()) }
    public static func fields(of l: LayerSpec) -> [LayerField] {
        guard case .lift(let g) = l else { return [] }
        return [LayerField(key: "group", value: .text(g.group.name))] + AffineFields.fields(g.conv)
    }
    public static func summary(of l: LayerSpec) -> String {
        guard case .lift(let g) = l else { return l.typeName }
        return "lift \(g.group.name) \(AffineFields.summary(g.conv))"
    }
    public static func defaultLayer(group: PointGroup, bandwidth: Int) throws -> LayerSpec? {
        .lift(LayerSpec.GroupConvolution(group: group, conv: LayerDefaults.convolution()))
    }
}
