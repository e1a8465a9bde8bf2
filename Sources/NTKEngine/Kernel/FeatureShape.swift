/// The shape of the features between two layers.
public enum FeatureShape: Sendable, Hashable, CustomStringConvertible {
    /// D features (vector inputs, or after a pooling/flatten layer).
    case vector(Int)
    /// An H×W grid with C channels.
    case image(height: Int, width: Int, channels: Int)
    /// An H×W grid × |G| group elements with C channels (after `lift`).
    case lifted(height: Int, width: Int, channels: Int, group: PointGroup)
    /// Features on an SO(3) or S² grid (spherical stacks; computed by the SO(3) evaluator).
    case spherical(bandwidth: Int, channels: Int, onGroup: Bool)

    public var description: String {
        switch self {
        case .vector(let d): "[\(d)]"
        case .image(let h, let w, let c): "[\(h)×\(w)×\(c)]"
        case .lifted(let h, let w, let c, let g): "[\(h)×\(w)×\(g.name)×\(c)]"
        case .spherical(let l, let c, let g): g ? "[SO(3) L=\(l) ×\(c)]" : "[S² L=\(l) ×\(c)]"
        }
    }
}
