import NTKEngine
import TUI

/// Choosing what the Views pane shows, and exporting it.
enum ViewCommands {
    static let all: [Command] = [
        view("gram", key: "1", "Gram heatmap of K or Θ, rows sorted by class"),
        view("symmetry-blocks", key: "2", "|G|×|G| block matrix Θ_{r,r′}(t,t′) of a pair after a layer"),
        view("invariance", key: "3", "Θ(g·x, h·x′) over the group, for every stack"),
        view("spectrum", key: "4", "Eigenvalue spectra of every stack (log scale)"),
        view("learning-curve", key: "5", "Test accuracy vs training-set size, every stack (sizes=, t=)"),
        view("convergence", key: "6", "Finite-width kernel error vs width, log–log, selected stack (widths=, seeds=, groups=, inputs=)"),
        view("augmentation", key: "7", "Group stack on N points vs the matching CNN on |G|·N augmented points along t (times=)"),
        Command("view.qm9", keys: [.char("8")],
                "QM9 energy MAE (meV) vs training size: SO(3) vs MLP vs composition (molecules=auto|synthetic|qm9, sizes=, test=, pool=, bandwidth=, conv=, diag_reg=, seed=)",
                QM9Arguments.self) { s, a in try s.showQM9(a) },
        Command("view.refresh", keys: [.char("r")], "Start the jobs the current view still lacks (after edits)") { s in s.refreshView() },
        Command("view.kernel", keys: [.char("t")], "Toggle K (NNGP) / Θ (NTK) (kernel=ntk|nngp)", KernelArguments.self) { s, a in
            s.view.kernel = a.kernel ?? (s.view.kernel == .ntk ? .nngp : .ntk)
            s.setStatus("showing \(s.view.kernel.symbol) (\(s.view.kernel.rawValue))")
            return Outcome(logged: Invocation("view.kernel", ["kernel": s.view.kernel.rawValue]))
        },
        Command("view.pair", "Choose the input pair of the blocks/invariance views (i=, j=)", PairArguments.self) { s, a in
            try s.choosePair(a)
        },
        Command("view.layer", "Choose the layer of the blocks view (layer=)", LayerArguments.self) { s, a in try s.chooseLayer(a) },
        Command("export", keys: [.char("e")], "Export the current view as PNG, SVG, PDF, CSV (+ .npy for matrices, .txt) (dir=)",
                ExportArguments.self) { s, a in
            let dir = a.dir ?? s.exportDirectory
            return Outcome(effects: [.export(directory: dir)], logged: Invocation("export", ["dir": dir]))
        },
    ]

    /// `view.<kind>`, bound to a digit key.
    private static func view(_ kind: String, key: Character, _ description: String) -> Command {
        Command("view.\(kind)", keys: [.char(key)], description, ViewArguments.self) { s, a in
            guard let k = ViewKind(rawValue: kind) else { throw CommandError("unknown view") }
            return try s.show(k, a, command: "view.\(kind)")
        }
    }

    struct KernelArguments: CommandArguments {
        var kernel: KernelKind?
        init(_ a: ArgumentReader) throws { kernel = try a.kernel() }
    }

    struct PairArguments: CommandArguments {
        var i: Int?
        var j: Int?
        init(_ a: ArgumentReader) throws { i = try a.int("i"); j = try a.int("j") }
    }

    struct LayerArguments: CommandArguments {
        var layer: LayerChoice?
        init(_ a: ArgumentReader) throws { layer = try a.layerChoice() }
    }

    struct ExportArguments: CommandArguments {
        var dir: String?
        init(_ a: ArgumentReader) { dir = a.string("dir") }
    }

    /// The parameters of the `view.*` commands (each view reads the ones it uses).
    struct ViewArguments: CommandArguments {
        var kernel: KernelKind?
        var pair: PairArguments
        var layer: LayerChoice?
        /// Upper-cased, a known point group.
        var group: String?
        var sizes: [Int]?
        /// `t=`: `.some(nil)` is t = ∞ (`inf` or `none`).
        var time: Double??
        var widths: [Int]?
        var seeds: Int?
        var groups: Int?
        /// Checked against the training set when the command runs.
        var inputs: Int?
        var times: [Double]?

