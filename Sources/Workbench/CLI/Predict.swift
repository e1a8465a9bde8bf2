import ArgumentParser
import Foundation
import NTKEngine

/// `entk predict` — mean predictions of the infinitely wide network trained by gradient flow.
struct Predict: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Kernel regression / gradient-flow predictions with the NTK or NNGP of a stack.",
        discussion: """
        Integer labels (N,) are one-hot encoded (classification, accuracy reported); float targets \
        (N,) or (N, K) are regressed (MSE/MAE reported). --t is the training time in neural-tangents' \
        units (learning rate 1, loss ½·Σ(f−y)²/|Y|); omitted = t → ∞.
        """)

    @Option(help: "Architecture spec (JSON).")
    var spec: String
    @Option(help: "Training inputs .npy (N, *input_shape).")
    var train: String
    @Option(help: "Training labels (integers, N) or targets (N or N×K) .npy.")
    var labels: String
    @Option(help: "Test inputs .npy.")
    var test: String
    @Option(name: .customLong("test-labels"), help: "Test labels/targets .npy, to report accuracy or errors.")
    var testLabels: String?
    @Option(name: .customLong("t"), help: "Training time (default ∞).")
    var time: Double?
    @Option(name: .customLong("diag-reg"), help: "Ridge relative to the mean diagonal of the train Gram.")
    var diagReg: Double = 0
    @Option(help: "Kernel: ntk or nngp.")
    var kernel: String = "ntk"
    @Option(help: "Write predictions.npy into this folder.")
    var out: String?
    @OptionGroup var compute: ComputeOptions

    func run() throws {
        guard let choice = KernelChoice(rawValue: kernel) else { throw UserError("--kernel must be ntk or nngp, got \(kernel)") }
        let s = try loadSpec(spec)
        let xtr = try loadInputs(train, spec: s), xte = try loadInputs(test, spec: s)
        if let t = time, t.isNaN || t < 0 {
            throw UserError("--t must be a training time ≥ 0 (omit it, or pass inf, for t = ∞), got \(t)")
        }
        guard diagReg.isFinite, diagReg >= 0 else {
            throw UserError("--diag-reg must be a finite number ≥ 0 (a ridge relative to the mean train-Gram diagonal), got \(diagReg)")
        }
        let ya = try NPY.read(path: labels)
        let trainTargets = try PredictionTargets.training(ya, count: xtr.count, path: labels)
        // Read and check the test labels before the (long) Gram computations.
        let testTargets = try testLabels.map { try trainTargets.test(NPY.read(path: $0), count: xte.count, path: $0) }
        let targets = trainTargets.matrix
        let engine = try GramEngine(spec: s, threads: compute.threads)
        let ktt = try computeGram(engine, xtr, nil, quiet: compute.quiet, label: "train Gram")
        let kst = try computeGram(engine, xte, xtr, quiet: compute.quiet, label: "test×train")
        let reg = try KernelRegression(kTrainTrain: choice == .ntk ? ktt.ntk : ktt.nngp, diagReg: diagReg)
        let pred = try reg.predict(kTestTrain: choice == .ntk ? kst.ntk : kst.nngp, targets: targets, time: time)
        for w in pred.warnings { FileHandle.standardError.write(Data("warning: \(w)\n".utf8)) }
        let tdesc = time.flatMap { $0.isFinite ? "t = \($0)" : nil } ?? "t = ∞"
        print("\(choice.rawValue) predictions for \(xte.count) test points, \(tdesc), diag_reg \(diagReg)")
        switch testTargets {
        case .classes(let labels, _)?:
            print(String(format: "accuracy %.4f", Metrics.accuracy(pred.values, labels: labels)))
        case .regression(let y)?:
            print(String(format: "mse %.6g  mae %.6g", Metrics.mse(pred.values, y), Metrics.mae(pred.values, y)))
        case nil: break
        }
        if let out {
            try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
            let path = (out as NSString).appendingPathComponent("predictions.npy")
            try NPY.write(try NPYArray(shape: [pred.values.rows, pred.values.cols], data: pred.values.data), to: path)
            print("wrote \(path)")
        }
    }
}
