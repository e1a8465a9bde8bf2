import Foundation
import NTKEngine
import Plotting

/// Builds the figures of the current view from the state: pure, no engine calls beyond
/// reading finished results, so the UI thread never computes a kernel.
enum ViewBuilder {
    static func content(_ s: AppState) -> ViewContent {
        switch s.view.kind {
        case .gram: GramView.content(s)
        case .symmetryBlocks: SymmetryBlocksView.content(s)
        case .invariance: InvarianceView.content(s)
        case .spectrum: SpectrumView.content(s)
        case .learningCurve: LearningCurveView.content(s)
        case .convergence: ConvergenceView.content(s)
        case .augmentation: AugmentationView.content(s)
        case .qm9: QM9View.content(s)
        }
    }

    /// A note for a computation without a result: running (with progress), failed, or not started.
    static func pending(_ s: AppState, _ c: Computation) -> String {
        if let f = s.failures[c.key] { return "✗ \(c.title): \(f)" }
        if let j = s.jobs.last(where: { $0.key == c.key && $0.isRunning }) {
            if let n = j.note, n == "cache hit" { return String(format: "… %@: cache hit, loading (%.1fs)", c.title, j.elapsed) }
            let eta = j.eta.map { String(format: ", ETA %.0fs", $0) } ?? ""
            return String(format: "… %@: %.0f%% (%.1fs%@)%@", c.title, 100 * j.fraction, j.elapsed, eta, j.note.map { " — \($0)" } ?? "")
        }
        return "· \(c.title): not computed — press r"
    }

    /// Notes for stacks that cannot take part, so a view never silently drops one.
    static func invalidNotes(_ s: AppState) -> [String] {
        s.stacks.compactMap { st in st.validation.map { "✗ \(st.name) skipped: \($0)" } }
    }
}

/// (a) Gram heatmap of K or Θ over the training set, rows and columns sorted by class with
/// separators at class boundaries.
enum GramView {
    static func content(_ s: AppState) -> ViewContent {
        guard let st = s.currentStack else { return ViewContent(notes: ["no stack — press n"]) }
        if let e = st.validation { return ViewContent(notes: ["✗ \(st.name): \(e)"], isError: true) }
        let c = Computation.gram(st, s.data)
        guard case .gram(let m, let labels, let names)? = s.results[c.key] else {
            if s.failures[c.key] == nil, let partial = s.jobs.last(where: { $0.isRunning && $0.partial?.gramKey == c.key })?.partial {
                return PartialGramView.content(s, st, c, partial)
            }
            return ViewContent(notes: [ViewBuilder.pending(s, c)], isError: s.failures[c.key] != nil)
        }
        let mat = s.view.kernel == .ntk ? m.ntk : m.nngp
        let (sorted, seps) = sortedByClass(mat, labels: labels)
        let title = "\(s.view.kernel.symbol) \(st.name) — \(s.data.summary) — classes \(names.prefix(s.data.classes).joined(separator: ","))"
        let present = Array(Set(labels)).sorted()
        let classNames = present.map { names.indices.contains($0) ? names[$0] : "class \($0)" }
        let fig = HeatmapFigure(matrix: sorted.data, rows: sorted.rows, cols: sorted.cols, title: title,
                                colormap: HeatmapFigure.suggestedColormap(for: sorted.data), separators: seps, xLabel: "x′ (by class)", yLabel: "x",
                                quantity: s.view.kernel.symbol, rowBlockLabels: classNames.count == seps.count + 1 ? classNames : nil)
        return ViewContent(figures: [NamedFigure(name: "gram-\(s.view.kernel.rawValue)-\(st.name)", figure: .heatmap(fig))])
    }

    /// The matrix with rows/cols permuted so classes are contiguous (stable), and the indices
    /// where each class after the first starts.
    static func sortedByClass(_ m: Matrix, labels: [Int]) -> (Matrix, [Int]) {
        guard labels.count == m.rows, m.rows == m.cols else { return (m, []) }
        let perm = labels.indices.sorted { (labels[$0], $0) < (labels[$1], $1) }
        let out = m.submatrix(rows: perm, cols: perm)
        var seps: [Int] = []
        for k in 1..<max(1, perm.count) where labels[perm[k]] != labels[perm[k - 1]] { seps.append(k) }
        return (out, seps)
    }
}

