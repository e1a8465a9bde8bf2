/// The engine-facing faces of a layer description: the step it contributes to each compiled
/// program. Internal because the programs are (`StackFold`, `SO3Fold`, `FiniteFold` and
/// their ops); every registered `LayerKind` conforms, and `LayerKinds.steps` lists them.
///
/// Each step sees the fold so far (the feature shape, the ops compiled so far) and either
/// adds its op(s) and the new shape, or throws an error located at the layer. The compiled
/// programs that `KernelEvaluator`, `SO3KernelEvaluator`/`SO3FastKernel` and `FiniteNetwork`
/// execute are unchanged; only who builds them moved here.
protocol LayerSteps: LayerKind {
    /// Plane backend (`Stack`): the shape rule and the spatial / reduction / scalar op.
    static func compile(_ layer: LayerSpec, into f: inout StackFold, at i: Int, path: String) throws
    /// SO(3) backend (`SO3Stack`): the kernel-map op (default: not usable in SO(3) stacks).
    static func compileSO3(_ layer: LayerSpec, into f: inout SO3Fold, at i: Int, path: String) throws
    /// Finite-width network (`FiniteNetwork`): the layer and its parameter slice.
    static func finite(_ layer: LayerSpec, into f: inout FiniteFold, at i: Int) throws
    /// The layer with its width fields set as a finite network of `width` realises it
    /// (`isReadout`: the last dense layer, one output). Default: unchanged.
    static func resolvingWidth(_ layer: LayerSpec, width: Int, isReadout: Bool, at i: Int) throws -> LayerSpec
    /// Cost model of `GramTiling.estimatedFlopsPerPair` on images (default: 50 flops).
    static func flops(_ layer: LayerSpec, into f: inout FlopsFold)
    /// The layer in the CNN matching a group CNN (`AugmentationEquivalence.matchingCNN`).
    static func matchingCNNLayer(_ layer: LayerSpec) -> LayerSpec
}

extension LayerSteps {
    static func compileSO3(_ layer: LayerSpec, into f: inout SO3Fold, at i: Int, path: String) throws {
        throw SpecError("\(path).type", "\(layer.typeName) cannot be used in an SO(3) stack (s2_lift, so3_conv, so3_pool, dense and pointwise nonlinearities only)")
    }
    static func finite(_ layer: LayerSpec, into f: inout FiniteFold, at i: Int) throws { throw f.doesNotApply(layer, at: i) }
    static func resolvingWidth(_ layer: LayerSpec, width: Int, isReadout: Bool, at i: Int) throws -> LayerSpec { layer }
    static func flops(_ layer: LayerSpec, into f: inout FlopsFold) { f.flops += 50 }
    static func matchingCNNLayer(_ layer: LayerSpec) -> LayerSpec { layer }
}

extension LayerSpec {
    /// This layer's description with its engine steps. Exactly one registered kind describes
    /// each `LayerSpec` value (`LayerKindTests`); the elementwise kind is the fallback so the
    /// lookup is total without a trap.
    var steps: any LayerSteps.Type { LayerKinds.registered.first { $0.describes(self) } ?? ElementwiseLayerKind.self }
}

/// The phase the plane fold is in when a layer arrives.
enum FoldPhase { case plane, sphere, scalar }

extension StackFold {
    var phase: FoldPhase {
        if reduction != nil || shape.isVector { return .scalar }
        return shape.isOnSphere ? .sphere : .plane
    }
    func needsImage(_ layer: LayerSpec, path: String) -> SpecError {
        SpecError("\(path).type", "\(layer.typeName) needs an image, but the features here are a vector \(shape)")
    }
    func doesNotApply(_ layer: LayerSpec, path: String) -> SpecError {
        SpecError("\(path).type", "\(layer.typeName) does not apply to features of shape \(shape)")
    }
    /// A pooling/flatten layer on features that are already a vector.
    func alreadyVector(_ layer: LayerSpec, path: String) -> SpecError {
        SpecError("\(path).type", "\(layer.typeName) needs an image, but the features here are already a vector \(shape)")
    }
}

