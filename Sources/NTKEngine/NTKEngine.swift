/// entk's kernel engine: exact infinite-width NNGP and NTK kernels of MLP, CNN and
/// group-convolutional stacks, Gram matrices, kernel regression and spectra.
/// (Not named after the module, so `NTKEngine.X` still qualifies the module's types.)
public enum EngineInfo {
    /// The engine's version, written into sessions and benchmark tables.
    public static let version = "0.1.0"
}
