/// A validated, compiled layer stack: the spec's layers folded into the three phases the
/// kernel recursion runs through.
///
/// 1. **spatial** ops on (t, t′) blocks — `conv`, `lift`, `gconv`, pointwise nonlinearities;
/// 2. one **reduction** to scalars — `global_avg_pool`, `group_pool` or `flatten`;
/// 3. **scalar** ops — `dense` and nonlinearities (all of an MLP lives here).
///
/// Compilation checks that the layers fit together and reports problems located by layer.
public struct Stack: Sendable {
    public let spec: ArchitectureSpec
    /// The group of the lifted segment (C1 for a plain CNN, nil for MLPs).
    public let group: PointGroup?
    /// The shape after each layer (index = spec layer index).
    public let shapes: [FeatureShape]
    let spatial: [SpatialOp]
    let reduction: Reduction?
    let scalar: [ScalarOp]

    /// Input channel count for images, dimension for vectors.
    public var inputFeatures: Int { spec.inputShape.last ?? 1 }
    public var isImageStack: Bool { spec.inputShape.count == 3 }
    /// True when the stack has SO(3) layers (evaluated by the spherical engine); the choice is
    /// made once, by `ArchitectureSpec.backend`.
    public var isSpherical: Bool { spec.isSpherical }
    /// Whether a nonlinearity follows the reduction, so pooled self-kernels are needed.
    var needsPooledSelf: Bool { scalar.contains { if case .activation = $0.kind { true } else { false } } }

    /// Compiles the spec: a left fold of `StackFold.add` over the layers, then the checks on
    /// the whole stack. The compiled program (spatial ops, reduction, scalar ops) is what
    /// `KernelEvaluator` executes.
    public init(_ spec: ArchitectureSpec) throws {
        self.spec = spec
        var fold = StackFold(spec: spec)
        for (i, layer) in spec.layers.enumerated() { try fold.add(layer, at: i) }
        self.shapes = fold.shapes
        if spec.isSpherical {
            self.group = nil
            self.spatial = []; self.reduction = nil; self.scalar = []
            return
        }
        if !fold.shape.isVector {
            throw SpecError("layers", "the stack ends on an image \(fold.shape); end with a pooling or flatten layer and a dense readout")
        }
        if let r = fold.reduction, r.kind == .diagonal, let next = spec.layers[(r.layerIndex + 1)...].first {
            if case .dense = next {} else {
                throw SpecError("layers[\(r.layerIndex + 1)].type", "flatten must be followed by dense")
            }
        }
        self.group = spec.inputShape.count == 3 ? (fold.group ?? .c1) : nil
        self.spatial = fold.spatial
        self.reduction = fold.reduction
        self.scalar = fold.scalar
    }
}

/// The state of `Stack.init`'s fold over the layers: the feature shape so far and the program
/// compiled so far. Each layer's description contributes its step (`LayerSteps.compile`, in
/// `Sources/NTKEngine/Layers`) for the phase it lands in (`phase`: scalar after a reduction or
/// on vectors, spherical, plane), and fails with an error located at it.
struct StackFold {
    let spec: ArchitectureSpec
    var shapes: [FeatureShape] = []
    var spatial: [SpatialOp] = []
    var reduction: Reduction?
    var scalar: [ScalarOp] = []
    var group: PointGroup?
    var shape: FeatureShape
    var param: Parameterization { spec.parameterization }

    init(spec: ArchitectureSpec) {
        self.spec = spec
        if spec.inputShape.count == 3 {
            shape = .image(height: spec.inputShape[0], width: spec.inputShape[1], channels: spec.inputShape[2])
        } else {
            shape = .vector(spec.inputShape[0])
        }
    }

    /// One layer's step, asked of its description (`LayerSteps.compile`).
    mutating func add(_ layer: LayerSpec, at i: Int) throws {
        try layer.steps.compile(layer, into: &self, at: i, path: "layers[\(i)]")
        shapes.append(shape)
    }

    func channelsOut(_ a: LayerSpec.Affine, path: String) throws -> Int {
        if let w = a.width { return w }
        if param == .standard {
            throw SpecError("\(path).width", "the standard parameterization needs the layer's width")
        }
        return 1 // irrelevant in the NTK parameterization's limit
    }

