/// entk's kernel engine: exact infinite-width NNGP and NTK kernels of MLP, CNN and
/// group-convolutional stacks, Gram matrices, kernel regression and spectra.
public enum NTKEngine {
    /// The engine's version, written into sessions and benchmark tables.
    public static let version = "0.1.0"
}
