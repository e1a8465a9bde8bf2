import COpenBLAS
import Synchronization

/// Keeps OpenBLAS single-threaded while entk's own workers run.
///
/// The Gram engine (and the Monte-Carlo kernels) already use every core with their own
/// workers, each calling small gemms; OpenBLAS's threads would then spin-wait (sched_yield)
/// against them — measured 5× slower on 2 busy cores. The first caller saves the thread
/// count and sets 1, the last one restores it, so overlapping jobs do not undo each other.
public enum BLASThreads {
    private static let state = Mutex<(users: Int, saved: Int32)>((0, 1))

    public static func singleThreaded<R>(_ body: () throws -> R) rethrows -> R {
        enter()
        defer { leave() }
        return try body()
    }

    /// Start a single-threaded section (pair with `leave`).
    public static func enter() {
        state.withLock { s in
            if s.users == 0 { s.saved = openblas_get_num_threads(); openblas_set_num_threads(1) }
            s.users += 1
        }
    }

    /// End a single-threaded section; the last one restores the saved thread count.
    public static func leave() {
        state.withLock { s in
            s.users -= 1
            if s.users == 0 { openblas_set_num_threads(s.saved) }
        }
    }
}
