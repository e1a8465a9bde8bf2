import CMPI
import Foundation
import NTKEngine
import Synchronization

/// MPI for `mpirun -np N entk kernel …` (and `experiment learning-curve`).
///
/// entk only initialises MPI when the environment says it was started by an MPI launcher
/// (`OMPI_COMM_WORLD_SIZE` from OpenMPI's mpirun, `PMIX_RANK` from PMIx launchers such as
/// `srun --mpi=pmix`); `ENTK_MPI=0` turns that off. libmpi is loaded with dlopen at that point
/// (Sources/CMPI), so a plain `entk` neither links nor loads it and starts exactly as before.
final class MPIContext: Sendable {
    let rank: Int
    let size: Int
    private let sequence = Atomic<Int>(0)

    private init(rank: Int, size: Int) { self.rank = rank; self.size = size }

    static func launchedByMPI(_ env: [String: String] = ProcessInfo.processInfo.environment) -> Bool {
        if env["ENTK_MPI"] == "0" { return false }
        return env["OMPI_COMM_WORLD_SIZE"] != nil || env["PMIX_RANK"] != nil
    }

    /// The process's MPI context: nil when not under mpirun. Initialised once.
    static func shared() throws -> MPIContext? { try started.get() }

    private static let started: Result<MPIContext?, UserError> = {
        guard launchedByMPI() else { return .success(nil) }
        var err = [CChar](repeating: 0, count: 512)
        if entk_mpi_load(&err, Int32(err.count)) != 0 {
            return .failure(UserError(String(cString: err)))
        }
        var provided: Int32 = 0
        if let e = check(entk_mpi_init(&provided), "MPI_Init_thread") { return .failure(e) }
        var r: Int32 = 0, s: Int32 = 0
        if let e = check(entk_mpi_rank(&r), "MPI_Comm_rank") ?? check(entk_mpi_size(&s), "MPI_Comm_size") { return .failure(e) }
        // FUNNELED (1) or better: only the main thread calls MPI; rank 0 computes on another thread.
        if provided < 1 { return .failure(UserError("the MPI library does not support MPI_THREAD_FUNNELED (provided level \(provided))")) }
        return .success(MPIContext(rank: Int(r), size: Int(s)))
    }()

    static func check(_ rc: Int32, _ what: String) -> UserError? {
        if rc == 0 { return nil }
        var buf = [CChar](repeating: 0, count: 512)
        entk_mpi_error_string(rc, &buf, Int32(buf.count))
        return UserError("\(what) failed: \(String(cString: buf))")
    }

    /// A fresh message tag pair for the next distributed Gram (several Grams of one run must not
    /// mix their messages): even tag worker → rank 0, odd tag rank 0 → worker.
    func nextTags() -> (toRoot: Int32, toWorker: Int32) {
        let s = sequence.add(1, ordering: .relaxed).oldValue
        return (Int32(100 + 2 * s), Int32(101 + 2 * s))
    }

    func finalize() { _ = entk_mpi_finalize() }

    /// Prints the error and aborts every rank (mpirun then exits non-zero).
    func abort(_ error: Error) -> Never {
        FileHandle.standardError.write(Data("entk rank \(rank)/\(size): error: \(error)\n".utf8))
        _ = entk_mpi_abort(1)
        exit(1)
    }

    func send(_ values: [Double], to dest: Int, tag: Int32) throws {
        // The count fits Int32: tiles are at most tile_rows² ≤ 2·256² doubles per matrix unless
        // --tile-rows is huge; checked here rather than truncated.
        guard values.count < Int(Int32.max) else { throw UserError("MPI message of \(values.count) doubles is too large; use a smaller --tile-rows") }
        if let e = values.withUnsafeBufferPointer({ MPIContext.check(entk_mpi_send_doubles($0.baseAddress, Int32($0.count), Int32(dest), tag), "MPI_Send") }) { throw e }
    }

    /// Blocking receive of a message with `tag` from `source`.
    func receive(from source: Int, tag: Int32) throws -> [Double] {
        var count: Int32 = 0
        if let e = MPIContext.check(entk_mpi_probe(Int32(source), tag, &count), "MPI_Probe") { throw e }
        return try receive(count: Int(count), from: source, tag: tag)
    }

    /// A waiting message with `tag` from any rank, or nil.
    func poll(tag: Int32) throws -> (source: Int, values: [Double])? {
        var flag: Int32 = 0, src: Int32 = 0, count: Int32 = 0
        if let e = MPIContext.check(entk_mpi_iprobe(tag, &flag, &src, &count), "MPI_Iprobe") { throw e }
        if flag == 0 { return nil }
        return (Int(src), try receive(count: Int(count), from: Int(src), tag: tag))
    }

