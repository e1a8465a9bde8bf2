import Crypto
import Foundation
import Synchronization

/// A resumable, shareable store of Gram tiles on disk.
///
/// Layout of the folder:
/// - `manifest.json` — what the store is for (canonical spec, SHA-256 of each input set,
///   precision, tiling, and the SHA-256 key of all of them) and a SHA-256 checksum per finished
///   tile. One writer per manifest file: a plain run or MPI rank 0 writes `manifest.json`;
///   shard I of N writes `manifest.shard-I-of-N.json`; readers merge them all.
/// - `tiles/t-ROW-COL.npz` — one finished tile (arrays `nngp` and `ntk`, float64), written
///   atomically (temporary file, fsync, rename).
///
/// A tile counts as finished only if its file's SHA-256 equals a checksum recorded in a
/// manifest; any other tile file (truncated, corrupted, or written but not yet recorded when a
/// run was killed) is reported and recomputed. A store whose key differs (another spec, inputs,
/// precision or tiling) is refused, never used.
public final class GramStore: Sendable {
    public static let format = "entk-gram-store 1"

    public let directory: String
    public let key: String
    public let tiling: GramTiling
    /// The manifest file this process writes (nil: read-only, e.g. a worker rank).
    public let writerManifest: String?
    /// The identifying fields (spec, digests, precision, tile rows) as text, for mismatch messages.
    private let header: [String: String]
    private let headerJSON: Data
    /// Checksums recorded by this writer (the content of its manifest's "tiles").
    private let recorded: Mutex<[String: String]>

    /// Identity of a Gram job: hashed into the key and recorded in the manifest.
    public struct Identity: Sendable {
        public var spec: ArchitectureSpec
        public var x1: InputBatch
        public var x2: InputBatch?
        public var precision: Precision
        public var tileRows: Int
        /// `GramTiling.skipCornerFrom`: part of the key (only when set, so other keys are unchanged).
        public var skipCornerFrom: Int?
        public init(spec: ArchitectureSpec, x1: InputBatch, x2: InputBatch?, precision: Precision, tileRows: Int, skipCornerFrom: Int? = nil) {
            self.spec = spec; self.x1 = x1; self.x2 = x2; self.precision = precision; self.tileRows = tileRows
            self.skipCornerFrom = skipCornerFrom
        }

        /// Canonical spec text: compact, key-sorted JSON (the name is left out: it does not change the kernel).
        public var canonicalSpec: String { spec.canonicalJSON(withName: false) }

        static func digest(_ b: InputBatch) -> String {
            var h = SHA256()
            h.update(data: Data("shape=\(b.shape) count=\(b.count);".utf8))
            b.data.withUnsafeBytes { h.update(bufferPointer: $0) }  // little-endian float64, as in memory
            return ContentHash.hex(digest: h.finalize())
        }

        public var x1Digest: String { Self.digest(x1) }
        public var x2Digest: String { x2.map(Self.digest) ?? "symmetric" }

        /// SHA-256 of the canonical spec, both input sets' bytes, the precision and the tiling.
        public var key: String {
            var h = SHA256()
            let skip = skipCornerFrom.map { ["skip_corner_from=\($0)"] } ?? []
            for part in [GramStore.format, canonicalSpec, x1Digest, x2Digest, precision.rawValue, "tile_rows=\(tileRows)"] + skip {
                h.update(data: Data("\(part.utf8.count):".utf8)); h.update(data: Data(part.utf8))
            }
            return ContentHash.hex(digest: h.finalize())
        }
    }

    /// The default store folder for `key`: `<cache>/gram-store/<key>`.
    public static func defaultDirectory(key: String, cache: String = DataCache.directory()) -> String {
        ((cache as NSString).appendingPathComponent("gram-store") as NSString).appendingPathComponent(key)
    }

