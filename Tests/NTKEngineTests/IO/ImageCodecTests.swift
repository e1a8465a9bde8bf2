import Foundation
import XCTest
@testable import NTKEngine

final class ImageCodecTests: XCTestCase {
    func testPNGRoundTripGrayRGBAndAlpha() throws {
        let dir = try Fixture.temporaryDirectory()
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

    func testTIFFRoundTripUncompressedAndLZW() throws {
        let dir = try Fixture.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        for (channels, compression) in [(3, TIFFCodec.Compression.none), (3, .lzw), (1, .none), (1, .lzw)] {
            let px = (0..<(7 * 4 * channels)).map { UInt8(($0 * 53 + 11) % 256) }
            let img = try RasterImage(width: 7, height: 4, channels: channels, pixels: px)
            let p = dir.appendingPathComponent("t\(channels)\(compression).tif").path
            try TIFFCodec.write(img, to: p, compression: compression)
            XCTAssertEqual(try TIFFCodec.read(path: p), img, "channels \(channels) \(compression)")
        }
        XCTAssertThrowsError(try TIFFCodec.read(path: dir.appendingPathComponent("missing.tif").path))
    }

    func testGrayscaleConversion() throws {
        let img = try RasterImage(width: 2, height: 1, channels: 3, pixels: [255, 0, 0, 10, 10, 10])
        XCTAssertEqual(img.grayscale.pixels, [76, 10])
        XCTAssertEqual(img.grayscale.channels, 1)
    }
}
