/// One compiled layer of a `FiniteNetwork`, with its parameter slice.
///
/// Compilation (in `FiniteNetwork.init`) fixes every size, so the forward and backward
/// passes are plain loops and BLAS calls with no shape logic left in them.
enum FiniteLayer: Sendable {
    /// A dense layer; its parameters start at `offset`.
    case dense(DenseLayer, offset: Int)
    /// conv / lift / gconv; its parameters start at `offset`.
    case spatial(SpatialLinearLayer, offset: Int)
    /// A pointwise nonlinearity.
    case activation(Activation)
    /// Mean over `rows` rows of `channels` values: global_avg_pool (rows = H·W) and
    /// group_pool (rows = H·W·|G|) in the (y, x, g, c) layout.
    case meanPool(rows: Int, channels: Int)
    /// flatten: the (y, x, g, c) array is already the flat feature vector.
    case flatten

    /// Number of trained parameters.
    var parameterCount: Int {
        switch self {
        case .dense(let d, _): d.weightCount + (d.affine.bStd == nil ? 0 : d.outputs)
        case .spatial(let s, _): s.weightCount + (s.affine.bStd == nil ? 0 : s.cout)
        case .activation, .meanPool, .flatten: 0
        }
    }
}