    /// Opens (creating if needed) the store for `identity` in `directory`. `writer`: "main" for
    /// `manifest.json`, "shard-I-of-N" for a shard, nil for a process that never writes.
    /// Throws if the folder holds a store made for anything else.
    public init(directory: String, identity id: Identity, writer: String?, create: Bool = true) throws {
        self.directory = directory
        key = id.key
        tiling = try GramTiling(n1: id.x1.count, n2: (id.x2 ?? id.x1).count, symmetric: id.x2 == nil, tileRows: id.tileRows,
                                skipCornerFrom: id.skipCornerFrom)
        var h: [String: Any] = [
            "format": Self.format, "key": key, "spec": id.canonicalSpec,
            "x1_sha256": id.x1Digest, "x1_shape": [id.x1.count] + id.x1.shape,
            "x2_sha256": id.x2Digest, "x2_shape": id.x2.map { [$0.count] + $0.shape } ?? [],
            "precision": id.precision.rawValue, "tile_rows": id.tileRows,
            "n1": tiling.n1, "n2": tiling.n2, "symmetric": tiling.symmetric, "tiles_total": tiling.tiles.count,
        ]
        if let k = id.skipCornerFrom { h["skip_corner_from"] = k }
        header = ["spec": id.canonicalSpec, "x1_sha256": id.x1Digest, "x2_sha256": id.x2Digest,
                  "precision": id.precision.rawValue, "tile_rows": String(id.tileRows)]
        headerJSON = try JSONSerialization.data(withJSONObject: h, options: [.sortedKeys])
        writerManifest = writer.map { $0 == "main" ? "manifest.json" : "manifest.\($0).json" }
        recorded = Mutex([:])

        let fm = FileManager.default
        var isDir: ObjCBool = false
        if fm.fileExists(atPath: directory, isDirectory: &isDir) {
            guard isDir.boolValue else { throw StoreError("store \(directory) is not a folder") }
        } else if !create {
            throw StoreError("store \(directory) does not exist: nothing has been computed into it yet")
        }
        // Refuse a store made for another job before writing anything into it.
        for (name, m) in try readManifests() {
            guard let other = m["key"] as? String else { throw StoreError("\(directory)/\(name) is not an entk store manifest (no key)") }
            if other != key { throw StoreError(mismatch(name, m)) }
        }
        if create {
            do {
                try fm.createDirectory(atPath: tilesDirectory, withIntermediateDirectories: true)
            } catch {
                throw StoreError("cannot create store folder \(tilesDirectory): \(error.localizedDescription)")
            }
        }
        if writer != nil { removeStaleTemporaryFiles() }
        if let mine = writerManifest {
            let own = (try readManifests()).first { $0.0 == mine }?.1["tiles"] as? [String: String] ?? [:]
            try recorded.withLock { sums in
                sums = own
                try writeManifest(sums)
            }
        }
    }

    public var tilesDirectory: String { (directory as NSString).appendingPathComponent("tiles") }
    public func path(of tile: GramTile) -> String { (tilesDirectory as NSString).appendingPathComponent(tile.name + ".npz") }

    private func mismatch(_ name: String, _ m: [String: Any]) -> String {
        var why: [String] = []
        if (m["spec"] as? String) != header["spec"] { why.append("the spec") }
        if (m["x1_sha256"] as? String) != header["x1_sha256"] { why.append("the x1 inputs") }
        if (m["x2_sha256"] as? String) != header["x2_sha256"] { why.append("the x2 inputs") }
        if (m["precision"] as? String) != header["precision"] { why.append("the precision (\(m["precision"] ?? "?"))") }
        if (m["tile_rows"] as? Int).map(String.init) != header["tile_rows"] { why.append("the tiling (--tile-rows \(m["tile_rows"] ?? "?"))") }
        if (m["format"] as? String) != Self.format { why.append("the store format") }
        if (m["skip_corner_from"] as? Int) != tiling.skipCornerFrom { why.append("the skipped test×test corner") }
        return "store \(directory) was made for another job (\(name) differs in \(why.isEmpty ? "its key" : why.joined(separator: ", "))); "
            + "it is not used. Pick another --store folder, or delete that one to start over."
    }

    /// Every manifest file of the folder, parsed.
    func readManifests() throws -> [(String, [String: Any])] {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else { return [] }
        var out: [(String, [String: Any])] = []
        for n in names.sorted() where n.hasPrefix("manifest") && n.hasSuffix(".json") {
            let p = (directory as NSString).appendingPathComponent(n)
            guard let d = FileManager.default.contents(atPath: p),
                  let obj = try? JSONSerialization.jsonObject(with: d) as? [String: Any] else {
                throw StoreError("\(p) is unreadable or not JSON; delete it (its tiles are then recomputed)")
            }
            out.append((n, obj))
        }
        return out
    }

    /// Shard counts named by shard manifests (`manifest.shard-I-of-N.json`).
    public func shardCountsSeen() throws -> Set<Int> {
        Set(try readManifests().compactMap { name, _ -> Int? in
            guard name.hasPrefix("manifest.shard-"), let r = name.range(of: "-of-") else { return nil }
            return Int(name[r.upperBound...].dropLast(5))
        })
    }

    /// Called with `recorded` locked, so manifests are written in the order tiles are recorded.
    private func writeManifest(_ sums: [String: String]) throws {
        guard let mine = writerManifest else { return }
        var obj = (try JSONSerialization.jsonObject(with: headerJSON) as? [String: Any]) ?? [:]
        obj["tiles"] = sums
        let d = try JSONSerialization.data(withJSONObject: obj, options: [.sortedKeys, .prettyPrinted])
        try DurableFile.write([UInt8](d), to: (directory as NSString).appendingPathComponent(mine))
    }

    // MARK: tiles

    /// The finished tiles (checksum verified). Tile files among `owned` (default: all) that fail
    /// their checksum or were never recorded are deleted, each with a warning naming it; other
    /// unverified tiles are left alone (another shard may be writing them right now).
    public func scan(owned: Set<Int>? = nil, warn: (String) -> Void) throws -> Set<Int> {
        var sums: [String: String] = [:]
        for (_, m) in try readManifests() {
            for (k, v) in m["tiles"] as? [String: String] ?? [:] { sums[k] = v }
        }
        var done = Set<Int>()
        for t in tiling.tiles {
            let p = path(of: t)
            guard let data = FileManager.default.contents(atPath: p) else { continue }
            let actual = ContentHash.hex(digest: SHA256.hash(data: data))
            if let want = sums[t.name], want == actual {
                done.insert(t.index)
                continue
            }
            if let owned, !owned.contains(t.index) { continue }
            if sums[t.name] != nil {
                warn("tile \(t.name) (\(p)) fails its SHA-256 checksum (truncated or corrupted, \(data.count) bytes); recomputing it")
            } else {
                warn("tile \(t.name) (\(p)) has no checksum in the manifest (the run was stopped before recording it); recomputing it")
            }
            unlink(p)
        }
        return done
    }

