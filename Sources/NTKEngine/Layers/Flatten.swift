/// `flatten`: all features as one vector (the kernel keeps only the diagonal over positions); must be followed by dense.
public enum FlattenLayerKind: LayerKind {
    public static let typeNames = ["flatten"]
    public static func describes(_ l: LayerSpec) -> Bool { if case .flatten = l { true } else { false } }
    public static func decode(_ o: LayerObject) throws -> LayerSpec { .flatten }
    public static func defaultLayer(group: PointGroup, bandwidth: Int) throws -> LayerSpec? { .flatten }
}
