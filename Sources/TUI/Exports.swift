// Widgets render into a `CellBuffer` and screens present one, so a client of the TUI toolkit
// always needs the drawing surface too: re-export it (one `import TUI` suffices).
@_exported import CellSurface
