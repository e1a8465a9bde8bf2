import ArgumentParser
import Foundation
import NTKEngine

/// `entk` — exact NNGP/NTK kernels of MLP, CNN and group-convolutional stacks.
/// Without a subcommand it opens the workbench.
@main
struct Entk: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "entk",
        abstract: "Exact infinite-width kernels (NNGP, NTK) of MLP, CNN and group-convolutional networks.",
        version: EngineInfo.version,
        subcommands: [Open.self, Replay.self, ConfigCommand.self, Verify.self, Kernel.self, Predict.self, Experiment.self],
        defaultSubcommand: Open.self)
}

/// Options shared by computing commands.
struct ComputeOptions: ParsableArguments {
    @Option(help: "Worker threads (default: all cores).")
    var threads: Int?

    @Flag(help: "No progress line on stderr.")
    var quiet = false
}

/// A failure worded for the user; printed without a stack trace, exit code 1 (2 for usage).
struct UserError: Error, CustomStringConvertible {
    var description: String
    init(_ s: String) { description = s }
}

func loadSpec(_ path: String) throws -> ArchitectureSpec {
    guard let data = FileManager.default.contents(atPath: path) else { throw UserError("cannot read spec file \(path)") }
    do {
        let spec = try ArchitectureSpec.parse(json: data)
        // Validate the layers here too, so compile errors also name the file.
        _ = try Stack(spec)
        return spec
    } catch let e as SpecError {
        throw UserError("\(path): \(e)")
    }
}

/// Reads an input batch from .npy of shape exactly (N, *input_shape) (NHWC images).
func loadInputs(_ path: String, spec: ArchitectureSpec) throws -> InputBatch {
    try InputBatch.validated(NPY.read(path: path), inputShape: spec.inputShape, path: path)
}

/// Runs a Gram computation with a progress line and Ctrl-C → cooperative cancel.
func computeGram(_ engine: GramEngine, _ x1: InputBatch, _ x2: InputBatch?, quiet: Bool, label: String) throws -> KernelMatrices {
    try withInterrupt { progress in try computeGram(engine, x1, x2, quiet: quiet, label: label, progress: progress) }
}

private func computeGram(_ engine: GramEngine, _ x1: InputBatch, _ x2: InputBatch?, quiet: Bool, label: String,
                         progress: GramProgress) throws -> KernelMatrices {
    // A dispatch source must be resumed before it is released, so the timer always runs
    // and only prints on a terminal.
    let timer = DispatchSource.makeTimerSource(queue: .global())
    let show = !quiet && isatty(2) != 0
    timer.schedule(deadline: .now() + 0.5, repeating: 0.5)
    timer.setEventHandler {
        if show {
            let eta = progress.eta.map { String(format: "ETA %.0fs", $0) } ?? "ETA –"
            FileHandle.standardError.write(Data(String(format: "\r%@ %5.1f%% (%d/%d pairs) %@   ", label, 100 * progress.fraction, progress.completed, progress.total, eta).utf8))
        }
    }
    timer.resume()
    defer { timer.cancel() }
    do {
        let r = try engine.compute(x1, x2, progress: progress)
        if !quiet && isatty(2) != 0 { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
        return r
    } catch KernelError.cancelled {
        throw UserError("\ninterrupted: \(label) cancelled after \(progress.completed) of \(progress.total) pairs; nothing was written")
    }
}