/// (b) The |G|×|G| grid of P×P blocks Θ_{r,r′}(t,t′) of one pair after one layer, from
/// `IntermediateKernel.fullMatrix`, with separators between blocks (block-circulant for
/// cyclic groups: each block row is the previous one shifted by one block).
enum SymmetryBlocksView {
    static func content(_ s: AppState) -> ViewContent {
        guard let st = s.currentStack else { return ViewContent(notes: ["no stack — press n"]) }
        if let e = st.validation { return ViewContent(notes: ["✗ \(st.name): \(e)"], isError: true) }
        guard let layer = s.view.layer ?? AppState.defaultBlocksLayer(st) else {
            return ViewContent(notes: ["\(st.name) has no spatial layer to show blocks of"])
        }
        let c = Computation.blocks(st, s.data, i: s.view.pair.0, j: s.view.pair.1, layer: layer)
        if case .so3Blocks(let kn, let kt, let l)? = s.results[c.key] { return so3(s, st, layer: layer, kn, kt, bandwidth: l) }
        guard case .blocks(let ik)? = s.results[c.key] else {
            return ViewContent(notes: [ViewBuilder.pending(s, c)], isError: s.failures[c.key] != nil)
        }
        let m = ik.fullMatrix(ntk: s.view.kernel == .ntk)
        let p = ik.positions, g = ik.group.order
        let seps = g > 1 ? (1..<g).map { $0 * p } : []
        let layerName = st.spec.layers.indices.contains(layer) ? st.spec.layers[layer].typeName : "?"
        let title = "\(s.view.kernel.symbol)_{r,r′}(t,t′) \(st.name) after layer \(layer) (\(layerName)) \(ik.shape), pair (\(s.view.pair.0),\(s.view.pair.1)) — \(ik.group.name): \(g)×\(g) blocks of \(p)×\(p)"
        let fig = HeatmapFigure(matrix: m.data, rows: m.rows, cols: m.cols, title: title, colormap: HeatmapFigure.suggestedColormap(for: m.data),
                                separators: seps, xLabel: "(r′, t′)", yLabel: "(r, t)", quantity: s.view.kernel.symbol,
                                rowBlockLabels: (0..<g).map { "r = \($0)" }, columnBlockLabels: (0..<g).map { "r′ = \($0)" })
        var notes: [String] = []
        if g > 1 { notes.append(String(format: "block-circulance defect max|B(r,r′) − B(0,r′r⁻¹)| = %.2e", circulanceDefect(m, group: ik.group, p: p))) }
        return ViewContent(figures: [NamedFigure(name: "symmetry-blocks-\(s.view.kernel.rawValue)-\(st.name)-L\(layer)", figure: .heatmap(fig))], notes: notes)
    }

