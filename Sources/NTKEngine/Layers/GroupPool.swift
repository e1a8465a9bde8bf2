/// `group_pool`: the mean over positions and group elements of a lifted map (the invariant readout of a group CNN).
public enum GroupPoolLayerKind: LayerKind {
    public static let typeNames = ["group_pool"]
    public static func describes(_ l: LayerSpec) -> Bool { if case .groupPool = l { true } else { false } }
    public static func decode(_ o: LayerObject) throws -> LayerSpec { .groupPool }
    public static func defaultLayer(group: PointGroup, bandwidth: Int) throws -> LayerSpec? { .groupPool }
}
