import XCTest
@testable import NTKEngine

final class DatasetTests: XCTestCase {
    func testSplitMix64KnownValuesAndDraws() {
        var r = SplitMix64(seed: 0)
        XCTAssertEqual(r.next(), 0xE220_A839_7B1D_CDAF)
        XCTAssertEqual(r.next(), 0x6E78_9E6A_A1B9_65F4)
        XCTAssertEqual(r.next(), 0x06C4_5D18_8009_454F)
        var g = SplitMix64(seed: 42)
        let xs = (0..<20000).map { _ in g.gaussian() }
        let mean = xs.reduce(0, +) / Double(xs.count)
        let variance = xs.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(xs.count)
        XCTAssertEqual(mean, 0, accuracy: 0.03)
        XCTAssertEqual(variance, 1, accuracy: 0.05)
        XCTAssertEqual(g.permutation(10).sorted(), Array(0..<10))
        for _ in 0..<1000 { XCTAssertTrue((0..<7).contains(g.int(below: 7))) }
    }

    func testValidationAndSubset() throws {
        XCTAssertThrowsError(try Dataset(name: "x", images: [1, 2, 3], shape: [2], labels: [0, 0], classNames: ["a"]))
        XCTAssertThrowsError(try Dataset(name: "x", images: [1, 2], shape: [1], labels: [0, 2], classNames: ["a", "b"])) { e in
            XCTAssertTrue(String(describing: e).contains("label 2"))
        }
        let d = try Dataset(name: "x", images: [1, 2, 3, 4, 5, 6], shape: [2], labels: [0, 1, 0], classNames: ["a", "b"],
                            targets: [1, 0, 0, 1, 1, 0])
        XCTAssertEqual(d.count, 3)
        XCTAssertEqual(d.image(at: 1), [3, 4])
        let s = d.subset(indices: [2, 0])
        XCTAssertEqual(s.images, [5, 6, 1, 2])
        XCTAssertEqual(s.labels, [0, 0])
        XCTAssertEqual(s.targets, [1, 0, 1, 0])
        XCTAssertEqual(d.classCounts, [2, 1])
    }

    func testSyntheticPatternsDeterministicBalancedAndLearnable() throws {
        let a = try SyntheticPatterns.make(count: 60, height: 12, width: 12, channels: 3, classes: 6, noise: 0.1, seed: 7)
        let b = try SyntheticPatterns.make(count: 60, height: 12, width: 12, channels: 3, classes: 6, noise: 0.1, seed: 7)
        let c = try SyntheticPatterns.make(count: 60, height: 12, width: 12, channels: 3, classes: 6, noise: 0.1, seed: 8)
        XCTAssertEqual(a, b)
        XCTAssertNotEqual(a.images, c.images)
        XCTAssertEqual(a.shape, [12, 12, 3])
        XCTAssertEqual(a.classCounts, [10, 10, 10, 10, 10, 10])
        XCTAssertTrue(a.images.allSatisfy { $0.isFinite && abs($0) < 5 })
        // Stripes vs fine stripes differ in frequency: mean |horizontal+vertical gradient| is larger.
        func roughness(_ d: Dataset, _ label: Int) -> Double {
            let idx = (0..<d.count).filter { d.labels[$0] == label }
            var s = 0.0
            for n in idx {
                let im = d.image(at: n)
                for y in 0..<11 { for x in 0..<11 {
                    s += abs(im[(y * 12 + x + 1) * 3] - im[(y * 12 + x) * 3]) + abs(im[((y + 1) * 12 + x) * 3] - im[(y * 12 + x) * 3])
                } }
            }
            return s / Double(idx.count)
        }
        XCTAssertGreaterThan(roughness(a, 1), 1.5 * roughness(a, 0))
        XCTAssertThrowsError(try SyntheticPatterns.make(count: 4, classes: 9))
    }

    func testNormaliserUsesTrainStatistics() throws {
        let train = try Dataset(name: "t", images: [0, 10, 2, 10, 4, 10], shape: [1, 1, 2], labels: [0, 0, 0], classNames: ["a"])
        let norm = try ChannelNormalizer(fitting: train)
        XCTAssertEqual(norm.mean, [2, 10])
        XCTAssertEqual(norm.std[0], (8.0 / 3).squareRoot(), accuracy: 1e-12)
        XCTAssertEqual(norm.std[1], 1) // constant channel
        let n = try norm.apply(to: train)
        XCTAssertEqual(n.images[1], 0)
        XCTAssertEqual(n.images[0] + n.images[2] + n.images[4], 0, accuracy: 1e-12)
        let other = try Dataset(name: "o", images: [1], shape: [1, 1, 1], labels: [0], classNames: ["a"])
        XCTAssertThrowsError(try norm.apply(to: other))
    }