    /// Writes one finished tile atomically and records its checksum. Thread-safe.
    public func write(_ tile: GramTile, _ k: KernelMatrices) throws {
        guard k.nngp.rows == tile.rows.count, k.nngp.cols == tile.cols.count, k.ntk.rows == tile.rows.count, k.ntk.cols == tile.cols.count else {
            throw StoreError("tile \(tile.name): got \(k.nngp.rows)×\(k.nngp.cols), expected \(tile.rows.count)×\(tile.cols.count)")
        }
        let bytes = try Self.encode(k)
        try recorded.withLock { sums in
            try DurableFile.write(bytes, to: path(of: tile))
            sums[tile.name] = ContentHash.hex(digest: SHA256.hash(data: bytes))
            try writeManifest(sums)
        }
    }

    static func encode(_ k: KernelMatrices) throws -> [UInt8] {
        try NPZ.encode([
            "nngp": try NPYArray(shape: [k.nngp.rows, k.nngp.cols], data: k.nngp.data),
            "ntk": try NPYArray(shape: [k.ntk.rows, k.ntk.cols], data: k.ntk.data),
        ], path: "tile")
    }

    public func read(_ tile: GramTile) throws -> KernelMatrices {
        let a = try NPZ.read(path: path(of: tile))
        guard let n = a["nngp"], let t = a["ntk"], n.shape == [tile.rows.count, tile.cols.count], t.shape == n.shape else {
            throw StoreError("tile \(path(of: tile)) does not hold two \(tile.rows.count)×\(tile.cols.count) arrays nngp and ntk")
        }
        return KernelMatrices(nngp: Matrix(rows: tile.rows.count, cols: tile.cols.count, data: n.data),
                              ntk: Matrix(rows: tile.rows.count, cols: tile.cols.count, data: t.data))
    }

    /// The full matrices from the finished tiles (mirroring the lower triangle of a symmetric
    /// Gram). Throws `StoreError` listing missing tiles (per shard when `shards` is given).
    /// Entries of a skipped corner (`GramTiling.skipCornerFrom`) that no tile covers are NaN.
    public func assemble(shards: Int? = nil, warn: (String) -> Void) throws -> KernelMatrices {
        let done = try scan(warn: warn)
        let missing = tiling.tiles.filter { !done.contains($0.index) }
        if !missing.isEmpty {
            var lines = ["store \(directory) is incomplete: \(missing.count) of \(tiling.tiles.count) tiles missing"]
            let seen = try shardCountsSeen().sorted()
            let counts = shards.map { [$0] } ?? seen
            for n in counts {
                let owner = tiling.shardAssignment(count: n)
                var per = [Int](repeating: 0, count: n)
                for t in missing { per[owner[t.index]] += 1 }
                lines.append("  with \(n) shards: " + per.enumerated().filter { $0.element > 0 }
                    .map { "shard \($0.offset)/\(n): \($0.element) missing" }.joined(separator: ", "))
            }
            throw StoreError(lines.joined(separator: "\n"))
        }
        let n1 = tiling.n1, n2 = tiling.n2
        var kn = [Double](repeating: .nan, count: n1 * n2), kt = kn
        for t in tiling.tiles {
            let m = try read(t)
            for (a, i) in t.rows.enumerated() {
                for (b, j) in t.cols.enumerated() {
                    kn[i * n2 + j] = m.nngp[a, b]; kt[i * n2 + j] = m.ntk[a, b]
                    if tiling.symmetric && !t.diagonal { kn[j * n2 + i] = m.nngp[a, b]; kt[j * n2 + i] = m.ntk[a, b] }
                }
            }
        }
        return KernelMatrices(nngp: Matrix(rows: n1, cols: n2, data: kn), ntk: Matrix(rows: n1, cols: n2, data: kt))
    }

    /// Removes temporary files that killed writers left behind (`TemporaryFile.isStale`: never
    /// one a live writer — this process, another rank or shard — may still be writing).
    /// Returns the names removed.
    @discardableResult
    public func removeStaleTemporaryFiles(now: Date = Date()) -> [String] {
        var removed: [String] = []
        for dir in [directory, tilesDirectory] {
            for n in (try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? [] where TemporaryFile.owner(of: n) != nil {
                let p = (dir as NSString).appendingPathComponent(n)
                guard let m = (try? FileManager.default.attributesOfItem(atPath: p))?[.modificationDate] as? Date else { continue }
                if TemporaryFile.isStale(name: n, age: now.timeIntervalSince(m)), unlink(p) == 0 { removed.append(n) }
            }
        }
        return removed
    }
}
