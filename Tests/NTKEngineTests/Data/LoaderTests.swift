import Foundation
import XCTest
@testable import NTKEngine

final class LoaderTests: XCTestCase {
    func testCacheDirectoryPrecedence() {
        XCTAssertEqual(DataCache.directory(environment: ["ENTK_DATA_DIR": "/d", "XDG_CACHE_HOME": "/x", "HOME": "/h"]), "/d")
        XCTAssertEqual(DataCache.directory(environment: ["XDG_CACHE_HOME": "/x", "HOME": "/h"]), "/x/entk")
        XCTAssertEqual(DataCache.directory(environment: ["HOME": "/h"]), "/h/.cache/entk")
    }

    func testMissingDataNamesMakeData() throws {
        let dir = try Fixture.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        for load in [{ _ = try FashionMNIST.load(.train, cacheDirectory: dir.path) },
                     { _ = try MNIST5k.load(cacheDirectory: dir.path) },
                     { _ = try TexturePatches.load(.train, cacheDirectory: dir.path) }] {
            XCTAssertThrowsError(try load()) { e in
                XCTAssertTrue(String(describing: e).contains("make data"), String(describing: e))
            }
        }
    }

    func testFashionMNISTFromGeneratedIDX() throws {
        let dir = try Fixture.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let fm = dir.appendingPathComponent("fashion-mnist")
        try FileManager.default.createDirectory(at: fm, withIntermediateDirectories: true)
        func be32(_ v: Int) -> [UInt8] { (0..<4).reversed().map { UInt8((v >> (8 * $0)) & 0xFF) } }
        let n = 3
        let images: [UInt8] = [0, 0, 8, 3] + be32(n) + be32(28) + be32(28) + (0..<(n * 784)).map { UInt8($0 % 256) }
        let labels: [UInt8] = [0, 0, 8, 1] + be32(n) + [9, 0, 4]
        try AtomicFile.write(images, to: fm.appendingPathComponent("t10k-images-idx3-ubyte").path)
        try AtomicFile.write(labels, to: fm.appendingPathComponent("t10k-labels-idx1-ubyte").path)
        let d = try FashionMNIST.load(.test, cacheDirectory: dir.path)
        XCTAssertEqual(d.count, 3)
        XCTAssertEqual(d.shape, [28, 28, 1])
        XCTAssertEqual(d.labels, [9, 0, 4])
        XCTAssertEqual(d.classNames[d.labels[0]], "Ankle boot")
        XCTAssertEqual(d.images[785], Double(785 % 256) / 255)
        XCTAssertEqual(try FashionMNIST.load(.test, cacheDirectory: dir.path, limit: 2).count, 2)
        // Labels file that disagrees with the images is reported.
        try AtomicFile.write([0, 0, 8, 1] + be32(2) + [1, 2], to: fm.appendingPathComponent("t10k-labels-idx1-ubyte").path)
        XCTAssertThrowsError(try FashionMNIST.load(.test, cacheDirectory: dir.path))
    }

    func testMNIST5kCSVParsing() throws {
        let row1 = ([Int](repeating: 0, count: 783) + [255, 7]).map(String.init).joined(separator: ",")
        let row2 = ([Int](repeating: 51, count: 784) + [3]).map(String.init).joined(separator: ",")
        let d = try MNIST5k.parse(csv: Array((row1 + "\n" + row2 + "\n").utf8), path: "m.csv")
        XCTAssertEqual(d.labels, [7, 3])
        XCTAssertEqual(d.images[783], 1)
        XCTAssertEqual(d.images[784], 0.2)
        XCTAssertThrowsError(try MNIST5k.parse(csv: Array("1,2,3\n".utf8), path: "m.csv")) { e in
            XCTAssertTrue(String(describing: e).contains("line 1"))
        }
    }

    func testTexturePatchesComeFromDisjointHalves() throws {
        // Left half of each source is 0, right half is 255: train patches must be all 0, test all 1.
        let w = 16, h = 8
        let src = try RasterImage(width: w, height: h, channels: 1, pixels: (0..<(w * h)).map { $0 % w < w / 2 ? 0 : 255 })
        let rgb = try RasterImage(width: w, height: h, channels: 3, pixels: (0..<(w * h * 3)).map { ($0 / 3) % w < w / 2 ? 0 : 255 })
        let train = try TexturePatches.cut([src, rgb], names: ["a", "b"], split: .train, size: 4, perClass: 5, rotated: true, gray: true, seed: 1)
        let test = try TexturePatches.cut([src, rgb], names: ["a", "b"], split: .test, size: 4, perClass: 5, rotated: true, gray: false, seed: 1)
        XCTAssertEqual(train.shape, [4, 4, 1])
        XCTAssertEqual(test.shape, [4, 4, 3])
        XCTAssertEqual(train.labels, [0, 0, 0, 0, 0, 1, 1, 1, 1, 1])
        XCTAssertTrue(train.images.allSatisfy { $0 == 0 })
        XCTAssertTrue(test.images.allSatisfy { $0 == 1 })
        XCTAssertThrowsError(try TexturePatches.cut([src], names: ["a"], split: .train, size: 9, perClass: 1, rotated: false, gray: true, seed: 0))
    }

