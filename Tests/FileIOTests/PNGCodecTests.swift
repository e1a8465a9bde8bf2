import Foundation
import XCTest
@testable import FileIO

final class PNGCodecTests: XCTestCase {
    func testPNGRoundTripGrayRGBAndAlpha() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("entk-png-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        for channels in 1...4 {
            let px = (0..<(5 * 3 * channels)).map { UInt8(($0 * 37) % 256) }
            let img = try RasterImage(width: 5, height: 3, channels: channels, pixels: px)
            let p = dir.appendingPathComponent("i\(channels).png").path
            try PNGCodec.write(img, to: p)
            XCTAssertEqual(try PNGCodec.read(path: p), img, "channels \(channels)")
        }
        XCTAssertThrowsError(try PNGCodec.decode(Array("not a png".utf8), path: "x.png")) { e in
            XCTAssertTrue(String(describing: e).hasPrefix("x.png:"))
        }
    }

    /// 1×1 and one-row/one-column images survive encode → decode; the file starts with the PNG
    /// signature and its IHDR holds the size (big-endian, bytes 16–23).
    func testEdgesAndHeader() throws {
        for (w, h) in [(1, 1), (9, 1), (1, 9)] {
            let img = try RasterImage(width: w, height: h, channels: 3, pixels: (0..<(3 * w * h)).map { UInt8($0 * 29 % 256) })
            let png = try PNGCodec.encode(img)
            XCTAssertEqual(Array(png.prefix(8)), [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
            XCTAssertEqual(Array(png[16..<24]), [0, 0, 0, UInt8(w), 0, 0, 0, UInt8(h)])
            XCTAssertEqual(try PNGCodec.decode(png, path: "e.png"), img)
        }
    }

    func testRasterImageChecksItsSizeAndConverts() throws {
        XCTAssertThrowsError(try RasterImage(width: 2, height: 2, channels: 3, pixels: [0, 0, 0]))
        XCTAssertThrowsError(try RasterImage(width: 0, height: 2, channels: 1, pixels: []))
        XCTAssertThrowsError(try RasterImage(width: 1, height: 1, channels: 5, pixels: [0, 0, 0, 0, 0]))
        let img = try RasterImage(width: 2, height: 1, channels: 3, pixels: [255, 0, 0, 10, 10, 10])
        // BT.601 luma: 0.299 · 255 = 76.2 → 76; grey stays grey.
        XCTAssertEqual(img.grayscale.pixels, [76, 10])
        XCTAssertEqual(img.grayscale.channels, 1)
        let rgba = try RasterImage(width: 1, height: 2, channels: 4, pixels: [1, 2, 3, 4, 5, 6, 7, 8])
        XCTAssertEqual(rgba.droppingAlpha.pixels, [1, 2, 3, 5, 6, 7])
        XCTAssertEqual(rgba.normalizedPixels.first, 1.0 / 255)
    }
}
