/// An element of the symmetry group of the square (the dihedral group D4, order 8) acting on
/// H × W × C images.
///
/// Why: the paper's equivariant kernels are for C4/D4 group convolutions, and its experiments
/// augment or rotate data by these elements. The engine has its own group type; this one is
/// deliberately minimal and only moves pixels.
///
/// Convention: the element `(rotation: k, mirrored: m)` first mirrors left↔right if `m`
/// (`x[:, ::-1]`, i.e. `numpy.fliplr`), then rotates counter-clockwise by k·90°
/// (`numpy.rot90(x, k, axes=(0, 1))`). As a 2×2 integer matrix on pixel coordinates
/// (x to the right, y up, origin at the image centre) it is `R^k · M^m` with
/// `R = [[0, -1], [1, 0]]` and `M = [[-1, 0], [0, 1]]`, and a pixel at `p` moves to `g·p`.
public struct ImageSymmetry: Hashable, Sendable, CustomStringConvertible {
    /// Counter-clockwise quarter turns, 0…3.
    public let rotation: Int
    /// Whether a left↔right mirror is applied before rotating.
    public let mirrored: Bool

    public init(rotation: Int, mirrored: Bool = false) {
        self.rotation = ((rotation % 4) + 4) % 4
        self.mirrored = mirrored
    }

    /// The identity.
    public static let identity = ImageSymmetry(rotation: 0)

    /// The 2×2 integer matrix `[[a, b], [c, d]]` acting on (x, y) pixel coordinates.
    public var matrix: [[Int]] {
        var m = mirrored ? [[-1, 0], [0, 1]] : [[1, 0], [0, 1]]
        for _ in 0..<rotation { m = [[-m[1][0], -m[1][1]], [m[0][0], m[0][1]]] } // R · m
        return m
    }

    /// The element with matrix `m`, or nil if `m` is not a symmetry of the square.
    public init?(matrix m: [[Int]]) {
        guard let g = ImageSymmetry.all.first(where: { $0.matrix == m }) else { return nil }
        self = g
    }

    /// `self ∘ other`: apply `other` first, then `self`.
    public func composed(with other: ImageSymmetry) -> ImageSymmetry {
        let a = matrix, b = other.matrix
        let p = [[a[0][0] * b[0][0] + a[0][1] * b[1][0], a[0][0] * b[0][1] + a[0][1] * b[1][1]],
                 [a[1][0] * b[0][0] + a[1][1] * b[1][0], a[1][0] * b[0][1] + a[1][1] * b[1][1]]]
        return ImageSymmetry(matrix: p) ?? .identity
    }

    /// The inverse element.
    public var inverse: ImageSymmetry {
        let m = matrix
        return ImageSymmetry(matrix: [[m[0][0], m[1][0]], [m[0][1], m[1][1]]]) ?? .identity
    }

    /// Whether this element exchanges height and width (odd rotations).
    public var swapsAxes: Bool { rotation % 2 == 1 }

    /// All eight elements: rotations 0…3 unmirrored, then mirrored.
    public static let all: [ImageSymmetry] = (0..<2).flatMap { m in (0..<4).map { ImageSymmetry(rotation: $0, mirrored: m == 1) } }

    /// The named subgroups used in the paper's experiments.
    public enum Group: String, CaseIterable, Sendable {
        /// Trivial group.
        case c1 = "C1"
        /// Rotation by 180°.
        case c2 = "C2"
        /// Rotations by multiples of 90°.
        case c4 = "C4"
        /// The left↔right mirror.
        case d1 = "D1"
        /// Rotation by 180° and both axis mirrors.
        case d2 = "D2"
        /// All eight symmetries of the square.
        case d4 = "D4"

        /// The group's elements, identity first.
        public var elements: [ImageSymmetry] {
            switch self {
            case .c1: [.identity]
            case .c2: [.identity, ImageSymmetry(rotation: 2)]
            case .c4: (0..<4).map { ImageSymmetry(rotation: $0) }
            case .d1: [.identity, ImageSymmetry(rotation: 0, mirrored: true)]
            case .d2: [.identity, ImageSymmetry(rotation: 2), ImageSymmetry(rotation: 0, mirrored: true), ImageSymmetry(rotation: 2, mirrored: true)]
            case .d4: ImageSymmetry.all
            }
        }
    }

    /// The output shape `[H', W', C]` for an input of `shape` `[H, W, C]`.
    public func outputShape(_ shape: [Int]) -> [Int] {
        swapsAxes ? [shape[1], shape[0], shape[2]] : shape
    }

    /// Transforms one NHWC image of `shape` `[H, W, C]`; the result has `outputShape(shape)`.
    public func apply(to image: [Double], shape: [Int]) -> [Double] {
        precondition(shape.count == 3 && image.count == shape[0] * shape[1] * shape[2], "image must be [H, W, C]")
        return ImageAction.transform(image, height: shape[0], width: shape[1], channels: shape[2], by: engineMatrix)
    }

    /// The same element as the engine's `PointGroup` matrix (acting on (row, column) offsets):
    /// mirror first, then k quarter turns, i.e. R^k·M — so augmentation and the group layers
    /// share one implementation of the action (`ImageAction`).
    public var engineMatrix: Matrix2 {
        var m = mirrored ? Matrix2.mirrorX : Matrix2.identity
        for _ in 0..<(((rotation % 4) + 4) % 4) { m = Matrix2.rotation90 * m }
        return m
    }

    public var description: String { (mirrored ? "m" : "") + "r\(rotation)" }
}