    func testImageFolderImporterWithTIFFAndPNGTilesAndCache() throws {
        let dir = try Fixture.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let root = dir.appendingPathComponent("NCT-mini")
        // Class ADI: two 8×8 RGB TIFF tiles of constant colour; class TUM: one PNG tile with a 2×2 block pattern.
        for (i, v) in [UInt8(10), 200].enumerated() {
            let img = try RasterImage(width: 8, height: 8, channels: 3, pixels: [UInt8](repeating: v, count: 192))
            try TIFFCodec.write(img, to: root.appendingPathComponent("ADI/tile\(i).tif").path, compression: i == 0 ? .lzw : .none)
        }
        let pattern = (0..<64).flatMap { p -> [UInt8] in let v: UInt8 = (p / 8) < 4 ? 0 : 255; return [v, v, v] }
        try PNGCodec.write(try RasterImage(width: 8, height: 8, channels: 3, pixels: pattern), to: root.appendingPathComponent("TUM/a.png").path)
        try AtomicFile.write(Array("ignore me".utf8), to: root.appendingPathComponent("TUM/notes.txt").path)

        let d = try ImageFolderImporter.read(folder: root.path, size: 2)
        XCTAssertEqual(d.classNames, ["ADI", "TUM"])
        XCTAssertEqual(d.labels, [0, 0, 1])
        XCTAssertEqual(d.shape, [2, 2, 3])
        XCTAssertEqual(d.image(at: 1), [Double](repeating: 200.0 / 255, count: 12))
        XCTAssertEqual(d.image(at: 2), [0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1])

        let cacheDir = dir.appendingPathComponent("cache").path
        let first = try ImageFolderImporter.load(folder: root.path, size: 2, cacheDirectory: cacheDir)
        let cachePath = ImageFolderImporter.cachePath(folder: root.path, size: 2, cacheDirectory: cacheDir)
        XCTAssertTrue(FileManager.default.fileExists(atPath: cachePath))
        try FileManager.default.removeItem(at: root) // the second load must come from the cache alone
        let second = try ImageFolderImporter.load(folder: root.path, size: 2, cacheDirectory: cacheDir)
        XCTAssertEqual(second.labels, first.labels)
        XCTAssertEqual(second.classNames, first.classNames)
        for (a, b) in zip(second.images, first.images) { XCTAssertEqual(a, b, accuracy: 1e-6) } // float32 cache
        XCTAssertThrowsError(try ImageFolderImporter.read(folder: root.path, size: 2)) { e in
            XCTAssertTrue(String(describing: e).contains("NCT-mini"))
        }
    }

    func testArrayImportLayoutsAndErrors() throws {
        let dir = try Fixture.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        // NCHW 1×2×1×2 → NHWC 1×1×2×2.
        let x = try NPYArray(shape: [1, 2, 1, 2], data: [1, 2, 3, 4], dtype: .uint8)
        let y = try NPYArray(shape: [1], data: [2], dtype: .int64)
        let d = try ArrayImport.dataset(images: x, labels: y, name: "u", layout: .nchw, scale: 0.5)
        XCTAssertEqual(d.shape, [1, 2, 2])
        XCTAssertEqual(d.images, [0.5, 1.5, 1, 2])
        XCTAssertEqual(d.classNames, ["0", "1", "2"])
        let gray = try ArrayImport.dataset(images: NPYArray(shape: [2, 2, 2], data: [Double](repeating: 0, count: 8)),
                                           labels: NPYArray(shape: [2], data: [0, 1]), name: "g")
        XCTAssertEqual(gray.shape, [2, 2, 1])
        XCTAssertThrowsError(try ArrayImport.dataset(images: x, labels: NPYArray(shape: [1], data: [0.5]), name: "bad"))
        let p = dir.appendingPathComponent("mine.npz").path
        try ArrayImport.write(gray, to: p)
        XCTAssertEqual(try ArrayImport.dataset(npz: p).labels, [0, 1])
        XCTAssertThrowsError(try ArrayImport.dataset(npz: p, imagesKey: "x")) { e in
            XCTAssertTrue(String(describing: e).contains("images, labels"))
        }
        // Two .npy files written by NumPy conventions round-trip through our writer.
        try NPY.write(x, to: dir.appendingPathComponent("x.npy").path, as: .uint8)
        try NPY.write(y, to: dir.appendingPathComponent("y.npy").path, as: .int64)
        let e = try ArrayImport.dataset(imagesNPY: dir.appendingPathComponent("x.npy").path,
                                        labelsNPY: dir.appendingPathComponent("y.npy").path, scale: 1.0 / 255)
        XCTAssertEqual(e.shape, [2, 1, 2])
    }

    /// Runs only when `make data` has filled the cache: checks the real files decode sensibly.
    func testRealCacheIfPresent() throws {
        let cache = DataCache.directory()
        guard FileManager.default.fileExists(atPath: cache + "/mnist5k") else { throw XCTSkip("no data cache at \(cache); run make data") }
        let m = try MNIST5k.load(cacheDirectory: cache)
        XCTAssertEqual(m.count, 5000)
        XCTAssertEqual(m.classCounts, [Int](repeating: 500, count: 10))
        let f = try FashionMNIST.load(.test, cacheDirectory: cache)
        XCTAssertEqual(f.count, 10000)
        XCTAssertEqual(f.classCounts, [Int](repeating: 1000, count: 10))
        XCTAssertEqual(f.images.max(), 1)
        // Our inflater on the real gzip files of the Debian package gives the cached bytes.
        let deb = "/usr/share/datasets/fashion-mnist/t10k-labels-idx1-ubyte.gz"
        if FileManager.default.fileExists(atPath: deb) {
            XCTAssertEqual(try IDX.read(path: deb).data, try IDX.read(path: cache + "/fashion-mnist/t10k-labels-idx1-ubyte").data)
        }
        let t = try TexturePatches.load(.train, size: 16, perClass: 3, gray: false, cacheDirectory: cache)
        XCTAssertEqual(t.count, 12)
        XCTAssertEqual(t.shape, [16, 16, 3])
        // ihc is a colour image: its patches are not gray (R, G, B differ somewhere).
        let ihc = t.image(at: 0)
        XCTAssertTrue(stride(from: 0, to: ihc.count, by: 3).contains { ihc[$0] != ihc[$0 + 1] })
    }
}
