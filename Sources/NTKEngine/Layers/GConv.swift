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

extension GConvLayerKind: LayerSteps {
    static func compile(_ layer: LayerSpec, into f: inout StackFold, at i: Int, path: String) throws {
        guard case .gconv(let gc) = layer else { throw f.doesNotApply(layer, path: path) }
        switch (f.phase, f.shape) {
        case (.scalar, _): throw f.needsImage(layer, path: path)
        case (.plane, .image):
            throw SpecError("\(path).type", "gconv before lift: lift the image to the group first")
        case (.plane, .lifted(let h, let w, let cin, let g)):
            if gc.group != g {
                throw SpecError("\(path).group", "gconv on \(gc.group.name) after a lift to \(g.name); the groups must match")
            }
            let (op, oh, ow) = try f.convOp(gc.conv, i: i, path: path, h: h, w: w, cin: cin, g: g, twisted: true, lift: false)
            f.spatial.append(op)
            f.shape = .lifted(height: oh, width: ow, channels: try f.channelsOut(gc.conv.affine, path: path), group: g)
        default: throw f.doesNotApply(layer, path: path)
        }
    }
    static func finite(_ layer: LayerSpec, into f: inout FiniteFold, at i: Int) throws {
        guard case .gconv(let gc) = layer, case .grid(let h, let w, _, let cin) = f.shape else { throw f.doesNotApply(layer, at: i) }
        GroupConvSteps.finite(gc, h: h, w: w, inG: gc.group.order, cin: cin, into: &f)
    }
    static func resolvingWidth(_ layer: LayerSpec, width: Int, isReadout: Bool, at i: Int) throws -> LayerSpec {
        guard case .gconv(var g) = layer else { return layer }
        g.conv.affine.width = width
        return .gconv(g)
    }
    static func flops(_ layer: LayerSpec, into f: inout FlopsFold) {
        if case .gconv(let gc) = layer { GroupConvSteps.flops(gc.conv, groupOrder: gc.group.order, into: &f) }
    }
    static func matchingCNNLayer(_ layer: LayerSpec) -> LayerSpec {
        if case .gconv(let g) = layer { return .conv(g.conv) }
        return layer
    }
}