/// The pointwise-nonlinearity steps every activation description shares (its dual comes
/// from `Activation`, so an activation's own file only says which `Activation` it is).
enum ActivationSteps {
    static func compile(_ act: Activation, into f: inout StackFold, at i: Int, path: String) throws {
        switch f.phase {
        case .scalar:
            if let last = f.spec.layers[..<i].last, ObjectIdentifier(last.kind) == ObjectIdentifier(FlattenLayerKind.self) {
                throw SpecError("\(path).type", "a nonlinearity right after flatten is not supported; put it before flatten")
            }
            f.scalar.append(ScalarOp(layerIndex: i, kind: .activation(act)))
        case .sphere: break // the SO(3) engine compiles it (`compileSO3`)
        case .plane: f.spatial.append(SpatialOp(layerIndex: i, kind: .activation(act)))
        }
    }
    static func compileSO3(_ act: Activation, _ layer: LayerSpec, into f: inout SO3Fold, at i: Int, path: String) throws {
        switch f.phase {
        case .group(let b): f.ops.append(.gridActivation(act)); f.sizes.append(SO3Grid(bandwidth: b).count)
        case .scalar: f.ops.append(.scalarActivation(act)); f.sizes.append(1)
        case .sphere:
            throw SpecError("\(path).type", "\(layer.typeName) cannot be used in an SO(3) stack (s2_lift, so3_conv, so3_pool, dense and pointwise nonlinearities only)")
        }
    }
    static func flops(into f: inout FlopsFold) { f.flops += f.spatial ? Double(f.g) * f.p2 * 45 : 50 }
}

/// Every activation description's steps, from its `Activation` value.
protocol ActivationLayerKind: LayerSteps {}

extension ActivationLayerKind {
    static func compile(_ layer: LayerSpec, into f: inout StackFold, at i: Int, path: String) throws {
        guard case .activation(let a) = layer else { throw f.doesNotApply(layer, path: path) }
        try ActivationSteps.compile(a, into: &f, at: i, path: path)
    }
    static func compileSO3(_ layer: LayerSpec, into f: inout SO3Fold, at i: Int, path: String) throws {
        guard case .activation(let a) = layer else { throw SpecError("\(path).type", "not an activation") }
        try ActivationSteps.compileSO3(a, layer, into: &f, at: i, path: path)
    }
    static func finite(_ layer: LayerSpec, into f: inout FiniteFold, at i: Int) throws {
        guard case .activation(let a) = layer else { throw f.doesNotApply(layer, at: i) }
        f.layers.append(.activation(a))
    }
    static func flops(_ layer: LayerSpec, into f: inout FlopsFold) { ActivationSteps.flops(into: &f) }
}

/// The state of `GramTiling.estimatedFlopsPerPair`'s walk over an image stack.
struct FlopsFold {
    var h: Int, w: Int, g = 1, spatial = true
    var flops: Double
    /// P² for the current P = H·W.
    var p2: Double { Double(h * w) * Double(h * w) }
}

/// The state of `FiniteNetwork.init`'s fold: the feature shape, the compiled layers and the
/// parameter offset so far.
struct FiniteFold {
    enum Shape { case grid(h: Int, w: Int, g: Int, c: Int), vector(Int) }
    var shape: Shape
    let width: Int
    let param: Parameterization
    var layers: [FiniteLayer] = []
    var offset = 0
    var readout = -1

    /// Appends a layer with parameters, advancing the offset.
    mutating func appendTrained(_ l: FiniteLayer) {
        offset += l.parameterCount
        layers.append(l)
    }
    func doesNotApply(_ layer: LayerSpec, at i: Int) -> FiniteWidthError {
        .unsupported("layers[\(i)]: \(layer.typeName) does not apply here")
    }
}
