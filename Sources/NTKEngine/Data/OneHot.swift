/// One-hot encoding of class labels as regression targets.
///
/// Why: kernel regression classifies by regressing onto one-hot rows and taking the argmax;
/// the paper (like neural-tangents) uses targets `1 - 1/K` for the class and `-1/K` elsewhere,
/// i.e. centred one-hot, which `centered: true` gives.
public enum OneHot {
    /// `labels.count × classCount` row-major targets.
    public static func encode(_ labels: [Int], classCount: Int, centered: Bool = false) -> [Double] {
        let shift = centered ? 1 / Double(classCount) : 0
        var out = [Double](repeating: -shift, count: labels.count * classCount)
        for (i, l) in labels.enumerated() where l >= 0 && l < classCount { out[i * classCount + l] += 1 }
        return out
    }

    /// The arg-max class of each row of `scores` (`rows × classCount`, row-major).
    public static func decode(_ scores: [Double], classCount: Int) -> [Int] {
        guard classCount > 0 else { return [] }
        return stride(from: 0, to: scores.count - classCount + 1, by: classCount).map { start in
            var best = 0
            for k in 1..<classCount where scores[start + k] > scores[start + best] { best = k }
            return best
        }
    }
}

extension Dataset {
    /// The dataset with `targets` set to the one-hot encoding of its labels.
    public func withOneHotTargets(centered: Bool = false) -> Dataset {
        var d = self
        d.targets = OneHot.encode(labels, classCount: classCount, centered: centered)
        return d
    }
}
