import CPNG

/// Errors of the file exports.
public enum PlotExportError: Error, Equatable, CustomStringConvertible {
    case pngEncodingFailed(String)
    case writeFailed(path: String, reason: String)

    public var description: String {
        switch self {
        case let .pngEncodingFailed(m): return "PNG encoding failed: \(m)"
        case let .writeFailed(p, r): return "cannot write \(p): \(r)"
        }
    }
}

/// PNG encoding through libpng's "simplified API" (`png_image_write_to_memory`).
///
/// The simplified API handles libpng's setjmp/longjmp error protocol internally and reports
/// failure through a return code, which is the only safe way to use libpng from Swift
/// (Swift frames must never be unwound by longjmp).
public enum PNGEncoder {
    public static func encode(_ image: RasterImage) throws -> [UInt8] {
        var img = png_image()
        img.version = UInt32(PNG_IMAGE_VERSION)
        img.width = UInt32(image.width)
        img.height = UInt32(image.height)
        img.format = UInt32(PNG_FORMAT_RGB)
        let stride = Int32(image.width * 3)
        var size = 0
        let pixels = image.pixels
        // First call: ask for the required size.
        let ok1 = pixels.withUnsafeBufferPointer { buf in
            png_image_write_to_memory(&img, nil, &size, 0, buf.baseAddress, stride, nil)
        }
        guard ok1 != 0, size > 0 else { throw PlotExportError.pngEncodingFailed(message(img)) }
        var out = [UInt8](repeating: 0, count: size)
        let ok2 = out.withUnsafeMutableBytes { dst in
            pixels.withUnsafeBufferPointer { buf in
                png_image_write_to_memory(&img, dst.baseAddress, &size, 0, buf.baseAddress, stride, nil)
            }
        }
        png_image_free(&img)
        guard ok2 != 0 else { throw PlotExportError.pngEncodingFailed(message(img)) }
        return Array(out.prefix(size))
    }

    private static func message(_ img: png_image) -> String {
        var m = img.message
        return withUnsafeBytes(of: &m) { raw in
            String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
        }
    }
}
