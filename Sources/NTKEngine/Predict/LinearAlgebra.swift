import COpenBLAS

/// Thin wrappers around LAPACK (from OpenBLAS) for symmetric matrices.
public enum LinearAlgebra {
    /// Cholesky factor (lower, column-major = upper row-major view) of a symmetric matrix,
    /// or nil when it is not numerically positive definite.
    static func cholesky(_ a: Matrix) -> [Double]? {
        var f = a.data
        var n = Int32(a.rows), lda = n, info: Int32 = 0
        var uplo = CChar(UInt8(ascii: "L"))
        dpotrf_(&uplo, &n, &f, &lda, &info, 1)
        return info == 0 ? f : nil
    }

    /// Solves A·X = B from a Cholesky factor; B is n×m row-major, returned the same way.
    static func choleskySolve(factor: [Double], n: Int, _ b: Matrix) -> Matrix {
        // LAPACK is column-major: pass Bᵀ (m×n row-major = n×m column-major).
        var bt = b.transposed.data
        var f = factor
        var nn = Int32(n), nrhs = Int32(b.cols), lda = Int32(n), ldb = Int32(n), info: Int32 = 0
        var uplo = CChar(UInt8(ascii: "L"))
        dpotrs_(&uplo, &nn, &nrhs, &f, &lda, &bt, &ldb, &info, 1)
        return Matrix(rows: b.cols, cols: n, data: bt).transposed
    }

    /// Eigenvalues (ascending) and, if asked, eigenvectors (columns of the returned matrix,
    /// row-major n×n) of a symmetric matrix.
    public static func symmetricEigen(_ a: Matrix, vectors: Bool = true) throws -> (values: [Double], vectors: Matrix?) {
        guard a.rows == a.cols else { throw KernelError.shape("eigendecomposition needs a square matrix, got \(a.rows)×\(a.cols)") }
        guard a.isFinite else { throw KernelError.nonFinite("the matrix has NaN or infinite entries") }
        let n = a.rows
        if n == 0 { return ([], vectors ? Matrix(rows: 0, cols: 0) : nil) }
        var m = a.data // symmetric: row- and column-major coincide
        var w = [Double](repeating: 0, count: n)
        var jobz = CChar(UInt8(ascii: vectors ? "V" : "N")), uplo = CChar(UInt8(ascii: "L"))
        var nn = Int32(n), lda = Int32(n), info: Int32 = 0
        var lwork: Int32 = -1, liwork: Int32 = -1
        var wq = [Double](repeating: 0, count: 1)
        var iq = [Int32](repeating: 0, count: 1)
        dsyevd_(&jobz, &uplo, &nn, &m, &lda, &w, &wq, &lwork, &iq, &liwork, &info, 1, 1)
        lwork = Int32(wq[0]); liwork = iq[0]
        var work = [Double](repeating: 0, count: Int(max(lwork, 1)))
        var iwork = [Int32](repeating: 0, count: Int(max(liwork, 1)))
        dsyevd_(&jobz, &uplo, &nn, &m, &lda, &w, &work, &lwork, &iwork, &liwork, &info, 1, 1)
        guard info == 0 else { throw KernelError.linearAlgebra("dsyevd failed to converge (info \(info))") }
        // Column-major eigenvectors: column j of the result is eigenvector j. In row-major
        // storage that is the transpose, so transpose back.
        return (w, vectors ? Matrix(rows: n, cols: n, data: m).transposed : nil)
    }

    /// C = A·B with dgemm.
    public static func multiply(_ a: Matrix, _ b: Matrix) -> Matrix {
        precondition(a.cols == b.rows)
        var c = [Double](repeating: 0, count: a.rows * b.cols)
        if a.rows == 0 || b.cols == 0 { return Matrix(rows: a.rows, cols: b.cols, data: c) }
        cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(a.rows), Int32(b.cols), Int32(a.cols),
                    1, a.data, Int32(max(a.cols, 1)), b.data, Int32(max(b.cols, 1)), 0, &c, Int32(max(b.cols, 1)))
        return Matrix(rows: a.rows, cols: b.cols, data: c)
    }
}