    /// A (group) convolution's kernel map, after checking the filter fits the input.
    func convOp(_ c: LayerSpec.Convolution, i: Int, path: String, h: Int, w: Int, cin: Int,
                g: PointGroup?, twisted: Bool, lift: Bool) throws -> (SpatialOp, Int, Int) {
        let kh = c.filter[0], kw = c.filter[1]
        if c.padding == .valid && (kh > h || kw > w) {
            throw SpecError("\(path).filter", "filter \(kh)×\(kw) is larger than the \(h)×\(w) input under valid padding")
        }
        // Bounds that keep the work finite (a 999999999-wide filter would loop for ever):
        // under same padding a tap further than side−1 from the centre only ever sees
        // padding zeros; a circular filter longer than 4·side+1 only wraps round again.
        if c.padding == .same && (kh > 2 * h - 1 || kw > 2 * w - 1) {
            throw SpecError("\(path).filter", "filter \(kh)×\(kw) is larger than the \(h)×\(w) input allows under same padding (at most \(2 * h - 1)×\(2 * w - 1); larger taps only see padding)")
        }
        if c.padding == .circular && (kh > 4 * h + 1 || kw > 4 * w + 1) {
            throw SpecError("\(path).filter", "filter \(kh)×\(kw) wraps round the \(h)×\(w) input more than twice under circular padding (at most \(4 * h + 1)×\(4 * w + 1))")
        }
        if let g {
            if kh % 2 == 0 || kw % 2 == 0 {
                throw SpecError("\(path).filter", "group layers need odd filter sizes so the filter has a centre to turn about, got \(kh)×\(kw)")
            }
            if g.needsSquareGrid && kh != kw {
                throw SpecError("\(path).filter", "\(g.name) turns filters by 90°, so the filter must be square, got \(kh)×\(kw)")
            }
        }
        let oh = c.padding == .valid ? h - kh + 1 : h
        let ow = c.padding == .valid ? w - kw + 1 : w
        let fanIn = Double(cin * kh * kw * (twisted && !lift ? (g?.order ?? 1) : 1))
        let op = SpatialOp(layerIndex: i, kind: .linear(LinearMap(
            kh: kh, kw: kw, padding: c.padding, affine: c.affine, fanIn: fanIn,
            inH: h, inW: w, outH: oh, outW: ow, parameterization: param)))
        return (op, oh, ow)
    }
}

extension FeatureShape {
    var isVector: Bool { if case .vector = self { true } else { false } }
    var isOnSphere: Bool { if case .spherical = self { true } else { false } }
}

/// A linear layer's kernel map over taps: K ↦ W²·A(K) + b², Θ ↦ α·A(K) + W²·A(Θ) + β with
/// (α, β) = (W², b²) for `ntk` and (fan_in, [bias]) for `standard` (neural-tangents).
struct LinearMap: Sendable {
    let kh: Int, kw: Int
    let padding: Padding
    let affine: LayerSpec.Affine
    let fanIn: Double
    let inH: Int, inW: Int, outH: Int, outW: Int
    let parameterization: Parameterization

    var w2: Double { affine.wStd * affine.wStd }
    var b2: Double { (affine.bStd ?? 0) * (affine.bStd ?? 0) }
    /// Coefficient of A(K) in the new Θ.
    var thetaFromK: Double { parameterization == .ntk ? w2 : fanIn }
    /// Constant added to the new Θ.
    var thetaConst: Double { parameterization == .ntk ? b2 : (affine.bStd == nil ? 0 : 1) }
}

struct SpatialOp: Sendable {
    enum Kind: Sendable { case linear(LinearMap), activation(Activation) }
    let layerIndex: Int
    let kind: Kind
}

struct Reduction: Sendable {
    enum Kind: Sendable { case mean, diagonal }
    let layerIndex: Int
    let kind: Kind
    /// The features after the reduction (the next dense layer's fan-in).
    let fanIn: Double
    let positions: Int
}

struct ScalarOp: Sendable {
    enum Kind: Sendable {
        case dense(LayerSpec.Affine, fanIn: Double, param: Parameterization)
        case activation(Activation)
    }
    let layerIndex: Int
    let kind: Kind
}
