/// Texture/histology patches cut from scikit-image's bundled photographs: `ihc` (an
/// immunohistochemistry-stained tissue section), `brick`, `grass` and `gravel` (512×512 each).
///
/// Why: the paper's histology experiment (NCT-CRC-HE) needs a large download; these real
/// images, pinned in a wheel, give the same *kind* of task offline: classify tissue/texture
/// patches whose class does not depend on orientation, with patches randomly rotated.
/// Train patches come from the left half of each image and test patches from the right half,
/// so no pixel is shared between the two.
public enum TexturePatches {
    public enum Split: String, Sendable { case train, test }

    /// Source images (class names, in label order).
    public static let sources = ["ihc", "brick", "grass", "gravel"]

    /// Loads `perClass` patches of `size × size` per source from `cacheDirectory/skimage/*.png`.
    /// - Parameters:
    ///   - rotated: apply a random multiple of 90° to each patch (the rotated-histology setting).
    ///   - gray: convert `ihc` (RGB) to luminance so all classes have one channel; otherwise
    ///     every patch is RGB (gray sources are replicated).
    public static func load(_ split: Split, size: Int = 32, perClass: Int = 100, rotated: Bool = true,
                            gray: Bool = true, seed: UInt64 = 0, cacheDirectory: String = DataCache.directory()) throws -> Dataset {
        var rasters = [RasterImage]()
        for s in sources {
            let p = try DataCache.require(["skimage/\(s).png"], in: cacheDirectory, dataset: "scikit-image texture images")
            rasters.append(try PNGCodec.read(path: p))
        }
        return try cut(rasters, names: sources, split: split, size: size, perClass: perClass, rotated: rotated, gray: gray, seed: seed)
    }

    /// Cuts patches from arbitrary source images (one class per image): train from the left
    /// half, test from the right half, positions and rotations drawn with `seed`.
    public static func cut(_ rasters: [RasterImage], names: [String], split: Split, size: Int, perClass: Int,
                           rotated: Bool, gray: Bool, seed: UInt64) throws -> Dataset {
        guard rasters.count == names.count, !rasters.isEmpty else { throw DataError(path: "texture-patches", "need one name per source image") }
        let channels = gray ? 1 : 3
        var rng = SplitMix64(seed: seed &+ (split == .train ? 0 : 0x5EED))
        var images = [Double](), labels = [Int]()
        for (label, raw) in rasters.enumerated() {
            var img = gray ? raw.grayscale : raw.droppingAlpha
            if !gray && img.channels == 1 {
                img = try RasterImage(width: img.width, height: img.height, channels: 3, pixels: img.pixels.flatMap { [$0, $0, $0] })
            }
            let half = img.width / 2
            guard size > 0, size <= half, size <= img.height else {
                throw DataError(path: names[label], "a \(size)×\(size) patch does not fit in half of a \(img.width)×\(img.height) image")
            }
            let x0 = split == .train ? 0 : img.width - half
            for _ in 0..<perClass {
                let px = x0 + rng.int(below: half - size + 1), py = rng.int(below: img.height - size + 1)
                var patch = [Double](repeating: 0, count: size * size * channels)
                for y in 0..<size {
                    for x in 0..<size {
                        for c in 0..<channels {
                            patch[(y * size + x) * channels + c] = Double(img.pixels[((py + y) * img.width + px + x) * channels + c]) / 255
                        }
                    }
                }
                if rotated { patch = ImageSymmetry(rotation: rng.int(below: 4)).apply(to: patch, shape: [size, size, channels]) }
                images += patch
                labels.append(label)
            }
        }
        return try Dataset(name: "textures/\(split.rawValue)", images: images, shape: [size, size, channels], labels: labels, classNames: names)
    }
}
