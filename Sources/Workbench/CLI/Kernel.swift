import ArgumentParser
import Foundation
import NTKEngine

/// `entk kernel` — Gram matrices K and Θ of a stack, written as .npy.
struct Kernel: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Compute the NNGP and NTK Gram matrices of a stack.",
        discussion: "Writes DIR/nngp.npy and DIR/ntk.npy (N1×N2, float64). Ctrl-C cancels cleanly and writes nothing.")

    @Option(help: "Architecture spec (JSON, the reference FORMAT.md format).")
    var spec: String
    @Option(help: "Inputs x1, .npy of shape (N1, *input_shape).")
    var x1: String
    @Option(help: "Inputs x2 (default: x1, symmetric Gram).")
    var x2: String?
    @Option(help: "Output folder (not needed with --shard).")
    var out: String = ""
    @Option(help: "Output dtype: float64 or float32.")
    var dtype: String = "float64"
    @Option(help: "Precision of the recursion: float64 (default) or float32 (faster, ~1e-6 relative).")
    var precision: String = "float64"
    @OptionGroup var compute: ComputeOptions
    @OptionGroup(title: "Tile store, MPI and Slurm (docs/cluster.md)") var storeOptions: StoreOptions
    @Flag(help: "Only assemble the finished tiles of --store into --out (non-zero exit listing the missing tiles per shard if incomplete).")
    var assemble = false

    func run() throws {
        if try storeOptions.isWanted(assemble: assemble) { return try runUnderMPIIfLaunched { try runWithStore() } }
        guard !out.isEmpty else { throw UserError("--out is required") }
        guard dtype == "float64" || dtype == "float32" else { throw UserError("--dtype must be float64 or float32, got \(dtype)") }
        let s = try loadSpec(spec)
        let a = try loadInputs(x1, spec: s)
        let b = try x2.map { try loadInputs($0, spec: s) }
        var engine = try GramEngine(spec: s, threads: compute.threads)
        guard let prec = Precision(rawValue: precision) else { throw UserError("--precision must be float64 or float32, got \(precision)") }
        engine.precision = prec
        let t0 = Date()
        let r = try computeGram(engine, a, b, quiet: compute.quiet, label: "kernel")
        let dt = Date().timeIntervalSince(t0)
        guard let outType = NPYDType(rawValue: dtype), outType == .float64 || outType == .float32 else {
            throw UserError("--dtype must be float64 or float32, got \(dtype)")
        }
        try writeKernelPair(r, to: out, as: outType)
        print(String(format: "wrote %@/nngp.npy and ntk.npy (%d×%d) in %.2fs", out, r.nngp.rows, r.nngp.cols, dt))
    }
}

/// Writes nngp.npy and ntk.npy into `out` as one commit (AtomicFolder: one rename swaps the
/// folder), so a kill never leaves a new K next to an old Θ.
func writeKernelPair(_ r: KernelMatrices, to out: String, as outType: NPYDType) throws {
    let files = try [("nngp", r.nngp), ("ntk", r.ntk)].map { name, m in
        (name: "\(name).npy", bytes: try NPY.encode(try NPYArray(shape: [m.rows, m.cols], data: m.data), as: outType))
    }
    try AtomicFolder.commit(files, to: out)
}
