import Foundation
import NTKEngine
import Synchronization

/// Computed Gram matrices by content hash, in memory and (when a folder is given) on disk
/// as `gram-<hash>-{nngp,ntk}.npy` under the session's cache folder, so reopening or
/// replaying a session does not recompute. Disk writes are atomic (NPY.write renames a
/// temporary file); a damaged cache file is ignored and recomputed.
final class GramCache: Sendable {
    let directory: String?
    private let memory = Mutex<[String: KernelMatrices]>([:])
    private let counters = Mutex<(memory: Int, disk: Int, computed: Int)>((0, 0, 0))

    init(directory: String?) { self.directory = directory }

    /// (memory hits, disk hits, computed) — for tests and the Jobs pane.
    var stats: (memory: Int, disk: Int, computed: Int) { counters.withLock { $0 } }

    private func paths(_ key: String) -> (String, String)? {
        guard let d = directory else { return nil }
        return ((d as NSString).appendingPathComponent("gram-\(key)-nngp.npy"),
                (d as NSString).appendingPathComponent("gram-\(key)-ntk.npy"))
    }

    func lookup(_ key: String) -> KernelMatrices? {
        if let m = memory.withLock({ $0[key] }) { counters.withLock { $0.memory += 1 }; return m }
        guard let (pk, pt) = paths(key), FileManager.default.fileExists(atPath: pt),
              let a = try? NPY.read(path: pk), let b = try? NPY.read(path: pt),
              a.shape.count == 2, a.shape == b.shape else { return nil }
        let m = KernelMatrices(nngp: Matrix(rows: a.shape[0], cols: a.shape[1], data: a.data),
                               ntk: Matrix(rows: b.shape[0], cols: b.shape[1], data: b.data))
        memory.withLock { $0[key] = m }
        counters.withLock { $0.disk += 1 }
        return m
    }

    /// Whether `key` is cached in memory or on disk (checks that the files exist, reads nothing).
    func contains(_ key: String) -> Bool {
        if memory.withLock({ $0[key] != nil }) { return true }
        guard let (pk, pt) = paths(key) else { return false }
        return FileManager.default.fileExists(atPath: pk) && FileManager.default.fileExists(atPath: pt)
    }

    func store(_ key: String, _ m: KernelMatrices) {
        memory.withLock { $0[key] = m }
        guard let (pk, pt) = paths(key), let dir = directory else { return }
        do {
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            try NPY.write(try NPYArray(shape: [m.nngp.rows, m.nngp.cols], data: m.nngp.data), to: pk)
            try NPY.write(try NPYArray(shape: [m.ntk.rows, m.ntk.cols], data: m.ntk.data), to: pt)
        } catch {
            // The cache is an optimisation: a full disk or read-only folder only costs a recompute.
        }
    }

    /// The cached Gram for `key`, or computes it with `engine` and caches it. When another
    /// job is computing the same key right now, this one waits for that result (calling
    /// `onShare` with its progress) instead of computing it a second time; if that job fails
    /// or is cancelled, this one computes it. `compute` replaces `engine.compute` (the tile store).
    func gram(key: String, engine: GramEngine, _ x1: InputBatch, _ x2: InputBatch? = nil, progress: GramProgress,
              onShare: (@Sendable (GramProgress) -> Void)? = nil,
              compute: ((GramProgress) throws -> KernelMatrices)? = nil) throws -> KernelMatrices {
        while true {
            if let m = lookup(key) { return m }
            let (flight, owner) = inFlight.withLock { d -> (Flight, Bool) in
                if let f = d[key] { return (f, false) }
                let f = Flight(progress: progress)
                d[key] = f
                return (f, true)
            }
            if owner {
                defer {
                    inFlight.withLock { $0[key] = nil }
                    flight.finished.store(true, ordering: .releasing)
                }
                let m: KernelMatrices
                if let compute { m = try compute(progress) } else {
                    let r = try engine.compute(x1, x2, progress: progress)
                    m = KernelMatrices(nngp: r.nngp, ntk: r.ntk)
                }
                counters.withLock { $0.computed += 1 }
                store(key, m)
                return m
            }
            onShare?(flight.progress)
            while !flight.finished.load(ordering: .acquiring) {
                if progress.isCancelled { throw KernelError.cancelled }
                usleep(20_000)
            }
            // Loop: a stored result is a memory hit; after a failed/cancelled owner, claim it.
        }
    }

    /// A Gram being computed by one job, which others wait for.
    private final class Flight: Sendable {
        let progress: GramProgress
        let finished = Atomic<Bool>(false)
        init(progress: GramProgress) { self.progress = progress }
    }
    private let inFlight = Mutex<[String: Flight]>([:])
}