        init(_ a: ArgumentReader) throws {
            kernel = try a.kernel()
            pair = try PairArguments(a)
            layer = try a.layerChoice()
            if let g = a.string("group") {
                guard PointGroup.named(g.uppercased()) != nil else { throw CommandError("unknown group \(g)") }
                group = g.uppercased()
            }
            if let s = a.string("sizes") {
                let sizes = s.split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
                guard !sizes.isEmpty, sizes.count == s.split(separator: ",").count, sizes.allSatisfy({ $0 > 0 }) else {
                    throw CommandError("sizes must be positive integers separated by commas, got \(s)")
                }
                self.sizes = sizes
            }
            if let t = a.string("t") {
                if t == "inf" || t == "none" { time = .some(nil) } else {
                    guard let tv = Double(t), tv >= 0, tv.isFinite else { throw CommandError("t must be a non-negative number or inf, got \(t)") }
                    time = tv
                }
            }
            if let w = try Self.list(a, "widths", { Int($0) }, { $0 >= 1 && $0 <= 4096 }, "widths in 1…4096") {
                guard w.count >= 2 else { throw CommandError("widths needs at least two widths to fit a slope, got \(w.count)") }
                widths = w
            }
            if let n = try a.int("seeds") { guard n >= 1 else { throw CommandError("seeds must be ≥ 1, got \(n)") }; seeds = n }
            if let n = try a.int("groups") { guard n >= 1 else { throw CommandError("groups must be ≥ 1, got \(n)") }; groups = n }
            inputs = try a.int("inputs")
            times = try Self.list(a, "times", { Double($0) }, { $0 > 0 && $0.isFinite }, "positive times")
        }

        /// A comma-separated list argument; every element must parse and pass `ok`.
        static func list<T>(_ a: ArgumentReader, _ key: String, _ parse: (String) -> T?, _ ok: (T) -> Bool, _ what: String) throws -> [T]? {
            guard let text = a.string(key) else { return nil }
            let parts = text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
            let vals = parts.compactMap(parse)
            guard !vals.isEmpty, vals.count == parts.count, vals.allSatisfy(ok) else {
                throw CommandError("\(key) must be \(what) separated by commas, got \(text)")
            }
            return vals
        }
    }

    /// The parameters of `view.qm9`.
    struct QM9Arguments: CommandArguments {
        var molecules: QM9Choice.Source?
        var sizes: [Int]?
        var test: Int?
        var pool: Int?
        var bandwidth: Int?
        var conv: Bool?
        var diagReg: Double?
        var seed: UInt64?
        var kernel: KernelKind?

        init(_ a: ArgumentReader) throws {
            if let m = a.string("molecules") {
                guard let src = QM9Choice.Source(rawValue: m) else { throw CommandError("molecules must be auto, synthetic or qm9, got \(m)") }
                molecules = src
            }
            if let text = a.string("sizes") {
                let parts = text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
                let vals = parts.compactMap { Int($0) }
                guard !vals.isEmpty, vals.count == parts.count else { throw CommandError("sizes must be integers separated by commas, got \(text)") }
                sizes = vals
            }
            test = try a.int("test"); pool = try a.int("pool"); bandwidth = try a.int("bandwidth")
            if let c = a.string("conv") {
                switch c.lowercased() {
                case "yes", "true", "1", "on": conv = true
                case "no", "false", "0", "off": conv = false
                default: throw CommandError("conv must be yes or no, got \(c)")
                }
            }
            if let d = a.string("diag_reg") {
                guard let v = Double(d) else { throw CommandError("diag_reg must be a number, got \(d)") }
                diagReg = v
            }
            if let sd = a.string("seed") {
                guard let v = UInt64(sd) else { throw CommandError("seed must be a non-negative integer, got \(sd)") }
                seed = v
            }
            kernel = try a.kernel()
        }
    }
}

extension AppState {
    /// The training examples a pair index may point at (augmented copies included).
    var trainingCount: Int { data.train * (data.augment.flatMap { ImageSymmetry.Group(rawValue: $0)?.elements.count } ?? 1) }

    private func checkPair(_ v: ViewChoice) throws {
        let n = trainingCount
        guard v.pair.0 >= 0, v.pair.1 >= 0, v.pair.0 < n, v.pair.1 < n else {
            throw CommandError("pair (\(v.pair.0), \(v.pair.1)) is outside the \(n) training examples")
        }
    }

    fileprivate mutating func show(_ kind: ViewKind, _ a: ViewCommands.ViewArguments, command: String) throws -> Outcome {
        var v = view
        v.kind = kind
        if let k = a.kernel { v.kernel = k }
        if let i = a.pair.i { v.pair.0 = i }
        if let j = a.pair.j { v.pair.1 = j }
        if let l = a.layer { v.layer = l.value }
        if let g = a.group { v.group = g }
        if let s = a.sizes { v.sizes = s }
        if let t = a.time { v.time = t }
        if let w = a.widths { v.widths = w }
        if let n = a.seeds { v.seedsPerGroup = n }
        if let n = a.groups { v.groups = n }
        if let n = a.inputs {
            guard n >= 2, n <= data.train else { throw CommandError("inputs must be in 2…\(data.train) (the training examples), got \(n)") }
            v.inputs = n
        }
        if let ts = a.times { v.times = ts }
        try checkPair(v)
        view = v
        focus = .views
        let effects = missingComputations()
        setStatus("\(kind.title)" + (effects.isEmpty ? "" : " — computing \(effects.count) job(s)"))
        return Outcome(effects: effects, logged: Invocation(command, viewArguments(v)))
    }

