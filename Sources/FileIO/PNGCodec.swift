import CPNG

/// PNG decoding and encoding through libpng's simplified API (`png_image`).
///
/// Why libpng: the texture/histology sources (scikit-image's bundled images) and user image
/// folders are PNG; the simplified API handles every bit depth, palette and interlacing and
/// needs no `setjmp`, which Swift cannot use.
public enum PNGCodec {
    /// Decodes a PNG file to 8-bit gray, gray+alpha, RGB or RGBA, matching what the file holds
    /// (palette images become RGB(A), 16-bit samples are reduced to 8 bits).
    public static func read(path: String) throws -> RasterImage {
        let bytes = try AtomicFile.read(path)
        return try decode(bytes, path: path)
    }

    /// Decodes PNG bytes; `path` only names the source in errors.
    public static func decode(_ bytes: [UInt8], path: String) throws -> RasterImage {
        var image = png_image()
        image.version = UInt32(PNG_IMAGE_VERSION)
        let began = bytes.withUnsafeBytes { raw in
            png_image_begin_read_from_memory(&image, raw.baseAddress, raw.count)
        }
        guard began != 0 else { throw DataError(path: path, "not a readable PNG: \(message(&image))") }
        let color = image.format & UInt32(PNG_FORMAT_FLAG_COLOR) != 0
        let alpha = image.format & UInt32(PNG_FORMAT_FLAG_ALPHA) != 0
        image.format = (color ? UInt32(PNG_FORMAT_FLAG_COLOR) : 0) | (alpha ? UInt32(PNG_FORMAT_FLAG_ALPHA) : 0)
        let channels = (color ? 3 : 1) + (alpha ? 1 : 0)
        let width = Int(image.width), height = Int(image.height)
        var pixels = [UInt8](repeating: 0, count: width * height * channels)
        let ok = pixels.withUnsafeMutableBytes { buf in
            png_image_finish_read(&image, nil, buf.baseAddress, 0, nil)
        }
        guard ok != 0 else {
            let why = message(&image)
            png_image_free(&image)
            throw DataError(path: path, "PNG decoding failed: \(why)")
        }
        return try RasterImage(width: width, height: height, channels: channels, pixels: pixels)
    }

    /// Encodes `image` as PNG and writes it atomically to `path`.
    public static func write(_ image: RasterImage, to path: String) throws {
        try AtomicFile.write(encode(image, path: path), to: path)
    }

    /// Encodes `image` as PNG bytes.
    public static func encode(_ raster: RasterImage, path: String = "<memory>") throws -> [UInt8] {
        var image = png_image()
        image.version = UInt32(PNG_IMAGE_VERSION)
        image.width = UInt32(raster.width)
        image.height = UInt32(raster.height)
        let color = raster.channels >= 3, alpha = raster.channels == 2 || raster.channels == 4
        image.format = (color ? UInt32(PNG_FORMAT_FLAG_COLOR) : 0) | (alpha ? UInt32(PNG_FORMAT_FLAG_ALPHA) : 0)
        var size = 0
        let probe = raster.pixels.withUnsafeBytes { buf in
            png_image_write_to_memory(&image, nil, &size, 0, buf.baseAddress, 0, nil)
        }
        guard probe != 0, size > 0 else { throw DataError(path: path, "PNG encoding failed: \(message(&image))") }
        var out = [UInt8](repeating: 0, count: size)
        let ok = out.withUnsafeMutableBytes { dst in
            raster.pixels.withUnsafeBytes { src in
                png_image_write_to_memory(&image, dst.baseAddress, &size, 0, src.baseAddress, 0, nil)
            }
        }
        guard ok != 0 else { throw DataError(path: path, "PNG encoding failed: \(message(&image))") }
        return Array(out.prefix(size))
    }

    private static func message(_ image: inout png_image) -> String {
        withUnsafeBytes(of: &image.message) { raw in
            String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
        }
    }
}
