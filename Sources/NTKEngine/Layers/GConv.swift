/// `gconv`: a group convolution on a lifted feature map (same group as the lift).
public enum GConvLayerKind: LayerKind {
    public static let typeNames = ["gconv"]
    public static func describes(_ l: LayerSpec) -> Bool { if case .gconv = l { true } else { false } }
    public static func decode(_ o: LayerObject) throws -> LayerSpec { .gconv(try o.groupConvolution()) }
    public static func fields(of l: LayerSpec) -> [LayerField] {
        guard case .gconv(let g) = l else { return [] }
        return [LayerField(key: "group", value: .text(g.group.name))] + AffineFields.fields(g.conv)
    }
    public static func summary(of l: LayerSpec) -> String {
        guard case .gconv(let g) = l else { return l.typeName }
        return "gconv \(g.group.name) \(AffineFields.summary(g.conv))"
    }
    public static func defaultLayer(group: PointGroup, bandwidth: Int) throws -> LayerSpec? {
        .gconv(LayerSpec.GroupConvolution(group: group, conv: LayerDefaults.convolution()))
    }
}
