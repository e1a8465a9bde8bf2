import CellSurface

/// An in-memory `Screen` for tests: records every drawn frame and how many cells each draw
/// actually wrote, and replays a scripted list of input events.
public final class FakeScreen: Screen {
    public private(set) var width: Int
    public private(set) var height: Int
    public var options: RenderOptions
    /// Events returned by `nextEvent`, in order; nil (timeout) once exhausted.
    public var script: [InputEvent]
    /// The last frame passed to `draw`.
    public private(set) var lastBuffer: CellBuffer?
    /// What the "terminal" currently shows (the result of applying the diffs).
    public private(set) var shown: CellBuffer
    /// Number of cells written by each `draw` call.
    public private(set) var writesPerDraw: [Int] = []
    private var previous: CellBuffer?

    public init(width: Int, height: Int, options: RenderOptions = .rich, script: [InputEvent] = []) {
        self.width = width; self.height = height; self.options = options; self.script = script
        shown = CellBuffer(width: width, height: height)
    }

    public func draw(_ buffer: CellBuffer) {
        let changes = FrameDiff.changes(from: previous, to: buffer)
        if buffer.width != shown.width || buffer.height != shown.height {
            shown = CellBuffer(width: buffer.width, height: buffer.height)
        }
        for c in changes { shown[c.x, c.y] = c.cell }
        writesPerDraw.append(changes.count)
        previous = buffer
        lastBuffer = buffer
    }

    public func nextEvent(timeoutMS: Int) -> InputEvent? {
        guard !script.isEmpty else { return nil }
        let e = script.removeFirst()
        if case let .resize(w, h) = e { width = w; height = h; previous = nil }
        return e
    }
}
