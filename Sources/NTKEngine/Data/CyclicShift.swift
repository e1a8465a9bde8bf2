/// Cyclic (wrap-around) translation of images.
///
/// Why: CNN kernels with circular padding are exactly translation-equivariant under cyclic
/// shifts, so shifted copies are the translation analogue of the rotation augmentations.
extension Dataset {
    /// Every image shifted by `dy` rows down and `dx` columns right, wrapping around
    /// (`numpy.roll(x, (dy, dx), axis=(0, 1))`).
    public func cyclicallyShifted(dy: Int, dx: Int) throws -> Dataset {
        guard shape.count == 3 else { throw DataError(path: name, "cyclic shifts need [H, W, C] images, shape is \(shape)") }
        var d = self
        let f = featureCount
        for n in 0..<count {
            d.images.replaceSubrange((n * f)..<((n + 1) * f), with: Dataset.roll(image(at: n), shape: shape, dy: dy, dx: dx))
        }
        return d
    }

    /// Each image shifted by an independent uniformly random (dy, dx) drawn with `seed`.
    public func randomlyShifted(seed: UInt64) throws -> Dataset {
        guard shape.count == 3 else { throw DataError(path: name, "cyclic shifts need [H, W, C] images, shape is \(shape)") }
        var rng = SplitMix64(seed: seed)
        var d = self
        let f = featureCount
        for n in 0..<count {
            let dy = rng.int(below: shape[0]), dx = rng.int(below: shape[1])
            d.images.replaceSubrange((n * f)..<((n + 1) * f), with: Dataset.roll(image(at: n), shape: shape, dy: dy, dx: dx))
        }
        return d
    }

    /// `numpy.roll(image, (dy, dx), axis=(0, 1))` for one `[H, W, C]` image.
    public static func roll(_ image: [Double], shape: [Int], dy: Int, dx: Int) -> [Double] {
        let h = shape[0], w = shape[1], c = shape[2]
        var out = image
        for y in 0..<h {
            let ty = ((y + dy) % h + h) % h
            for x in 0..<w {
                let tx = ((x + dx) % w + w) % w
                for k in 0..<c { out[(ty * w + tx) * c + k] = image[(y * w + x) * c + k] }
            }
        }
        return out
    }
}