    /// SO(3) stacks: the layer-wise kernel over the SO(3) grid (R, R′), ordered (γ, β, α) with
    /// separators between the 2L−1 γ slices (each a 2L×(2L−1) block of β, α).
    static func so3(_ s: AppState, _ st: NamedStack, layer: Int, _ kn: Matrix, _ kt: Matrix, bandwidth l: Int) -> ViewContent {
        let m = s.view.kernel == .ntk ? kt : kn
        let grid = SO3Grid(bandwidth: l)
        let slice = grid.betaCount * grid.alphaCount
        let seps = (1..<grid.gammaCount).map { $0 * slice }
        let layerName = st.spec.layers.indices.contains(layer) ? st.spec.layers[layer].typeName : "?"
        let title = "\(s.view.kernel.symbol)(R, R′) \(st.name) after layer \(layer) (\(layerName)), SO(3) grid L = \(l), pair (\(s.view.pair.0),\(s.view.pair.1)): γ slices of β × α"
        let fig = HeatmapFigure(matrix: m.data, rows: m.rows, cols: m.cols, title: title, colormap: HeatmapFigure.suggestedColormap(for: m.data),
                                separators: seps, xLabel: "R′ = (γ′, β′, α′)", yLabel: "R = (γ, β, α)", quantity: s.view.kernel.symbol,
                                rowBlockLabels: (0..<grid.gammaCount).map { "γ_{\($0)}" }, columnBlockLabels: (0..<grid.gammaCount).map { "γ′_{\($0)}" })
        var lo = Double.infinity, hi = -Double.infinity
        for v in m.data { lo = min(lo, v); hi = max(hi, v) }
        let notes = [String(format: "%d grid points (2L−1)·2L·(2L−1); range %.3g … %.3g", m.rows, lo, hi)]
        return ViewContent(figures: [NamedFigure(name: "so3-kernel-\(s.view.kernel.rawValue)-\(st.name)-L\(layer)", figure: .heatmap(fig))], notes: notes)
    }

    /// How far the block matrix is from depending only on r′r⁻¹ (0 up to rounding for an
    /// equivariant layer).
    static func circulanceDefect(_ m: Matrix, group: PointGroup, p: Int) -> Double {
        var worst = 0.0
        for r in 0..<group.order { for r2 in 0..<group.order {
            let s = group.table[r2][group.inverse[r]]
            for t in 0..<p { for t2 in 0..<p {
                worst = max(worst, abs(m[r * p + t, r2 * p + t2] - m[t, s * p + t2]))
            } }
        } }
        return worst
    }
}

/// (c) Θ(g·x, h·x′) over g, h in the group, one small grid per stack: constant for a
/// group-pooled GCNN of that group, not for a CNN.
enum InvarianceView {
    static func content(_ s: AppState) -> ViewContent {
        var out = ViewContent(notes: ViewBuilder.invalidNotes(s))
        for c in s.computations(for: s.view) {
            guard case .invariance(let kn, let kt, let g)? = s.results[c.key] else {
                out.notes.append(ViewBuilder.pending(s, c)); continue
            }
            var m = s.view.kernel == .ntk ? kt : kn
            let sp = spread(m)
            m = snappedToMean(m)
            let title = String(format: "%@ %@(g·x,h·x′) %@, pair (%d,%d): spread %@", (c.stack?.name ?? "?"), s.view.kernel.symbol, g,
                               s.view.pair.0, s.view.pair.1, spreadText(sp))
            let fig = HeatmapFigure(matrix: m.data, rows: m.rows, cols: m.cols, title: title, colormap: HeatmapFigure.suggestedColormap(for: m.data),
                                    xLabel: "h", yLabel: "g", quantity: s.view.kernel.symbol)
            out.figures.append(NamedFigure(name: "invariance-\(s.view.kernel.rawValue)-\((c.stack?.name ?? "?"))", figure: .heatmap(fig)))
            out.notes.append(String(format: "%@: (max−min)/mean = %@ — %@", (c.stack?.name ?? "?"), spreadText(sp), sp < 1e-6 ? "invariant" : "not invariant"))
        }
        return out
    }

    /// Entries within 1e-12·|mean| of the mean set to the mean, so a grid that is constant up
    /// to rounding is drawn in one colour (the colour scale would otherwise stretch rounding
    /// noise over the whole map); the title still reports the true spread.
    static func snappedToMean(_ m: Matrix) -> Matrix {
        guard !m.data.isEmpty else { return m }
        let mean = m.data.reduce(0, +) / Double(m.data.count)
        var out = m
        out.data = m.data.map { abs($0 - mean) <= 1e-12 * abs(mean) ? mean : $0 }
        return out
    }

    /// The spread as text; below 1e-12 it is rounding noise whose digits depend on the
    /// order of floating-point operations, so it is shown as a bound (stable snapshots).
    static func spreadText(_ sp: Double) -> String {
        sp < 1e-12 ? "< 1e-12" : String(format: "%.2e", sp)
    }

