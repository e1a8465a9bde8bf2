import Foundation
import ZIPFoundation

/// Reading and writing NumPy `.npz` archives (zip files of `.npy` members).
///
/// Why: `np.savez`/`np.savez_compressed` is how people ship several arrays (images, labels)
/// in one file. The ZIP container (central directory, zip64 fields, stored and deflate
/// members, CRC-32 checks) is ZIPFoundation's; writing uses stored members (no compression),
/// which NumPy reads like any other `.npz`.
public enum NPZ {
    /// Reads every member of an `.npz` file; keys are member names without the `.npy` suffix.
    public static func read(path: String) throws -> [String: NPYArray] {
        guard FileManager.default.fileExists(atPath: path) else { throw DataError(path: path, "no such file") }
        let archive: Archive
        do {
            archive = try Archive(url: URL(fileURLWithPath: path), accessMode: .read)
        } catch {
            throw DataError(path: path, "not a zip/.npz file (\(describe(error)))")
        }
        var arrays: [String: NPYArray] = [:]
        for entry in archive where entry.type == .file && entry.path.hasSuffix(".npy") {
            var member = Data()
            let crc: UInt32
            do {
                // The consumer form returns the CRC-32 of what it read; comparing it with the
                // central directory's is the caller's job.
                crc = try archive.extract(entry, skipCRC32: false) { member.append($0) }
            } catch {
                throw DataError(path: path, "member \(entry.path) is corrupt (\(describe(error)))")
            }
            guard crc == entry.checksum else {
                throw DataError(path: path, "member \(entry.path) is corrupt (CRC-32 mismatch)")
            }
            guard UInt64(member.count) == entry.uncompressedSize else {
                throw DataError(path: path, "member \(entry.path) is corrupt (size mismatch)")
            }
            let key = String(entry.path.dropLast(4))
            arrays[key] = try NPY.decode([UInt8](member), path: "\(path)[\(entry.path)]")
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
        try AtomicFile.write(try encode(arrays, dtypes: dtypes, path: path), to: path)
    }

    /// The bytes of an uncompressed `.npz` holding `arrays` (keys sorted, fixed dates), so equal
    /// arrays give equal bytes; `path` only names the file in errors.
    public static func encode(_ arrays: [String: NPYArray], dtypes: [String: NPYDType] = [:], path: String) throws -> [UInt8] {
        let archive: Archive
        do { archive = try Archive(data: Data(), accessMode: .create) } catch {
            throw DataError(path: path, "cannot create a zip archive in memory (\(describe(error)))")
        }
        // A fixed date keeps the archive bytes a function of the arrays alone.
        let date = Date(timeIntervalSince1970: 315_532_800) // 1980-01-01, the ZIP epoch
        for key in arrays.keys.sorted() {
            guard let a = arrays[key] else { continue }
            let bytes = Data(try NPY.encode(a, as: dtypes[key] ?? .float64, path: path))
            do {
                try archive.addEntry(with: key + ".npy", type: .file, uncompressedSize: Int64(bytes.count),
                                     modificationDate: date, compressionMethod: .none) { position, size in
                    // Bounds: ZIPFoundation asks for [position, position+size) within uncompressedSize.
                    let lo = min(bytes.count, max(0, Int(position)))
                    return bytes.subdata(in: lo..<min(bytes.count, lo + max(0, size)))
                }
            } catch {
                throw DataError(path: path, "cannot add \(key).npy to the archive (\(describe(error)))")
            }
        }
        guard let data = archive.data else { throw DataError(path: path, "the in-memory zip archive has no data") }
        return [UInt8](data)
    }

    private static func describe(_ error: Error) -> String {
        if let e = error as? Archive.ArchiveError {
            switch e {
            case .invalidCRC32: return "CRC-32 mismatch"
            case .missingEndOfCentralDirectoryRecord: return "no end-of-central-directory record"
            case .invalidCompressionMethod: return "unsupported compression method; only stored and deflate are read"
            default: return "\(e)"
            }
        }
        return "\(error)"
    }
}
