/// Pure rendering of matrices and series into styled cell grids and image files.
public enum Plotting {}
