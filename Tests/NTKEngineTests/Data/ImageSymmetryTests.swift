import XCTest
@testable import NTKEngine

final class ImageSymmetryTests: XCTestCase {
    /// Matches numpy.rot90(x[:, ::-1] if m else x, k, axes=(0, 1)) on a 3×4×2 image (fixture).
    func testMatchesNumPyRot90AndFliplr() throws {
        let z = try NPZ.read(path: Fixture.path("rot90.npz"))
        let x = try XCTUnwrap(z["x"])
        for g in ImageSymmetry.all {
            let want = try XCTUnwrap(z["k\(g.rotation)_m\(g.mirrored ? 1 : 0)"])
            XCTAssertEqual(g.outputShape([3, 4, 2]), want.shape, "\(g)")
            XCTAssertEqual(g.apply(to: x.data, shape: [3, 4, 2]), want.data, "\(g)")
        }
    }

    func testGroupLawsAndMatrices() {
        XCTAssertEqual(Set(ImageSymmetry.all).count, 8)
        XCTAssertEqual(ImageSymmetry(rotation: 1).matrix, [[0, -1], [1, 0]])
        XCTAssertEqual(ImageSymmetry(rotation: 0, mirrored: true).matrix, [[-1, 0], [0, 1]])
        XCTAssertNil(ImageSymmetry(matrix: [[2, 0], [0, 1]]))
        let img = (0..<(5 * 5 * 2)).map(Double.init)
        for g in ImageSymmetry.all {
            XCTAssertEqual(g.composed(with: g.inverse), .identity)
            XCTAssertEqual(ImageSymmetry(matrix: g.matrix), g)
            for h in ImageSymmetry.all {
                // Composition agrees with applying one after the other, on an odd-sized image.
                let both = g.composed(with: h).apply(to: img, shape: [5, 5, 2])
                XCTAssertEqual(both, g.apply(to: h.apply(to: img, shape: [5, 5, 2]), shape: [5, 5, 2]), "\(g)∘\(h)")
            }
        }
        XCTAssertEqual(ImageSymmetry(rotation: 1).composed(with: ImageSymmetry(rotation: 3)), .identity)
    }

    func testNamedGroupsAreClosedSubgroups() {
        let orders: [ImageSymmetry.Group: Int] = [.c1: 1, .c2: 2, .c4: 4, .d1: 2, .d2: 4, .d4: 8]
        for group in ImageSymmetry.Group.allCases {
            let e = Set(group.elements)
            XCTAssertEqual(e.count, orders[group], group.rawValue)
            XCTAssertEqual(group.elements.first, .identity)
            for a in e { for b in e { XCTAssertTrue(e.contains(a.composed(with: b)), "\(group.rawValue) not closed") } }
        }
    }

    func testAugmentationExhaustiveAndRandom() throws {
        let d = try SyntheticPatterns.make(count: 3, height: 4, width: 4, channels: 2, classes: 3, seed: 1)
        let aug = try d.augmented(by: ImageSymmetry.Group.c4.elements)
        XCTAssertEqual(aug.count, 12)
        XCTAssertEqual(aug.labels, [0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2])
        XCTAssertEqual(aug.image(at: 5), ImageSymmetry(rotation: 1).apply(to: d.image(at: 1), shape: [4, 4, 2]))
        let r1 = try d.randomlyTransformed(by: ImageSymmetry.all, seed: 9)
        XCTAssertEqual(r1, try d.randomlyTransformed(by: ImageSymmetry.all, seed: 9))
        for n in 0..<d.count {
            let orbit = ImageSymmetry.all.map { $0.apply(to: d.image(at: n), shape: d.shape) }
            XCTAssertTrue(orbit.contains(r1.image(at: n)))
        }
        let rect = try Dataset(name: "r", images: [Double](repeating: 0, count: 6), shape: [2, 3, 1], labels: [0], classNames: ["a"])
        XCTAssertThrowsError(try rect.augmented(by: ImageSymmetry.Group.c4.elements))
        XCTAssertNoThrow(try rect.augmented(by: ImageSymmetry.Group.d2.elements))
    }

    func testCyclicShiftMatchesRoll() throws {
        // 2×3×1 image [[0,1,2],[3,4,5]] rolled by (1, 1) = [[5,3,4],[2,0,1]].
        XCTAssertEqual(Dataset.roll([0, 1, 2, 3, 4, 5], shape: [2, 3, 1], dy: 1, dx: 1), [5, 3, 4, 2, 0, 1])
        XCTAssertEqual(Dataset.roll([0, 1, 2, 3, 4, 5], shape: [2, 3, 1], dy: -1, dx: 4), [5, 3, 4, 2, 0, 1])
        let d = try Dataset(name: "s", images: [0, 1, 2, 3, 4, 5], shape: [2, 3, 1], labels: [0], classNames: ["a"])
        XCTAssertEqual(try d.cyclicallyShifted(dy: 1, dx: 1).images, [5, 3, 4, 2, 0, 1])
        let r = try d.randomlyShifted(seed: 3)
        XCTAssertEqual(r.images.sorted(), d.images)
    }
}
