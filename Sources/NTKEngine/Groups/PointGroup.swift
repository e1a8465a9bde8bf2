/// A subgroup of the symmetries of the square that acts exactly on a pixel grid.
///
/// Elements are 2×2 integer matrices acting on centred (row, column) offsets (y, x).
/// Rotations turn counter-clockwise as `numpy.rot90(x, 1, axes=(0, 1))` does;
/// the single mirror of `D1` is the left–right flip x ↦ −x (`numpy.flip(x, axis=1)`).
/// The group is modelled once here; every group layer and every symmetry test uses it.
public struct PointGroup: Sendable, Hashable, CustomStringConvertible {
    /// The name used in specs: `C1`, `C2`, `C4`, `D1`, `D2`, `D4`.
    public let name: String
    /// The elements; index 0 is the identity.
    public let elements: [Matrix2]
    /// `table[a][b]` = index of elements[a]·elements[b].
    public let table: [[Int]]
    /// `inverse[a]` = index of elements[a]⁻¹.
    public let inverse: [Int]

    public var order: Int { elements.count }
    public var description: String { name }

    /// Whether some element swaps the two axes (a quarter turn or a diagonal mirror), which is
    /// only exact on square grids and square filters.
    public var needsSquareGrid: Bool { elements.contains { $0.swapsAxes } }

    public static let c1 = PointGroup(name: "C1", generators: [])
    public static let c2 = PointGroup(name: "C2", generators: [Matrix2.rotation90 * Matrix2.rotation90])
    public static let c4 = PointGroup(name: "C4", generators: [Matrix2.rotation90])
    public static let d1 = PointGroup(name: "D1", generators: [Matrix2.mirrorX])
    public static let d2 = PointGroup(name: "D2", generators: [Matrix2.mirrorX, Matrix2.rotation90 * Matrix2.rotation90])
    public static let d4 = PointGroup(name: "D4", generators: [Matrix2.rotation90, Matrix2.mirrorX])
    public static let all: [PointGroup] = [.c1, .c2, .c4, .d1, .d2, .d4]

    /// Looks a group up by its spec name.
    public static func named(_ name: String) -> PointGroup? { all.first { $0.name == name } }

    init(name: String, generators: [Matrix2]) {
        // Closure of the generators under multiplication, identity first.
        var elems = [Matrix2.identity]
        var frontier = [Matrix2.identity]
        while let g = frontier.popLast() {
            for h in generators {
                let p = g * h
                if !elems.contains(p) { elems.append(p); frontier.append(p) }
            }
        }
        self.name = name
        self.elements = elems
        self.table = elems.map { a in elems.map { b in elems.firstIndex(of: a * b) ?? -1 } }
        self.inverse = elems.indices.map { a in elems.indices.first { b in elems[a] * elems[b] == .identity } ?? -1 }
    }

    /// The index of a matrix in this group, if it is an element.
    public func index(of m: Matrix2) -> Int? { elements.firstIndex(of: m) }
}

/// A 2×2 integer matrix [[a, b], [c, d]] acting on (y, x) column vectors.
public struct Matrix2: Sendable, Hashable, CustomStringConvertible {
    public var a: Int, b: Int, c: Int, d: Int
    public init(_ a: Int, _ b: Int, _ c: Int, _ d: Int) { self.a = a; self.b = b; self.c = c; self.d = d }

    public static let identity = Matrix2(1, 0, 0, 1)
    /// Quarter turn counter-clockwise on an image shown with row 0 at the top:
    /// (y, x) ↦ (−x, y), so that (g·f)(u) = f(g⁻¹u) equals `numpy.rot90(f, 1, axes=(0, 1))`.
    public static let rotation90 = Matrix2(0, -1, 1, 0)
    /// Left–right mirror (y, x) ↦ (y, −x).
    public static let mirrorX = Matrix2(1, 0, 0, -1)

    public static func * (l: Matrix2, r: Matrix2) -> Matrix2 {
        Matrix2(l.a * r.a + l.b * r.c, l.a * r.b + l.b * r.d, l.c * r.a + l.d * r.c, l.c * r.b + l.d * r.d)
    }
    public func apply(_ y: Int, _ x: Int) -> (Int, Int) { (a * y + b * x, c * y + d * x) }
    public var swapsAxes: Bool { a == 0 }
    public var inverse: Matrix2 {
        // Signed permutation matrices are orthogonal: the inverse is the transpose.
        Matrix2(a, c, b, d)
    }
    public var description: String { "[[\(a),\(b)],[\(c),\(d)]]" }
}
