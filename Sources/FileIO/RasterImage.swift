/// An 8-bit raster image as decoded from PNG or TIFF: `height × width × channels` bytes,
/// row-major, channels interleaved (gray = 1, gray+alpha = 2, RGB = 3, RGBA = 4).
///
/// Why a separate type from the float images of `Dataset`: decoders and encoders speak bytes;
/// conversion to `[Double]` in [0, 1] happens once, in `normalizedPixels`.
public struct RasterImage: Sendable, Equatable {
    public var width: Int
    public var height: Int
    public var channels: Int
    public var pixels: [UInt8]

    /// Creates an image, checking that `pixels` holds exactly `height * width * channels` bytes.
    public init(width: Int, height: Int, channels: Int, pixels: [UInt8]) throws {
        guard width > 0, height > 0, (1...4).contains(channels), pixels.count == width * height * channels else {
            throw DataError(path: "RasterImage", "\(width)×\(height)×\(channels) needs \(max(0, width * height * channels)) bytes, got \(pixels.count)")
        }
        self.width = width
        self.height = height
        self.channels = channels
        self.pixels = pixels
    }

    /// Pixels as `Double` in [0, 1], NHWC-flattened like `Dataset` images.
    public var normalizedPixels: [Double] { pixels.map { Double($0) / 255 } }

    /// The image without its alpha channel (gray+alpha → gray, RGBA → RGB); unchanged otherwise.
    public var droppingAlpha: RasterImage {
        guard channels == 2 || channels == 4 else { return self }
        let keep = channels - 1
        var out = [UInt8]()
        out.reserveCapacity(width * height * keep)
        for p in 0..<(width * height) { out += pixels[(p * channels)..<(p * channels + keep)] }
        return RasterImage(unchecked: width, height, keep, out)
    }

    /// Luminance (ITU-R BT.601 weights, as PIL and scikit-image's `rgb2gray` use for 8-bit) of
    /// an RGB(A) image; gray images are returned without alpha.
    public var grayscale: RasterImage {
        let base = droppingAlpha
        guard base.channels == 3 else { return base }
        var out = [UInt8](repeating: 0, count: width * height)
        for p in 0..<(width * height) {
            let r = Double(base.pixels[3 * p]), g = Double(base.pixels[3 * p + 1]), b = Double(base.pixels[3 * p + 2])
            out[p] = UInt8(min(255, max(0, (0.299 * r + 0.587 * g + 0.114 * b).rounded())))
        }
        return RasterImage(unchecked: width, height, 1, out)
    }

    init(unchecked width: Int, _ height: Int, _ channels: Int, _ pixels: [UInt8]) {
        self.width = width
        self.height = height
        self.channels = channels
        self.pixels = pixels
    }
}
