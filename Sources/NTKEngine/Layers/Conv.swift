/// `conv`: a plain 2-D convolution (stride 1) on an image.
public enum ConvLayerKind: LayerKind {
    public static let typeNames = ["conv"]
    public static func describes(_ l: LayerSpec) -> Bool { if case .conv = l { true } else { false } }
    public static func decode(_ o: LayerObject) throws -> LayerSpec { .conv(try o.convolution()) }
    public static func fields(of l: LayerSpec) -> [LayerField] {
        guard case .conv(let c) = l else { return [] }
        return AffineFields.fields(c)
    }
    public static func summary(of l: LayerSpec) -> String {
        guard case .conv(let c) = l else { return l.typeName }
        return "conv \(AffineFields.summary(c))"
    }
    public static func defaultLayer(group: PointGroup, bandwidth: Int) throws -> LayerSpec? { .conv(LayerDefaults.convolution()) }
}
