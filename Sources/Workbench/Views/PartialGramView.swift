import Foundation
import NTKEngine
import Plotting

/// The Gram view while its Gram is computed in the tile store: the finished tiles drawn, the
/// missing ones hatched, in input order (the class labels arrive with the result, so rows are
/// not yet sorted by class; the tiles show as blocks), so a long job can be looked at early.
enum PartialGramView {
    static func content(_ s: AppState, _ st: NamedStack, _ c: Computation, _ partial: PartialGram) -> ViewContent {
        let k = partial.matrices()
        let mat = s.view.kernel == .ntk ? k.ntk : k.nngp
        let done = partial.tilesDone, total = partial.tiling.tiles.count
        let title = "\(s.view.kernel.symbol) \(st.name) — \(s.data.summary) — \(done)/\(total) tiles (computing, input order)"
        var fig = HeatmapFigure(matrix: mat.data, rows: mat.rows, cols: mat.cols, title: title,
                                colormap: HeatmapFigure.suggestedColormap(for: mat.data),
                                xLabel: "x′", yLabel: "x", quantity: s.view.kernel.symbol)
        fig.missingLabel = "to do"
        // Nothing here changes between tiles (the view is cached per tile); the running
        // percentage and ETA are in the Jobs pane.
        let notes = ["… computing \(c.title): \(done)/\(total) tiles of \(partial.tiling.tileRows) rows; hatched ╱: not computed yet"]
        return ViewContent(figures: [NamedFigure(name: "gram-\(s.view.kernel.rawValue)-\(st.name)-partial", figure: .heatmap(fig))], notes: notes)
    }
}