    /// (max − min) / |mean| of the grid.
    static func spread(_ m: Matrix) -> Double {
        guard let mx = m.data.max(), let mn = m.data.min(), !m.data.isEmpty else { return .nan }
        let mean = m.data.reduce(0, +) / Double(m.data.count)
        return (mx - mn) / max(abs(mean), 1e-300)
    }
}

/// (d) Eigenvalues of each stack's training Gram, descending, on log–log axes.
enum SpectrumView {
    static func content(_ s: AppState) -> ViewContent {
        var out = ViewContent(notes: ViewBuilder.invalidNotes(s))
        var series: [Series] = []
        for c in s.computations(for: s.view) {
            guard case .spectrum(let en, let et)? = s.results[c.key] else { out.notes.append(ViewBuilder.pending(s, c)); continue }
            let ev = s.view.kernel == .ntk ? et : en
            let pos = ev.enumerated().filter { $0.element > 0 && $0.element.isFinite }
            if pos.count < ev.count { out.notes.append("\((c.stack?.name ?? "?")): \(ev.count - pos.count) eigenvalues ≤ 0 not drawn") }
            series.append(Series(name: (c.stack?.name ?? "?"), xs: pos.map { Double($0.offset + 1) }, ys: pos.map(\.element)))
        }
        if !series.isEmpty {
            let fig = LinePlotFigure(series: series, xAxis: Axis(label: "index", scale: .log),
                                     yAxis: Axis(label: "eigenvalue", scale: .log),
                                     title: "Spectrum of \(s.view.kernel.symbol) — \(s.data.summary)")
            out.figures.append(NamedFigure(name: "spectrum-\(s.view.kernel.rawValue)", figure: .line(fig)))
        }
        return out
    }
}

/// (e) Test accuracy of kernel regression (Θ, t = ∞ and optionally finite t) vs the
/// number of training examples, every stack on the same splits.
enum LearningCurveView {
    static func content(_ s: AppState) -> ViewContent {
        var out = ViewContent(notes: ViewBuilder.invalidNotes(s))
        var series: [Series] = []
        for c in s.computations(for: s.view) {
            guard case .learningCurve(let sizes, let lines, let warnings)? = s.results[c.key] else {
                out.notes.append(ViewBuilder.pending(s, c)); continue
            }
            for l in lines {
                series.append(Series(name: lines.count > 1 ? "\((c.stack?.name ?? "?")) \(l.label)" : (c.stack?.name ?? "?"), xs: sizes.map(Double.init), ys: l.values,
                                     group: c.stack?.name ?? "?", dashed: l.label != "t=∞"))
            }
            if let w = warnings.first { out.notes.append("\((c.stack?.name ?? "?")): \(w)") }
            let last = lines.first?.values.last.map { String(format: "%.2f", $0) } ?? "–"
            out.notes.append("\((c.stack?.name ?? "?")): accuracy \(last) at n=\(sizes.last ?? 0)")
        }
        if !series.isEmpty {
            let fig = LinePlotFigure(series: series, xAxis: Axis(label: "training examples", scale: .log),
                                     yAxis: Axis(label: "test accuracy", range: 0...1),
                                     title: "Accuracy vs training-set size (NTK regression) — \(s.data.summary), \(s.data.test) test")
            out.figures.append(NamedFigure(name: "learning-curve", figure: .line(fig)))
        }
        return out
    }
}

