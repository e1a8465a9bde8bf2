import Foundation
import XCTest
@testable import NTKEngine

/// TIFF here; PNG and RasterImage are tested with FileIO (Tests/FileIOTests).
final class ImageCodecTests: XCTestCase {
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
}
