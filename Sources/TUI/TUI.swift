import CNcursesw
import Plotting

/// The ncurses layer: screen, input, colours and widgets.
public enum TUI {}