/// (f) Finite-width convergence: relative Frobenius error of the mean empirical NTK and
/// NNGP of finite networks (seed groups) against the exact kernels, vs width, log–log with
/// error bars (std over groups), and the fitted slopes in the title (`WidthConvergence`).
enum ConvergenceView {
    static func content(_ s: AppState) -> ViewContent {
        guard let st = s.currentStack else { return ViewContent(notes: ["no stack — press n"]) }
        if let e = st.validation { return ViewContent(notes: ["✗ \(st.name): \(e)"], isError: true) }
        guard let c = s.computations(for: s.view).first else { return ViewContent(notes: ["nothing to compute"]) }
        guard case .convergence(let r)? = s.results[c.key] else {
            return ViewContent(notes: [ViewBuilder.pending(s, c)], isError: s.failures[c.key] != nil)
        }
        let v = s.view
        let xs = r.points.map { Double($0.width) }
        let series = [
            Series(name: "NTK", xs: xs, ys: r.points.map(\.ntk.mean), yerr: r.points.map(\.ntk.std)),
            Series(name: "NNGP", xs: xs, ys: r.points.map(\.nngp.mean), yerr: r.points.map(\.nngp.std)),
        ]
        let title = String(format: "Finite width vs limit, %@: slope NTK %.2f, NNGP %.2f", st.name, r.ntkSlope, r.nngpSlope)
        let fig = LinePlotFigure(series: series, xAxis: Axis(label: "width", scale: .log),
                                 yAxis: Axis(label: "|mean emp. - exact|/|exact|", scale: .log), title: title)
        var notes = [String(format: "%@ on %d inputs of %@; %d groups × %d seeds per width; readout-expectation NNGP",
                            st.name, v.inputs, s.data.summary, v.groups, v.seedsPerGroup)]
        notes.append("widths " + r.points.map { String($0.width) }.joined(separator: ", ") + ": Θ error "
                     + r.points.map { String(format: "%.3f", $0.ntk.mean) }.joined(separator: ", ") + "; K error "
                     + r.points.map { String(format: "%.3f", $0.nngp.mean) }.joined(separator: ", "))
        notes.append(String(format: "fitted slope: Θ %.3f, K %.3f — %@", r.ntkSlope, r.nngpSlope,
                            r.ntkSlope < 0 ? "the error falls with width" : "the error does NOT fall with width"))
        return ViewContent(figures: [NamedFigure(name: "convergence-\(st.name)", figure: .line(fig))], notes: notes)
    }
}

/// (g) The augmentation identity: a group stack trained on N points and the matching CNN
/// trained on the |G|·N augmented points give the same predictions at every time t
/// (`AugmentationEquivalence`). Left: one prediction of both along t; right: the max
/// relative difference per t (log scale).
enum AugmentationView {
    static func content(_ s: AppState) -> ViewContent {
        guard let st = s.augmentationStack else {
            return ViewContent(notes: ["the augmentation identity needs a valid group stack (lift … group_pool, |G| > 1) — n → gcnn-c4"])
        }
        guard let c = s.computations(for: s.view).first else { return ViewContent(notes: ["nothing to compute"]) }
        guard case .augmentation(let r, _)? = s.results[c.key] else {
            return ViewContent(notes: [ViewBuilder.pending(s, c)], isError: s.failures[c.key] != nil)
        }
        func rel(_ p: AugmentationEquivalence.TimePoint) -> Double { p.maxDifference / max(p.scale, 1e-300) }
        let worst = r.points.map(rel).max() ?? .nan
        let finite = r.points.filter { $0.time != nil }
        let ts = finite.compactMap(\.time)
        let n = r.trainCount, g = r.group
        let pred = LinePlotFigure(series: [
            Series(name: "\(st.name) (\(g.name)), \(n) points", xs: ts, ys: finite.map { $0.gcnnPredictions.data[0] }),
            Series(name: "CNN, \(n * g.order) augmented", xs: ts, ys: finite.map { $0.cnnPredictions.data[0] }, connected: false),
        ], xAxis: Axis(label: "training time t", scale: .log), yAxis: Axis(label: "f_t(x_test,0) output 0"),
           title: String(format: "%@ vs CNN + %@ augmentation: max rel. difference %.1e", st.name, g.name, worst))
        let diffs = finite.map { max(rel($0), 1e-18) }
        let diff = LinePlotFigure(series: [Series(name: "max|f_G - f_CNN+aug| / max|f_G|", xs: ts, ys: diffs)],
                                  xAxis: Axis(label: "training time t", scale: .log),
                                  yAxis: Axis(label: "relative difference", scale: .log),
                                  title: "Difference per t (floored at 1e-18)")
        var notes = ["relative max|Δf| per t: " + r.points.map { p in
            String(format: "%@ %.1e", p.time.map(NumberText.short) ?? "∞", rel(p))
        }.joined(separator: ", ")]
        notes.append(String(format: "max relative difference over t: %.2e — %@", worst, worst < 1e-9 ? "identical up to rounding" : "differ"))
        if let w = r.warnings.first { notes.append("warning: \(w)") }
        return ViewContent(figures: [NamedFigure(name: "augmentation-\(st.name)", figure: .line(pred)),
                                     NamedFigure(name: "augmentation-difference-\(st.name)", figure: .line(diff))], notes: notes)
    }
}

