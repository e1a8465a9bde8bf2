import Foundation
import NTKEngine
import Plotting

/// A figure of a view: a heatmap or a line plot, with the same render/export calls.
enum Figure: Sendable {
    case heatmap(HeatmapFigure)
    case line(LinePlotFigure)

    func render(into buf: inout CellBuffer, area: Rect, options: RenderOptions) {
        switch self {
        case .heatmap(let h): h.render(into: &buf, area: area, options: options)
        case .line(let l): l.render(into: &buf, area: area, options: options)
        }
    }

    /// Writes `base.png`, `base.svg`, `base.pdf` (all drawn through Cairo), `base.csv` (and
    /// `base.npy` for matrices); returns the paths.
    func export(base: String) throws -> [String] {
        switch self {
        case .heatmap(let h):
            for f in FigureFormat.allCases { try h.write(f, path: base + "." + f.rawValue) }
            try h.writeCSV(path: base + ".csv")
            try NPY.write(try NPYArray(shape: [h.rows, h.cols], data: h.matrix), to: base + ".npy")
            return ["png", "svg", "pdf", "csv", "npy"].map { base + "." + $0 }
        case .line(let l):
            for f in FigureFormat.allCases { try l.write(f, path: base + "." + f.rawValue) }
            try l.writeCSV(path: base + ".csv")
            return ["png", "svg", "pdf", "csv"].map { base + "." + $0 }
        }
    }
}

/// One figure of a view with the name its export files get (`invariance-cnn`).
struct NamedFigure: Sendable {
    var name: String
    var figure: Figure
}

/// What a view shows: figures side by side, plus notes (waiting jobs, failures, hooks).
struct ViewContent: Sendable {
    var figures: [NamedFigure] = []
    var notes: [String] = []
    /// Notes that are errors (drawn in the error colour).
    var isError = false
}
