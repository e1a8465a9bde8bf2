import XCTest
import CPNG
@testable import Plotting

/// Decodes exported PNGs with libpng and checks actual pixels (not just the header).
final class PNGDecodeTests: XCTestCase {
    private func decode(_ png: [UInt8]) throws -> (width: Int, height: Int, rgb: [UInt8]) {
        var img = png_image()
        img.version = UInt32(PNG_IMAGE_VERSION)
        let ok = png.withUnsafeBytes { png_image_begin_read_from_memory(&img, $0.baseAddress, $0.count) }
        guard ok != 0 else { throw PlotExportError.pngEncodingFailed("begin_read") }
        img.format = UInt32(PNG_FORMAT_RGB)
        var out = [UInt8](repeating: 0, count: Int(img.width) * Int(img.height) * 3)
        let ok2 = out.withUnsafeMutableBytes { png_image_finish_read(&img, nil, $0.baseAddress, 0, nil) }
        guard ok2 != 0 else { throw PlotExportError.pngEncodingFailed("finish_read") }
        return (Int(img.width), Int(img.height), out)
    }

    func testRoundTripPixels() throws {
        let fig = HeatmapFigure(matrix: [0, 1, .nan, 0.5], rows: 2, cols: 2, title: "rt")
        let scene = fig.scene()
        let raster = RasterImage(scene: scene)
        let d = try decode(try fig.pngData())
        XCTAssertEqual(d.width, scene.width); XCTAssertEqual(d.height, scene.height)
        XCTAssertEqual(d.rgb, raster.pixels, "PNG must contain exactly the rasterised scene")
        let rects = scene.items.compactMap { item -> (Double, Double, RGB)? in
            if case let .rect(x, y, w, h, fill) = item { return (x + w / 2, y + h / 2, fill) }; return nil
        }
        // rects[0..3] are the matrix entries in row-major order.
        let expected = [Colormap.viridis.color(at: 0), Colormap.viridis.color(at: 1),
                        Colormap.viridis.nanColor, Colormap.viridis.color(at: 0.5)]
        for (k, e) in expected.enumerated() {
            let (cx, cy, _) = rects[k]
            let i = (Int(cy) * d.width + Int(cx)) * 3
            XCTAssertEqual(RGB(d.rgb[i], d.rgb[i + 1], d.rgb[i + 2]), e, "entry \(k)")
        }
    }
}
