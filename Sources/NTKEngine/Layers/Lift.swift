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

extension LiftLayerKind: LayerSteps {
    static func compile(_ layer: LayerSpec, into f: inout StackFold, at i: Int, path: String) throws {
        guard case .lift(let gc) = layer else { throw f.doesNotApply(layer, path: path) }
        switch (f.phase, f.shape) {
        case (.scalar, _): throw f.needsImage(layer, path: path)
        case (.plane, .image(let h, let w, let cin)):
            if gc.group.needsSquareGrid && h != w {
                throw SpecError("\(path).group", "\(gc.group.name) rotates by 90°, which needs a square input, got \(h)×\(w)")
            }
            let (op, oh, ow) = try f.convOp(gc.conv, i: i, path: path, h: h, w: w, cin: cin, g: gc.group, twisted: true, lift: true)
            if f.spatial.contains(where: { if case .linear = $0.kind { true } else { false } }) {
                throw SpecError("\(path).type", "lift must come before any conv: a plain conv before the lift is not equivariant to \(gc.group.name) rotations of the input")
            }
            f.spatial.append(op)
            f.group = gc.group
            f.shape = .lifted(height: oh, width: ow, channels: try f.channelsOut(gc.conv.affine, path: path), group: gc.group)
        case (.plane, .lifted):
            throw SpecError("\(path).type", "the features are already lifted; use gconv")
        default: throw f.doesNotApply(layer, path: path)
        }
    }
    static func finite(_ layer: LayerSpec, into f: inout FiniteFold, at i: Int) throws {
        guard case .lift(let gc) = layer, case .grid(let h, let w, 1, let cin) = f.shape else { throw f.doesNotApply(layer, at: i) }
        GroupConvSteps.finite(gc, h: h, w: w, inG: 1, cin: cin, into: &f)
    }
    static func resolvingWidth(_ layer: LayerSpec, width: Int, isReadout: Bool, at i: Int) throws -> LayerSpec {
        guard case .lift(var g) = layer else { return layer }
        g.conv.affine.width = width
        return .lift(g)
    }
    static func flops(_ layer: LayerSpec, into f: inout FlopsFold) {
        if case .lift(let gc) = layer { GroupConvSteps.flops(gc.conv, groupOrder: gc.group.order, into: &f) }
    }
    static func matchingCNNLayer(_ layer: LayerSpec) -> LayerSpec {
        if case .lift(let g) = layer { return .conv(g.conv) }
        return layer
    }
}

/// Steps shared by conv, lift and gconv.
enum GroupConvSteps {
    /// Cost model: |G|·P²·(2(k_h + k_w) + 6) after the output size is set.
    static func flops(_ c: LayerSpec.Convolution, groupOrder: Int?, into f: inout FlopsFold) {
        if let g = groupOrder { f.g = g }
        let kh = c.filter.first ?? 1, kw = c.filter.last ?? 1
        if c.padding == .valid { f.h = max(1, f.h - kh + 1); f.w = max(1, f.w - kw + 1) }
        f.flops += Double(f.g) * f.p2 * Double(2 * (kh + kw) + 6)
    }
    /// The finite-width (group) convolution layer.
    static func finite(_ gc: LayerSpec.GroupConvolution, h: Int, w: Int, inG: Int, cin: Int, into f: inout FiniteFold) {
        let s = SpatialLinearLayer(inH: h, inW: w, inG: inG, cin: cin, cout: f.width,
                                   conv: gc.conv, group: gc.group, affine: LinearScales(gc.conv.affine, f.param))
        f.appendTrained(.spatial(s, offset: f.offset))
        f.shape = .grid(h: s.outH, w: s.outW, g: s.outG, c: f.width)
    }
}
