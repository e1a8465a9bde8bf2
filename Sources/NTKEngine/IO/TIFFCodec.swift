import CTIFF

/// TIFF decoding and encoding through libtiff.
///
/// Why libtiff: NCT-CRC-HE-100K, the histology dataset of the paper, is a folder of RGB
/// `.tif` tiles. Decoding uses `TIFFReadRGBAImageOriented`, which handles any photometric
/// interpretation, compression and bit depth libtiff knows; writing (uncompressed or LZW) is
/// here so tests and users can make TIFF folders.
public enum TIFFCodec {
    /// Compression schemes offered for writing.
    public enum Compression: Sendable { case none, lzw }

    /// Decodes the first image of a TIFF file to 8-bit gray (1 sample per pixel) or RGB.
    public static func read(path: String) throws -> RasterImage {
        guard let tif = TIFFOpen(path, "r") else {
            throw DataError(path: path, "libtiff cannot open it (missing, unreadable or not a TIFF)")
        }
        defer { TIFFClose(tif) }
        var w: UInt32 = 0, h: UInt32 = 0
        var spp: UInt16 = 1
        let gotW = withUnsafeMutablePointer(to: &w) { p in withVaList([p]) { TIFFVGetField(tif, UInt32(TIFFTAG_IMAGEWIDTH), $0) } }
        let gotH = withUnsafeMutablePointer(to: &h) { p in withVaList([p]) { TIFFVGetField(tif, UInt32(TIFFTAG_IMAGELENGTH), $0) } }
        _ = withUnsafeMutablePointer(to: &spp) { p in withVaList([p]) { TIFFVGetFieldDefaulted(tif, UInt32(TIFFTAG_SAMPLESPERPIXEL), $0) } }
        guard gotW == 1, gotH == 1, w > 0, h > 0, w < 1 << 16, h < 1 << 16 else {
            throw DataError(path: path, "TIFF has no usable image size (\(w)×\(h))")
        }
        let width = Int(w), height = Int(h)
        var raster = [UInt32](repeating: 0, count: width * height)
        let ok = raster.withUnsafeMutableBufferPointer { buf in
            TIFFReadRGBAImageOriented(tif, w, h, buf.baseAddress, Int32(ORIENTATION_TOPLEFT), 0)
        }
        guard ok == 1 else { throw DataError(path: path, "libtiff could not decode the image (unsupported layout?)") }
        let gray = spp < 3
        let channels = gray ? 1 : 3
        var pixels = [UInt8](repeating: 0, count: width * height * channels)
        for p in 0..<(width * height) {
            let v = raster[p]
            if gray {
                pixels[p] = UInt8(v & 0xFF)
            } else {
                pixels[3 * p] = UInt8(v & 0xFF)
                pixels[3 * p + 1] = UInt8((v >> 8) & 0xFF)
                pixels[3 * p + 2] = UInt8((v >> 16) & 0xFF)
            }
        }
        return try RasterImage(width: width, height: height, channels: channels, pixels: pixels)
    }

    /// Writes a gray or RGB image (alpha is dropped) as a single-strip-per-row TIFF, atomically.
    public static func write(_ image: RasterImage, to path: String, compression: Compression = .none) throws {
        let img = image.droppingAlpha
        try AtomicFile.write(to: path) { tmp in
            guard let tif = TIFFOpen(tmp, "w") else { throw DataError(path: path, "libtiff cannot create the file") }
            defer { TIFFClose(tif) }
            func set(_ tag: Int32, _ value: CVarArg) -> Int32 { withVaList([value]) { TIFFVSetField(tif, UInt32(tag), $0) } }
            let fields: [(Int32, CVarArg)] = [
                (TIFFTAG_IMAGEWIDTH, UInt32(img.width)),
                (TIFFTAG_IMAGELENGTH, UInt32(img.height)),
                (TIFFTAG_SAMPLESPERPIXEL, Int32(img.channels)),
                (TIFFTAG_BITSPERSAMPLE, Int32(8)),
                (TIFFTAG_PHOTOMETRIC, Int32(img.channels == 3 ? PHOTOMETRIC_RGB : PHOTOMETRIC_MINISBLACK)),
                (TIFFTAG_PLANARCONFIG, Int32(PLANARCONFIG_CONTIG)),
                (TIFFTAG_ROWSPERSTRIP, UInt32(1)),
                (TIFFTAG_COMPRESSION, Int32(compression == .lzw ? COMPRESSION_LZW : COMPRESSION_NONE)),
            ]
            for (tag, value) in fields where set(tag, value) != 1 {
                throw DataError(path: path, "libtiff rejected tag \(tag)")
            }
            let rowBytes = img.width * img.channels
            var row = [UInt8](repeating: 0, count: rowBytes)
            for y in 0..<img.height {
                row.replaceSubrange(0..<rowBytes, with: img.pixels[(y * rowBytes)..<((y + 1) * rowBytes)])
                let ok = row.withUnsafeMutableBytes { TIFFWriteScanline(tif, $0.baseAddress, UInt32(y), 0) }
                guard ok == 1 else { throw DataError(path: path, "libtiff failed writing row \(y)") }
            }
        }
    }
}
