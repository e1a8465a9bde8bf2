import CellSurface

/// Chooses the colour mode of an ncurses session.
///
/// Pure so it is testable: the inputs are the environment and what ncurses reports after
/// `start_color()` (`COLORS`, whether the terminfo entry is direct-colour).
public enum ColorDetection {
    public static func mode(environment env: [String: String], hasColors: Bool, colors: Int, directColor: Bool) -> ColorMode {
        if let nc = env["NO_COLOR"], !nc.isEmpty { return .none }
        guard hasColors, colors >= 8 else { return .none }
        // ncurses can only emit 24-bit escapes through a direct-colour terminfo entry
        // (TERM=*-direct); COLORTERM alone is not enough for curses output.
        if directColor { return .truecolor }
        if colors >= 256 { return .palette256 }
        return .palette8
    }
}