    fileprivate mutating func showQM9(_ a: ViewCommands.QM9Arguments) throws -> Outcome {
        var q = view.qm9
        if let m = a.molecules { q.source = m }
        if let s = a.sizes { q.trainSizes = s }
        if let n = a.test { q.testSize = n }
        if let n = a.pool { q.pool = n }
        if let n = a.bandwidth { q.bandwidth = n }
        if let c = a.conv { q.convolution = c }
        if let d = a.diagReg { q.diagReg = d }
        if let s = a.seed { q.seed = s }
        if let k = a.kernel { view.kernel = k }
        q = q.resolved()
        try q.validate()
        if q.source == .qm9, !QM9Choice.cacheHasQM9() {
            throw CommandError("QM9 is not in the data cache \(DataCache.directory()); run `make data` (scripts/fetch-qm9.sh), or molecules=synthetic")
        }
        view.kind = .qm9
        view.qm9 = q
        focus = .views
        let effects = missingComputations()
        setStatus("QM9 learning curve on \(q.sourceText)" + (effects.isEmpty ? "" : " — computing"))
        return Outcome(effects: effects, logged: Invocation("view.qm9", viewArguments(view)))
    }

    fileprivate mutating func refreshView() -> Outcome {
        for c in computations(for: view) { failures[c.key] = nil }
        let effects = missingComputations()
        setStatus(effects.isEmpty ? "\(view.kind.title) is up to date" : "computing \(effects.count) job(s) for \(view.kind.title)")
        return Outcome(effects: effects)
    }

    fileprivate mutating func choosePair(_ a: ViewCommands.PairArguments) throws -> Outcome {
        var v = view
        if let i = a.i { v.pair.0 = i }
        if let j = a.j { v.pair.1 = j }
        try checkPair(v)
        view = v
        setStatus("pair (\(v.pair.0), \(v.pair.1))")
        return Outcome(effects: missingComputations(), logged: Invocation("view.pair", ["i": String(v.pair.0), "j": String(v.pair.1)]))
    }

    fileprivate mutating func chooseLayer(_ a: ViewCommands.LayerArguments) throws -> Outcome {
        guard let s = currentStack else { throw CommandError("there is no stack") }
        switch a.layer {
        case .auto?: view.layer = nil
        case .index(let l)? where s.spec.layers.indices.contains(l): view.layer = l
        default: throw CommandError("view.layer needs layer= within 0..<\(s.spec.layers.count) (or auto)")
        }
        return Outcome(effects: missingComputations(), logged: Invocation("view.layer", ["layer": view.layer.map(String.init) ?? "auto"]))
    }

    /// The arguments that reproduce view `v` (what a `view.*` line records).
    func viewArguments(_ v: ViewChoice) -> [String: String] {
        var a = ["kernel": v.kernel.rawValue]
        switch v.kind {
        case .symmetryBlocks:
            a["i"] = String(v.pair.0); a["j"] = String(v.pair.1); a["layer"] = v.layer.map(String.init) ?? "auto"
        case .invariance:
            a["i"] = String(v.pair.0); a["j"] = String(v.pair.1); a["group"] = invarianceGroup
        case .learningCurve:
            a["sizes"] = v.sizes.map(String.init).joined(separator: ","); a["t"] = v.time.map { "\($0)" } ?? "inf"
        case .convergence:
            a["widths"] = v.widths.map(String.init).joined(separator: ","); a["seeds"] = String(v.seedsPerGroup)
            a["groups"] = String(v.groups); a["inputs"] = String(v.inputs)
        case .augmentation:
            a["times"] = v.times.map { NumberText.short($0) }.joined(separator: ",")
        case .qm9:
            let q = v.qm9
            a["molecules"] = q.source.rawValue; a["sizes"] = q.trainSizes.map(String.init).joined(separator: ",")
            a["test"] = String(q.testSize); a["pool"] = String(q.pool); a["bandwidth"] = String(q.bandwidth)
            a["conv"] = q.convolution ? "yes" : "no"; a["diag_reg"] = "\(q.diagReg)"; a["seed"] = String(q.seed)
        default: break
        }
        return a
    }
}
