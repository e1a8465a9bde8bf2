import Foundation

/// Imports a folder of class subfolders of image tiles (TIFF or PNG), e.g. NCT-CRC-HE-100K
/// (`ADI/`, `BACK/`, `DEB/`, … of 224×224 RGB `.tif` tiles), resizing each tile to a chosen
/// size by exact area averaging and caching the result as `.npz` in the data cache.
///
/// Why: the paper's histology experiments use NCT-CRC-HE at 32×32. The full dataset is large
/// and cannot be fetched by entk; users who have it point the importer at the folder once and
/// later runs read the small cached arrays (`images` float32 N×S×S×C, `labels` int64, plus a
/// `.classes.txt` with one class name per line), which NumPy can read too.
public enum ImageFolderImporter {
    /// File extensions recognised as tiles.
    public static let extensions: Set<String> = ["tif", "tiff", "png"]

    /// Reads every tile under `folder/<class>/`, classes sorted by name, files sorted by name.
    /// - Parameters:
    ///   - size: output side length (tiles are resized to `size × size`).
    ///   - limitPerClass: keep only the first files of each class (sorted), for quick subsets.
    ///   - classes: restrict to these subfolder names (in this label order); nil = all.
    public static func read(folder: String, size: Int, limitPerClass: Int? = nil, classes: [String]? = nil) throws -> Dataset {
        let fm = FileManager.default
        var isDir: ObjCBool = false
        guard fm.fileExists(atPath: folder, isDirectory: &isDir), isDir.boolValue else {
            throw DataError(path: folder, "is not a folder (expected one subfolder of images per class)")
        }
        guard size > 0 else { throw DataError(path: folder, "resize target must be positive, got \(size)") }
        let all = try fm.contentsOfDirectory(atPath: folder).filter { name in
            var d: ObjCBool = false
            return !name.hasPrefix(".") && fm.fileExists(atPath: (folder as NSString).appendingPathComponent(name), isDirectory: &d) && d.boolValue
        }.sorted()
        let names = classes ?? all
        if let missing = names.first(where: { !all.contains($0) }) {
            throw DataError(path: folder, "has no class subfolder '\(missing)'; it has: \(all.joined(separator: ", "))")
        }
        guard !names.isEmpty else { throw DataError(path: folder, "has no class subfolders") }
        var images = [Double](), labels = [Int]()
        var channels: Int?
        for (label, cls) in names.enumerated() {
            let dir = (folder as NSString).appendingPathComponent(cls)
            var files = try fm.contentsOfDirectory(atPath: dir)
                .filter { extensions.contains(($0 as NSString).pathExtension.lowercased()) && !$0.hasPrefix(".") }
                .sorted()
            if let limit = limitPerClass { files = Array(files.prefix(limit)) }
            for f in files {
                let path = (dir as NSString).appendingPathComponent(f)
                let ext = (f as NSString).pathExtension.lowercased()
                let raster = (ext == "png" ? try PNGCodec.read(path: path) : try TIFFCodec.read(path: path)).droppingAlpha
                if let c = channels, c != raster.channels {
                    throw DataError(path: path, "has \(raster.channels) channels but earlier tiles have \(c)")
                }
                channels = raster.channels
                images += AreaResize.resize(raster.normalizedPixels, height: raster.height, width: raster.width,
                                            channels: raster.channels, toHeight: size, toWidth: size)
                labels.append(label)
            }
        }
        guard let c = channels else { throw DataError(path: folder, "contains no .tif/.tiff/.png tiles") }
        let base = (folder as NSString).lastPathComponent
        return try Dataset(name: "\(base)@\(size)", images: images, shape: [size, size, c], labels: labels, classNames: names)
    }

    /// The cache file used for `folder` at `size` (and optional per-class limit).
    public static func cachePath(folder: String, size: Int, limitPerClass: Int? = nil, cacheDirectory: String = DataCache.directory()) -> String {
        let base = (folder as NSString).lastPathComponent
        let suffix = limitPerClass.map { "-first\($0)" } ?? ""
        return (cacheDirectory as NSString).appendingPathComponent("imported/\(base)-\(size)px\(suffix).npz")
    }

    /// The cached import if present, otherwise imports `folder` and writes the cache.
    public static func load(folder: String, size: Int = 32, limitPerClass: Int? = nil,
                            cacheDirectory: String = DataCache.directory()) throws -> Dataset {
        let path = cachePath(folder: folder, size: size, limitPerClass: limitPerClass, cacheDirectory: cacheDirectory)
        if FileManager.default.fileExists(atPath: path) { return try readCache(path) }
        let d = try read(folder: folder, size: size, limitPerClass: limitPerClass)
        try writeCache(d, to: path)
        return d
    }

    /// Writes `dataset` as `images`/`labels` `.npz` plus a `.classes.txt` sidecar.
    public static func writeCache(_ dataset: Dataset, to path: String) throws {
        try AtomicFile.write(Array((dataset.classNames.joined(separator: "\n") + "\n").utf8), to: path + ".classes.txt")
        try ArrayImport.write(dataset, to: path, imagesAs: .float32)
    }

    /// Reads a cache written by `writeCache`.
    public static func readCache(_ path: String) throws -> Dataset {
        let names = try String(decoding: AtomicFile.read(path + ".classes.txt"), as: UTF8.self)
            .split(separator: "\n").map(String.init)
        var d = try ArrayImport.dataset(npz: path, imagesKey: "images", labelsKey: "labels", classNames: names)
        d.name = ((path as NSString).lastPathComponent as NSString).deletingPathExtension
        return d
    }
}
