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
        }
    }

    /// A note for a computation without a result: running (with progress), failed, or not started.
    static func pending(_ s: AppState, _ c: Computation) -> String {
        if let f = s.failures[c.key] { return "✗ \(c.title): \(f)" }
        if let j = s.jobs.last(where: { $0.key == c.key && $0.isRunning }) {
            let eta = j.eta.map { String(format: ", ETA %.0fs", $0) } ?? ""
            return String(format: "… %@: %.0f%% (%.1fs%@)", c.title, 100 * j.fraction, j.elapsed, eta)
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
            return ViewContent(notes: [ViewBuilder.pending(s, c)], isError: s.failures[c.key] != nil)
        }
        let mat = s.view.kernel == .ntk ? m.ntk : m.nngp
        let (sorted, seps) = sortedByClass(mat, labels: labels)
        let title = "\(s.view.kernel.symbol) \(st.name) — \(s.data.summary) — classes \(names.prefix(s.data.classes).joined(separator: ","))"
        let fig = HeatmapFigure(matrix: sorted.data, rows: sorted.rows, cols: sorted.cols, title: title,
                                colormap: .viridis, separators: seps, xLabel: "x′ (by class)", yLabel: "x")
        return ViewContent(figures: [NamedFigure(name: "gram-\(s.view.kernel.rawValue)-\(st.name)", figure: .heatmap(fig))])
    }

    /// The matrix with rows/cols permuted so classes are contiguous (stable), and the indices
    /// where each class after the first starts.
    static func sortedByClass(_ m: Matrix, labels: [Int]) -> (Matrix, [Int]) {
        guard labels.count == m.rows, m.rows == m.cols else { return (m, []) }
        let perm = labels.indices.sorted { (labels[$0], $0) < (labels[$1], $1) }
        var out = Matrix(rows: m.rows, cols: m.cols)
        for (a, i) in perm.enumerated() { for (b, j) in perm.enumerated() { out[a, b] = m[i, j] } }
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
        guard case .blocks(let ik)? = s.results[c.key] else {
            return ViewContent(notes: [ViewBuilder.pending(s, c)], isError: s.failures[c.key] != nil)
        }
        let m = ik.fullMatrix(ntk: s.view.kernel == .ntk)
        let p = ik.positions, g = ik.group.order
        let seps = g > 1 ? (1..<g).map { $0 * p } : []
        let layerName = st.spec.layers.indices.contains(layer) ? st.spec.layers[layer].typeName : "?"
        let title = "\(s.view.kernel.symbol)_{r,r′}(t,t′) \(st.name) after layer \(layer) (\(layerName)) \(ik.shape), pair (\(s.view.pair.0),\(s.view.pair.1)) — \(ik.group.name): \(g)×\(g) blocks of \(p)×\(p)"
        let fig = HeatmapFigure(matrix: m.data, rows: m.rows, cols: m.cols, title: title, colormap: .viridis,
                                separators: seps, xLabel: "(r′, t′)", yLabel: "(r, t)")
        var notes: [String] = []
        if g > 1 { notes.append(String(format: "block-circulance defect max|B(r,r′) − B(0,r′r⁻¹)| = %.2e", circulanceDefect(m, group: ik.group, p: p))) }
        return ViewContent(figures: [NamedFigure(name: "symmetry-blocks-\(s.view.kernel.rawValue)-\(st.name)-L\(layer)", figure: .heatmap(fig))], notes: notes)
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
            let title = String(format: "%@ %@(g·x,h·x′) %@, pair (%d,%d): spread %@", c.stack.name, s.view.kernel.symbol, g,
                               s.view.pair.0, s.view.pair.1, spreadText(sp))
            let fig = HeatmapFigure(matrix: m.data, rows: m.rows, cols: m.cols, title: title, colormap: .viridis,
                                    xLabel: "h", yLabel: "g")
            out.figures.append(NamedFigure(name: "invariance-\(s.view.kernel.rawValue)-\(c.stack.name)", figure: .heatmap(fig)))
            out.notes.append(String(format: "%@: (max−min)/mean = %@ — %@", c.stack.name, spreadText(sp), sp < 1e-6 ? "invariant" : "not invariant"))
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
            if pos.count < ev.count { out.notes.append("\(c.stack.name): \(ev.count - pos.count) eigenvalues ≤ 0 not drawn") }
            series.append(Series(name: c.stack.name, xs: pos.map { Double($0.offset + 1) }, ys: pos.map(\.element)))
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
                series.append(Series(name: lines.count > 1 ? "\(c.stack.name) \(l.label)" : c.stack.name, xs: sizes.map(Double.init), ys: l.values))
            }
            if let w = warnings.first { out.notes.append("\(c.stack.name): \(w)") }
            let last = lines.first?.values.last.map { String(format: "%.2f", $0) } ?? "–"
            out.notes.append("\(c.stack.name): accuracy \(last) at n=\(sizes.last ?? 0)")
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

/// (f) Finite-width convergence. The engine's FiniteWidth module is not on this branch,
/// so the view says so instead of drawing anything made up.
enum ConvergenceView {
    /// Set when an engine with finite-width sampling is linked (see docs/workbench.md).
    static let engineSupport: String? = nil

    static func content(_ s: AppState) -> ViewContent {
        ViewContent(notes: [
            "Kernel convergence (finite-width error vs width, log–log) is not available in this build:",
            "the engine's finite-width module (Sources/NTKEngine/FiniteWidth) is not on this branch.",
            "Hook: ConvergenceView.content — it will plot ‖Θ_width − Θ_∞‖/‖Θ_∞‖ per stack once the module lands.",
        ])
    }
}