    func testRestrictSplitAndBalancedSample() throws {
        let d = try SyntheticPatterns.make(count: 40, height: 4, width: 4, classes: 4, seed: 2)
        let r = try d.restricted(toClasses: [3, 1])
        XCTAssertEqual(r.classNames, ["blobs", "fine-stripes"])
        XCTAssertEqual(r.count, 20)
        XCTAssertEqual(Set(r.labels), [0, 1])
        XCTAssertEqual(r.image(at: 0), d.image(at: 1)) // first example of class 1 → label 1
        XCTAssertEqual(r.labels[0], 1)
        XCTAssertThrowsError(try d.restricted(toClasses: [5]))

        let (train, test) = try d.stratifiedSplit(testFraction: 0.3, seed: 5)
        XCTAssertEqual(train.count + test.count, 40)
        XCTAssertEqual(test.classCounts, [3, 3, 3, 3])
        let again = try d.stratifiedSplit(testFraction: 0.3, seed: 5)
        XCTAssertEqual(again.test, test)
        let other = try d.stratifiedSplit(testFraction: 0.3, seed: 6)
        XCTAssertNotEqual(other.test.images, test.images)
        // Disjoint: no test image occurs in train.
        let trainRows = Set((0..<train.count).map { train.image(at: $0) })
        XCTAssertTrue((0..<test.count).allSatisfy { !trainRows.contains(test.image(at: $0)) })

        let b = try d.balancedSample(perClass: 2, seed: 1)
        XCTAssertEqual(b.classCounts, [2, 2, 2, 2])
        XCTAssertThrowsError(try d.balancedSample(perClass: 11, seed: 1))
    }

    func testOneHot() throws {
        XCTAssertEqual(OneHot.encode([1, 0], classCount: 3), [0, 1, 0, 1, 0, 0])
        let c = OneHot.encode([2], classCount: 4, centered: true)
        XCTAssertEqual(c, [-0.25, -0.25, 0.75, -0.25])
        XCTAssertEqual(OneHot.decode([0.1, 0.9, 0.0, 0.5, 0.2, 0.3], classCount: 3), [1, 0])
        let d = try SyntheticPatterns.make(count: 5, height: 4, width: 4, classes: 2).withOneHotTargets()
        XCTAssertEqual(d.targetWidth, 2)
        XCTAssertEqual(OneHot.decode(d.targets ?? [], classCount: 2), d.labels)
    }

    func testAreaResize() {
        // 4×4 → 2×2 is a 2×2 block mean.
        let img = (0..<16).map(Double.init)
        XCTAssertEqual(AreaResize.resize(img, height: 4, width: 4, channels: 1, toHeight: 2, toWidth: 2), [2.5, 4.5, 10.5, 12.5])
        // 3 → 2 along a row: weights (1, .5)/1.5 and (.5, 1)/1.5.
        let r = AreaResize.resize([0, 3, 6], height: 1, width: 3, channels: 1, toHeight: 1, toWidth: 2)
        XCTAssertEqual(r[0], 1, accuracy: 1e-12)
        XCTAssertEqual(r[1], 5, accuracy: 1e-12)
        // Mean is preserved for arbitrary sizes, channels stay separate.
        var g = SplitMix64(seed: 1)
        let big = (0..<(14 * 10 * 2)).map { _ in g.uniform() }
        let small = AreaResize.resize(big, height: 14, width: 10, channels: 2, toHeight: 4, toWidth: 3)
        for c in 0..<2 {
            let m1 = stride(from: c, to: big.count, by: 2).map { big[$0] }.reduce(0, +) / 140
            let m2 = stride(from: c, to: small.count, by: 2).map { small[$0] }.reduce(0, +) / 12
            XCTAssertEqual(m1, m2, accuracy: 1e-12)
        }
        // 224 → 32 equals the 7×7 block mean.
        let tile = (0..<(224 * 224)).map { Double(($0 * 7919) % 256) }
        let out = AreaResize.resize(tile, height: 224, width: 224, channels: 1, toHeight: 32, toWidth: 32)
        var block = 0.0
        for y in 7..<14 { for x in 21..<28 { block += tile[y * 224 + x] } }
        XCTAssertEqual(out[1 * 32 + 3], block / 49, accuracy: 1e-9)
    }
}
