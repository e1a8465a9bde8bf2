import Dispatch
import Foundation
import CellSurface
import Synchronization

/// Renders complete views off the UI thread and keeps the last one.
///
/// Views stay pure functions of the state; this only moves their cost. Expanding and
/// block-averaging a large result (a 4096² symmetry-block matrix, a Gram of thousands of
/// points) takes far longer than a 50 ms frame, so the interactive loop asks this cache for
/// the view's buffer: a hit is blitted, a miss starts the render on a Dispatch worker and
/// the pane says "preparing the view…" until it lands. Complete views are cached, and a Gram
/// view filling in tile by tile (per tile); while another job runs, its progress note changes
/// every frame and the (cheap) pending view is drawn directly.
final class ViewRenderCache: Sendable {
    private struct Slot { var key: String?; var buffer: CellBuffer?; var pending: String? }
    private let slot = Mutex(Slot())

    init() {}

    /// The buffer for `key` if ready; otherwise starts `make` in the background (once per key) and returns nil.
    func buffer(key: String, make: @escaping @Sendable () -> CellBuffer) -> CellBuffer? {
        let start: Bool = slot.withLock { s in
            if s.key == key { return false }
            if s.pending == key { return false }
            s.pending = key
            return true
        }
        if start {
            DispatchQueue.global(qos: .userInteractive).async { [self] in
                let b = make()
                slot.withLock { s in
                    if s.pending == key { s.pending = nil }
                    s.key = key; s.buffer = b
                }
            }
        }
        return slot.withLock { $0.key == key ? $0.buffer : nil }
    }

    /// The last rendered buffer of the same view as `key` (the part before `|partial`): shown
    /// while the render for the next tile of a filling Gram — or its complete view — is under
    /// way, instead of "preparing the view…" flashing at every tile.
    func previous(of key: String) -> CellBuffer? {
        let base = key.components(separatedBy: "|partial").first ?? key
        return slot.withLock { s in (s.key?.hasPrefix(base) ?? false) ? s.buffer : nil }
    }

    /// Blocks until no render is pending (tests).
    func waitIdle() {
        while slot.withLock({ $0.pending != nil }) { usleep(2_000) }
    }

    /// The cache key of the current view, or nil when some computation is still missing — except
    /// a Gram filling in tile by tile, whose view changes only when a tile arrives (and can be
    /// large: a 2000² Gram is too much to block-average every frame).
    static func key(_ s: AppState, width: Int, height: Int, options: RenderOptions) -> String? {
        let cs = s.computations(for: s.view)
        var partial = ""
        if !cs.allSatisfy({ s.results[$0.key] != nil || s.failures[$0.key] != nil }) {
            guard s.view.kind == .gram, cs.count == 1,
                  let p = s.jobs.last(where: { $0.isRunning && $0.partial?.gramKey == cs[0].gramKey })?.partial else { return nil }
            partial = "|partial \(ObjectIdentifier(p).hashValue) \(p.tilesDone)"
        }
        let names = s.stacks.map { "\($0.name)\($0.validation == nil ? "" : "!")" }.joined(separator: ",")
        return "\(s.view.kind)|\(s.view.kernel)|\(s.view.pair)|\(s.view.layer ?? -1)|\(s.view.group ?? "")|\(s.view.sizes)|\(s.view.time ?? -1)|\(s.selected)|\(names)|"
            + cs.map { $0.key + (s.failures[$0.key] ?? "") }.joined(separator: ",") + "|\(width)x\(height)|\(options)" + partial
    }
}
