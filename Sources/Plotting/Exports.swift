// Figures render into a `CellBuffer` and are coloured with `RGB`/`ColorMode`, so a client of
// Plotting always needs the drawing surface too: re-export it (one `import Plotting` suffices).
@_exported import CellSurface
