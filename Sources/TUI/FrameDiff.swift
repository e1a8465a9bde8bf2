import CellSurface

/// One cell to (re)write.
public struct CellChange: Hashable, Sendable {
    public let x: Int
    public let y: Int
    public let cell: Cell
}

/// Computes the cells that changed between two frames — the "diffed redraw" that keeps a
/// 20 fps UI loop cheap over slow links (ssh, tmux) and avoids flicker.
public enum FrameDiff {
    /// Cells of `next` that differ from `previous`. With no previous frame, or a size change,
    /// every cell is returned (a full redraw).
    public static func changes(from previous: CellBuffer?, to next: CellBuffer) -> [CellChange] {
        var out: [CellChange] = []
        let full = previous == nil || previous?.width != next.width || previous?.height != next.height
        for y in 0..<next.height {
            for x in 0..<next.width {
                let c = next[x, y]
                if full || previous?[x, y] != c { out.append(CellChange(x: x, y: y, cell: c)) }
            }
        }
        return out
    }
}
