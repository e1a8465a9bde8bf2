/// How a linear layer's raw N(0, 1) parameters enter its output and its gradient.
///
/// Both parameterizations compute the same function y = (W_std/√K)·w·x + b_std·b; they
/// differ in what is trained. `ntk` trains the raw w, b (so ∂y/∂w carries W_std/√K and
/// ∂y/∂b carries b_std); `standard` trains the scaled W = (W_std/√K)·w and β = b_std·b
/// directly (∂y/∂W = x, ∂y/∂β = 1). The empirical NTK is the Jacobian inner product over
/// the trained parameters, so this choice is what makes it converge to the matching
/// infinite-width Θ of `GramEngine`.
struct LinearScales: Sendable {
    let wStd: Double
    /// nil: no bias parameters at all.
    let bStd: Double?
    let parameterization: Parameterization

    init(_ a: LayerSpec.Affine, _ p: Parameterization) {
        wStd = a.wStd; bStd = a.bStd; parameterization = p
    }

    func weightScale(fanIn k: Int) -> Double { wStd / Double(k).squareRoot() }
    func weightGradientScale(fanIn k: Int) -> Double { parameterization == .ntk ? weightScale(fanIn: k) : 1 }
    var biasGradientScale: Double { parameterization == .ntk ? (bStd ?? 0) : 1 }
}
