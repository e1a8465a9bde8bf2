import COpenBLAS
import Dispatch

/// The machine's dense arithmetic rate — OpenBLAS dgemm GFLOP/s — measured in the same run
/// as a benchmark, so throughput figures can be compared across machines (`make bench`).
public enum DgemmYardstick {
    /// Best of `repeats` timings of C = A·Aᵀ (n×n, float64) with `threads` OpenBLAS threads
    /// (OpenBLAS caps this at the count it was started with: set OPENBLAS_NUM_THREADS ≥ threads).
    public static func gflops(n: Int = 2000, threads: Int, repeats: Int = 3) -> Double {
        let count = n * n
        let a = (0..<count).map { Double(($0 &* 7919) % 1000) / 1000 - 0.5 }
        var c = [Double](repeating: 0, count: count)
        let saved = openblas_get_num_threads()
        openblas_set_num_threads(Int32(max(1, threads)))
        defer { openblas_set_num_threads(saved) }
        var best = 0.0
        for _ in 0..<max(1, repeats) {
            let t0 = DispatchTime.now().uptimeNanoseconds
            a.withUnsafeBufferPointer { ap in
                c.withUnsafeMutableBufferPointer { cp in
                    cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, Int32(n), Int32(n), Int32(n),
                                1, ap.baseAddress, Int32(n), ap.baseAddress, Int32(n), 0, cp.baseAddress, Int32(n))
                }
            }
            let dt = Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9
            if dt > 0 { best = max(best, 2 * Double(n) * Double(n) * Double(n) / dt / 1e9) }
        }
        return best
    }
}
