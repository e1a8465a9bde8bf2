import Foundation
import Synchronization

/// Progress of a running Gram computation, readable from any thread (the UI polls it
/// once per frame) and cancellable cooperatively: workers check `isCancelled` between tiles.
public final class GramProgress: Sendable {
    private let done = Atomic<Int>(0)
    private let totalPairs = Atomic<Int>(0)
    private let cancelled = Atomic<Bool>(false)
    private let started = Mutex<Date?>(nil)
    /// Set by `plan(total:)`: several computations share this progress, so `begin` must not reset it.
    private let planned = Atomic<Bool>(false)

    public init() {}

    public var completed: Int { done.load(ordering: .relaxed) }
    public var total: Int { totalPairs.load(ordering: .relaxed) }
    public var fraction: Double { total == 0 ? 0 : min(1, Double(completed) / Double(total)) }
    public var isCancelled: Bool { cancelled.load(ordering: .relaxed) }
    /// Seconds since start.
    public var elapsed: Double { started.withLock { $0.map { Date().timeIntervalSince($0) } ?? 0 } }
    /// Estimated seconds remaining, from the rate so far (nil before the first tile).
    public var eta: Double? {
        let c = completed, t = total
        guard c > 0, t > 0 else { return nil }
        return elapsed * Double(max(t - c, 0)) / Double(c)
    }

    /// Asks the workers to stop at the next tile boundary.
    public func cancel() { cancelled.store(true, ordering: .relaxed) }

    /// Declares that the next computations (several Grams of one experiment) add up to `total`
    /// pairs, so the fraction and ETA cover the whole job instead of restarting per Gram.
    public func plan(total: Int) {
        planned.store(true, ordering: .relaxed)
        totalPairs.store(total, ordering: .relaxed)
        done.store(0, ordering: .relaxed)
        started.withLock { $0 = Date() }
    }

    func begin(total: Int) {
        if planned.load(ordering: .relaxed) { return }
        totalPairs.store(total, ordering: .relaxed)
        done.store(0, ordering: .relaxed)
        started.withLock { $0 = Date() }
    }
    func advance(by n: Int) { done.add(n, ordering: .relaxed) }
}
