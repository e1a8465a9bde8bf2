import Foundation

/// Accuracy (classification) or MSE (regression) against training-set size for several
/// stacks on the same splits — the paper's "equivariant kernels beat CNN kernels at every
/// size" experiment.
///
/// Each stack's Gram is computed once on the whole training pool (and test × pool); every
/// (size, seed) draws a class-balanced subset of the pool and solves on the sub-blocks, so all
/// stacks see exactly the same training points.
public enum LearningCurve {
    public struct Row: Sendable {
        public var stack: String
        public var size: Int
        public var seed: UInt64
        /// nil = t → ∞.
        public var time: Double?
        public var accuracy: Double?
        public var mse: Double
        public var mae: Double
    }

    public struct Summary: Sendable {
        public var stack: String
        public var size: Int
        public var time: Double?
        public var mean: Double
        public var std: Double
        public var metric: String
    }

    public struct Result: Sendable {
        public var rows: [Row]
        public var warnings: [String]
        public var classification: Bool

        /// Mean ± std over seeds of accuracy (classification) or MSE.
        public var summaries: [Summary] {
            var out: [Summary] = []
            var keys: [(String, Int, Double?)] = []
            for r in rows where !keys.contains(where: { $0.0 == r.stack && $0.1 == r.size && $0.2 == r.time }) {
                keys.append((r.stack, r.size, r.time))
            }
            for k in keys {
                let vals = rows.filter { $0.stack == k.0 && $0.size == k.1 && $0.time == k.2 }
                    .map { classification ? ($0.accuracy ?? .nan) : $0.mse }
                let m = vals.reduce(0, +) / Double(vals.count)
                let v = vals.count > 1 ? vals.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(vals.count - 1) : 0
                out.append(Summary(stack: k.0, size: k.1, time: k.2, mean: m, std: v.squareRoot(),
                                   metric: classification ? "accuracy" : "mse"))
            }
            return out
        }

        public var csv: String {
            var s = "stack,size,seed,t,accuracy,mse,mae\n"
            for r in rows {
                s += "\"\(r.stack)\",\(r.size),\(r.seed),\(r.time.map { String($0) } ?? "inf"),\(r.accuracy.map { String($0) } ?? ""),\(r.mse),\(r.mae)\n"
            }
            return s
        }
    }

    /// How the training set of each size is drawn from the pool.
    public enum Sampling: Sendable {
        /// A class-balanced subset per seed (the experiments' curves).
        case classBalanced
        /// The first `size` pool points, for the first seed only: the training sets are nested
        /// (the workbench's curve grows its training set by appending).
        case prefix
    }

    public struct NamedStack: Sendable {
        public var name: String
        public var spec: ArchitectureSpec
        public init(name: String, spec: ArchitectureSpec) { self.name = name; self.spec = spec }
    }

    /// Runs the curve. Labels are class indices (classification, centred one-hot targets over
    /// `classes`, at least the largest label + 1) unless `regressionTargets` (pool × K,
    /// test × K) are given.
    public static func run(stacks: [NamedStack], pool: InputBatch, poolLabels: [Int], test: InputBatch, testLabels: [Int],
                           sizes: [Int], seeds: [UInt64], times: [Double?], diagReg: Double = 1e-6,
                           sampling: Sampling = .classBalanced, classes: Int? = nil,
                           kernel: KernelChoice = .ntk, regressionTargets: (pool: Matrix, test: Matrix)? = nil,
                           threads: Int? = nil, progress: GramProgress = GramProgress(),
                           onStack: ((String) -> Void)? = nil,
                           grams: ((NamedStack) throws -> (pool: KernelMatrices, test: KernelMatrices))? = nil) throws -> Result {
        guard poolLabels.count == pool.count, testLabels.count == test.count else {
            throw KernelError.shape("labels do not match the inputs (\(poolLabels.count) for \(pool.count), \(testLabels.count) for \(test.count))")
        }
        guard let maxSize = sizes.max(), maxSize <= pool.count else {
            throw KernelError.shape("training sizes \(sizes) exceed the pool of \(pool.count)")
        }
        let classes = max(classes ?? 0, (poolLabels.max() ?? 0) + 1)
        let classification = regressionTargets == nil
        let yPool = regressionTargets?.pool ?? Metrics.oneHot(poolLabels, classes: classes, centred: true)
        let yTest = regressionTargets?.test ?? Metrics.oneHot(testLabels, classes: classes, centred: true)
        var rows: [Row] = []
        var warnings: [String] = []
        progress.plan(total: stacks.count * (pool.count * (pool.count + 1) / 2 + test.count * pool.count))
        for st in stacks {
            onStack?(st.name)
            let kp: KernelMatrices, kt: KernelMatrices
            if let grams {
                (kp, kt) = try grams(st)  // e.g. sliced from one store-backed Gram over pool ∪ test
            } else {
                let e = try GramEngine(spec: st.spec, threads: threads)
                kp = try e.compute(pool, progress: progress); kt = try e.compute(test, pool, progress: progress)
            }
            let kPool = kernel == .ntk ? kp.ntk : kp.nngp, kTest = kernel == .ntk ? kt.ntk : kt.nngp
            for size in sizes {
                for seed in sampling == .prefix ? Array(seeds.prefix(1)) : seeds {
                    let idx = sampling == .prefix ? Array(0..<size) : subset(labels: poolLabels, size: size, seed: seed)
                    let ktt = kPool.submatrix(rows: idx, cols: idx)
                    let kst = kTest.submatrix(rows: 0..<kTest.rows, cols: idx)
                    let y = yPool.submatrix(rows: idx, cols: 0..<yPool.cols)
                    let reg = try KernelRegression(kTrainTrain: ktt, diagReg: diagReg)
                    for t in times {
                        let p = try reg.predict(kTestTrain: kst, targets: y, time: t)
                        let at = sampling == .prefix ? "n=\(size)" : "n=\(size), seed \(seed)"
                        warnings += p.warnings.map { "\(st.name), \(at): \($0)" }
                        rows.append(Row(stack: st.name, size: size, seed: seed, time: t,
                                        accuracy: classification ? Metrics.accuracy(p.values, labels: testLabels) : nil,
                                        mse: Metrics.mse(p.values, yTest), mae: Metrics.mae(p.values, yTest)))
                    }
                }
            }
        }
        return Result(rows: rows, warnings: warnings, classification: classification)
    }

    /// A class-balanced subset of `size` indices (round-robin over classes in a seeded order).
    static func subset(labels: [Int], size: Int, seed: UInt64) -> [Int] {
        var rng = SplitMix64(seed: seed)
        var byClass: [Int: [Int]] = [:]
        for (i, l) in labels.enumerated() { byClass[l, default: []].append(i) }
        var queues = byClass.keys.sorted().map { key -> [Int] in
            let members = byClass[key] ?? []
            return rng.permutation(members.count).map { members[$0] }
        }
        var out: [Int] = []
        var c = 0
        while out.count < size && queues.contains(where: { !$0.isEmpty }) {
            if !queues[c].isEmpty { out.append(queues[c].removeFirst()) }
            c = (c + 1) % queues.count
        }
        return out.sorted()
    }
}