    private func receive(count: Int, from source: Int, tag: Int32) throws -> [Double] {
        var buf = [Double](repeating: 0, count: max(count, 0))
        let rc = buf.withUnsafeMutableBufferPointer { entk_mpi_recv_doubles($0.baseAddress, Int32($0.count), Int32(source), tag) }
        if let e = MPIContext.check(rc, "MPI_Recv") { throw e }
        return buf
    }
}

/// Distributed tile computation: rank 0 hands out the missing tiles largest first, computes
/// tiles itself on a second thread, receives the others' tiles and writes every tile to the
/// store (the only writer); ranks > 0 only compute.
enum MPITiles {
    /// Rank 0 side. Returns when every tile of `scope` is in the store and every worker was told to stop.
    static func coordinate(_ mpi: MPIContext, store: GramStore, scope: [GramTile], engine: GramEngine,
                           x1: InputBatch, x2: InputBatch?, warn: (String) -> Void, onLine: @escaping @Sendable (String) -> Void) throws -> StoreProgress {
        let tags = mpi.nextTags()
        let done = try store.scan(owned: Set(scope.map(\.index)), warn: warn)
        let p = StoreProgress(tiling: store.tiling, scope: scope, alreadyDone: done)
        let queue = TileQueue(scope.filter { !done.contains($0.index) })
        let failure = FailureBox()
        let cache = SelfKernelCache()
        let localDone = DispatchSemaphore(value: 0)
        // Rank 0's own share of the work; MPI calls stay on the main thread (FUNNELED).
        let local = Thread {
            defer { localDone.signal() }
            do {
                while failure.m.withLock({ $0 == nil }), let t = queue.next() {
                    let k = try engine.computeTile(t, x1, x2, cache: cache)
                    try store.write(t, k)
                    if let line = p.finished(t) { onLine(line) }
                }
            } catch { failure.m.withLock { $0 = error } }
        }
        local.start()
        let tiles = store.tiling.tiles
        var active = mpi.size - 1
        while active > 0 {
            if let e = failure.m.withLock({ $0 }) { throw e }
            guard let (src, msg) = try mpi.poll(tag: tags.toRoot) else { usleep(500); continue }
            // A message is [tile index, nngp…, ntk…], or [-1] for "ready".
            if let first = msg.first, first >= 0 {
                let idx = Int(first)
                guard idx < tiles.count else { throw UserError("rank \(src) sent tile \(idx) of \(tiles.count)") }
                let t = tiles[idx]
                let n = t.rows.count * t.cols.count
                guard msg.count == 1 + 2 * n else { throw UserError("rank \(src) sent \(msg.count) values for tile \(t.name), expected \(1 + 2 * n)") }
                let k = KernelMatrices(nngp: Matrix(rows: t.rows.count, cols: t.cols.count, data: Array(msg[1...n])),
                                       ntk: Matrix(rows: t.rows.count, cols: t.cols.count, data: Array(msg[(n + 1)...])))
                try store.write(t, k)
                if let line = p.finished(t) { onLine(line) }
            }
            if failure.m.withLock({ $0 != nil }) { continue }
            if let t = queue.next() {
                try mpi.send([Double(t.index)], to: src, tag: tags.toWorker)
            } else {
                try mpi.send([-1], to: src, tag: tags.toWorker)
                active -= 1
            }
        }
        localDone.wait()
        if let e = failure.m.withLock({ $0 }) { throw e }
        return p
    }

    /// Rank > 0 side: asks for tiles until told to stop.
    static func work(_ mpi: MPIContext, tiling: GramTiling, engine: GramEngine, x1: InputBatch, x2: InputBatch?) throws {
        let tags = mpi.nextTags()
        var message: [Double] = [-1]
        let cache = SelfKernelCache()
        while true {
            try mpi.send(message, to: 0, tag: tags.toRoot)
            let order = try mpi.receive(from: 0, tag: tags.toWorker)
            guard let first = order.first, first >= 0 else { return }
            let idx = Int(first)
            guard idx < tiling.tiles.count else { throw UserError("rank 0 sent tile \(idx) of \(tiling.tiles.count)") }
            let t = tiling.tiles[idx]
            let k = try engine.computeTile(t, x1, x2, cache: cache)
            message = [Double(idx)] + k.nngp.data + k.ntk.data
        }
    }
}

/// The first error of rank 0's compute thread (a class: a Mutex cannot be captured by value).
final class FailureBox: Sendable {
    let m = Mutex<Error?>(nil)
}
