/// Reading and writing NumPy `.npz` archives (zip files of `.npy` members).
///
/// Why: `np.savez`/`np.savez_compressed` is how people ship several arrays (images, labels)
/// in one file. Reading supports stored and deflate members, zip64 size fields and CRC checks;
/// writing uses stored members only (no compression), which NumPy reads like any other `.npz`.
public enum NPZ {
    /// Reads every member of an `.npz` file; keys are member names without the `.npy` suffix.
    public static func read(path: String) throws -> [String: NPYArray] {
        let bytes = try AtomicFile.read(path)
        var arrays: [String: NPYArray] = [:]
        for entry in try ZipArchive.entries(bytes, path: path) where entry.name.hasSuffix(".npy") {
            let member = try ZipArchive.extract(entry, from: bytes, path: path)
            let key = String(entry.name.dropLast(4))
            arrays[key] = try NPY.decode(member, path: "\(path)[\(entry.name)]")
        }
        return arrays
    }

    /// Reads one member (`key` without `.npy`), with an error listing the keys if it is missing.
    public static func read(path: String, key: String) throws -> NPYArray {
        let arrays = try read(path: path)
        guard let a = arrays[key] else {
            throw DataError(path: path, "has no array '\(key)'; it has: \(arrays.keys.sorted().joined(separator: ", "))")
        }
        return a
    }

    /// Writes `arrays` as an uncompressed `.npz`, atomically; `dtypes` picks per-key element
    /// types (default float64).
    public static func write(_ arrays: [String: NPYArray], dtypes: [String: NPYDType] = [:], to path: String) throws {
        var files: [(String, [UInt8])] = []
        for key in arrays.keys.sorted() {
            guard let a = arrays[key] else { continue }
            files.append((key + ".npy", try NPY.encode(a, as: dtypes[key] ?? .float64, path: path)))
        }
        try AtomicFile.write(ZipArchive.storedArchive(files, path: path), to: path)
    }
}
