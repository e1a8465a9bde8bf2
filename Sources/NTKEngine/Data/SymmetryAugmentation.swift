/// Group augmentation of image datasets by symmetries of the square.
///
/// Why: the paper compares equivariant kernels with plain ones trained on data augmented by the
/// group (exhaustively: every image under every element) and evaluates on data randomly
/// rotated by the group (e.g. the rotated-histology setting).
extension Dataset {
    /// Every example under every element of `group`, example-major: example n's copies are
    /// rows `n*|G| ..< (n+1)*|G|` in the order of `group`. Odd rotations need square images.
    public func augmented(by group: [ImageSymmetry]) throws -> Dataset {
        try requireImages(for: group)
        var out = [Double]()
        out.reserveCapacity(images.count * group.count)
        var idx = [Int]()
        for n in 0..<count {
            let img = image(at: n)
            for g in group { out += g.apply(to: img, shape: shape) }
            idx += Array(repeating: n, count: group.count)
        }
        var d = subset(indices: idx)
        d.images = out
        d.name = name + "+aug\(group.count)"
        return d
    }

    /// Each example transformed by one element of `group` drawn with `seed` (uniformly).
    public func randomlyTransformed(by group: [ImageSymmetry], seed: UInt64) throws -> Dataset {
        try requireImages(for: group)
        guard !group.isEmpty else { throw DataError(path: name, "the group to transform by is empty") }
        var rng = SplitMix64(seed: seed)
        var d = self
        let f = featureCount
        for n in 0..<count {
            let g = group[rng.int(below: group.count)]
            d.images.replaceSubrange((n * f)..<((n + 1) * f), with: g.apply(to: image(at: n), shape: shape))
        }
        d.name = name + "+rand\(group.count)"
        return d
    }

    /// The dataset transformed by a single element (e.g. to test invariance of a kernel).
    public func transformed(by g: ImageSymmetry) throws -> Dataset {
        try requireImages(for: [g])
        var d = self
        let f = featureCount
        for n in 0..<count {
            d.images.replaceSubrange((n * f)..<((n + 1) * f), with: g.apply(to: image(at: n), shape: shape))
        }
        d.shape = g.outputShape(shape)
        return d
    }

    func requireImages(for group: [ImageSymmetry]) throws {
        guard shape.count == 3 else { throw DataError(path: name, "symmetry transforms need [H, W, C] images, shape is \(shape)") }
        if shape[0] != shape[1], group.contains(where: { $0.swapsAxes }) {
            throw DataError(path: name, "quarter-turn rotations need square images, shape is \(shape)")
        }
    }
}
