import FileIO

extension RasterImage {
    /// An 8-bit RGB image of `colors`, row-major with `width` per row (heatmap pixels, the
    /// colour bar), or nil when the sizes do not match or are zero — then there is nothing to draw.
    static func rgb(_ colors: [RGB], width: Int, height: Int) -> RasterImage? {
        guard width > 0, height > 0, colors.count == width * height else { return nil }
        var pixels = [UInt8]()
        pixels.reserveCapacity(3 * colors.count)
        for c in colors { pixels.append(c.r); pixels.append(c.g); pixels.append(c.b) }
        return try? RasterImage(width: width, height: height, channels: 3, pixels: pixels)
    }
}
