/// How weights are scaled, as in neural-tangents' `stax`.
///
/// `ntk`: y = (W_std/√fan_in)·W·x + b_std·b with W, b ~ N(0,1); the infinite-width limit does
/// not depend on the widths. `standard`: W ~ N(0, W_std²/fan_in) is trained directly, so the
/// NTK picks up fan_in-dependent terms and the finite `width` fields matter.
public enum Parameterization: String, Sendable, Codable, CaseIterable {
    case ntk
    case standard
}

/// Spatial padding of a convolution, stride 1.
public enum Padding: String, Sendable, Codable, CaseIterable {
    /// The grid is a torus: index arithmetic modulo the size (commutes with every symmetry).
    case circular
    /// Zeros outside the image; the output keeps the input size; the tap mean still divides
    /// by all k_h·k_w taps (neural-tangents' convention).
    case same
    /// No padding: the output shrinks by k−1 along each axis.
    case valid
}
