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

extension ConvLayerKind: LayerSteps {
    static func compile(_ layer: LayerSpec, into f: inout StackFold, at i: Int, path: String) throws {
        guard case .conv(let c) = layer else { throw f.doesNotApply(layer, path: path) }
        switch (f.phase, f.shape) {
        case (.scalar, _): throw f.needsImage(layer, path: path)
        case (.plane, .image(let h, let w, let cin)):
            let (op, oh, ow) = try f.convOp(c, i: i, path: path, h: h, w: w, cin: cin, g: nil, twisted: false, lift: false)
            f.spatial.append(op)
            f.shape = .image(height: oh, width: ow, channels: try f.channelsOut(c.affine, path: path))
            f.group = f.group ?? .c1
        case (.plane, .lifted):
            throw SpecError("\(path).type", "conv on a lifted feature map would break equivariance; use gconv")
        default: throw f.doesNotApply(layer, path: path)
        }
    }
    static func finite(_ layer: LayerSpec, into f: inout FiniteFold, at i: Int) throws {
        guard case .conv(let c) = layer, case .grid(let h, let w, 1, let cin) = f.shape else { throw f.doesNotApply(layer, at: i) }
        let s = SpatialLinearLayer(inH: h, inW: w, inG: 1, cin: cin, cout: f.width, conv: c, group: nil,
                                   affine: LinearScales(c.affine, f.param))
        f.appendTrained(.spatial(s, offset: f.offset))
        f.shape = .grid(h: s.outH, w: s.outW, g: 1, c: f.width)
    }
    static func resolvingWidth(_ layer: LayerSpec, width: Int, isReadout: Bool, at i: Int) throws -> LayerSpec {
        guard case .conv(var c) = layer else { return layer }
        c.affine.width = width
        return .conv(c)
    }
    static func flops(_ layer: LayerSpec, into f: inout FlopsFold) {
        if case .conv(let c) = layer { GroupConvSteps.flops(c, groupOrder: nil, into: &f) }
    }
}
