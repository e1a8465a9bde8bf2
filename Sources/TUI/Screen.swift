import CellSurface

/// The terminal as the application loop sees it: a size, a way to show a frame and a
/// source of input events.
///
/// The real implementation is `NcursesScreen`; tests use `FakeScreen`. Screens are not
/// `Sendable`: they belong to the UI thread (ncurses is not thread-safe).
public protocol Screen: AnyObject {
    /// Current size in cells.
    var width: Int { get }
    var height: Int { get }
    /// What figures and widgets should render for this terminal.
    var options: RenderOptions { get }
    /// Shows `buffer`, writing only the cells that differ from the previous frame.
    func draw(_ buffer: CellBuffer)
    /// Waits up to `timeoutMS` for input; nil on timeout (the loop then redraws/polls).
    func nextEvent(timeoutMS: Int) -> InputEvent?
}

extension Screen {
    /// A blank buffer of the screen's size, ready to render a frame into.
    public func makeBuffer() -> CellBuffer { CellBuffer(width: width, height: height) }
}