/// (h) The QM9 experiment: MAE of the U0 atomisation energy (meV) against the number of
/// training molecules for the SO(3) molecule kernel, the per-atom MLP on invariant features, and
/// the composition baseline alone (`QM9LearningCurve`), log–log; the kernel (K or Θ) follows `t`.
/// Synthetic molecules when the QM9 cache is absent — the title says which.
enum QM9View {
    static func content(_ s: AppState) -> ViewContent {
        guard let c = s.computations(for: s.view).first, case .qm9(let q) = c else { return ViewContent(notes: ["nothing to compute"]) }
        guard case .qm9(let rows)? = s.results[c.key] else {
            return ViewContent(notes: [ViewBuilder.pending(s, c), "molecules: \(q.sourceText)" + source(q)], isError: s.failures[c.key] != nil)
        }
        let k = s.view.kernel.rawValue
        var series: [Series] = []
        for (label, model, kernel) in [("composition", "composition", "-"), ("\(q.modelText) \(s.view.kernel.symbol)", "so3", k),
                                       ("MLP \(s.view.kernel.symbol)", "mlp", k)] {
            let p = QM9CurveReport.points(rows, model: model, kernel: kernel)
            series.append(Series(name: label, xs: p.map { Double($0.trainSize) }, ys: p.map(\.maeMeV)))
        }
        let test = rows.first?.testSize ?? q.testSize
        let title = "QM9 U0 MAE vs training size — \(q.sourceText)\(source(q)), test \(test), \(s.view.kernel.symbol) (\(k))"
        let fig = LinePlotFigure(series: series, xAxis: Axis(label: "training molecules", scale: .log),
                                 yAxis: Axis(label: "test MAE (meV)", scale: .log), title: title)
        // Four note rows fit under the figure: one per model (both kernels), then the timing.
        let sizes = Array(Set(rows.map(\.trainSize))).sorted()
        func maes(_ model: String, _ kernel: String) -> String {
            QM9CurveReport.points(rows, model: model, kernel: kernel).map { String(format: "%.0f", $0.maeMeV) }.joined(separator: "/")
        }
        var notes = ["MAE (meV) at n = \(sizes.map(String.init).joined(separator: "/")): composition \(maes("composition", "-"))",
                     "\(q.modelText): Θ \(maes("so3", "ntk")), K \(maes("so3", "nngp"))",
                     "MLP (invariant features): Θ \(maes("mlp", "ntk")), K \(maes("mlp", "nngp"))"]
        let so3s = rows.first { $0.model == "so3" }?.gramSeconds ?? 0, mlps = rows.first { $0.model == "mlp" }?.gramSeconds ?? 0
        notes.append(String(format: "Gram SO(3) %.1f s, MLP %.2f s, %d atoms; diag_reg %g, seed %llu", so3s, mlps,
                            rows.first?.centreAtoms ?? 0, q.diagReg, q.seed)
                     + (q.source == .synthetic ? "; QM9: entk experiment qm9" : ""))
        return ViewContent(figures: [NamedFigure(name: "qm9-\(k)", figure: .line(fig))], notes: notes)
    }

    private static func source(_ q: QM9Choice) -> String {
        q.source == .synthetic && !QM9Choice.cacheHasQM9() ? " (no QM9 cache: make data)" : ""
    }
}
