/// `identity`: φ(x) = x.
public enum IdentityLayerKind: LayerKind, ActivationLayerKind {
    public static let typeNames = ["identity"]
    public static func describes(_ l: LayerSpec) -> Bool { l == .activation(.identity) }
    public static func decode(_ o: LayerObject) throws -> LayerSpec { .activation(.identity) }
    public static func defaultLayer(group: PointGroup, bandwidth: Int) throws -> LayerSpec? { .activation(.identity) }
}
