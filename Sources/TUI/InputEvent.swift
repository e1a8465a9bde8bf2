/// A key press, already decoded from terminal codes so screens never see ncurses numbers.
public enum Key: Hashable, Sendable {
    /// A printable character (including space).
    case char(Character)
    /// Ctrl + letter, lower-case (`.ctrl("c")` is Ctrl-C, delivered as a key because the
    /// terminal runs in raw mode so the app can quit cleanly through `endwin`).
    case ctrl(Character)
    case enter, escape, tab, backTab, backspace, delete
    case up, down, left, right
    case pageUp, pageDown, home, end
    /// Function key F1…F24.
    case function(Int)

    /// Ctrl-C, the universal "quit now".
    public static let ctrlC = Key.ctrl("c")
}

/// Mouse buttons and wheel directions.
public enum MouseButton: Hashable, Sendable {
    case left, middle, right, scrollUp, scrollDown
}

/// A mouse click or wheel step at a cell position (0-based, origin top-left).
public struct MouseEvent: Hashable, Sendable {
    public var button: MouseButton
    public var x: Int
    public var y: Int

    public init(button: MouseButton, x: Int, y: Int) {
        self.button = button; self.x = x; self.y = y
    }
}

/// Everything a screen can report to the application loop.
public enum InputEvent: Hashable, Sendable {
    case key(Key)
    case mouse(MouseEvent)
    /// The terminal was resized to `width`×`height` cells; the next frame is redrawn fully.
    case resize(width: Int, height: Int)
}
