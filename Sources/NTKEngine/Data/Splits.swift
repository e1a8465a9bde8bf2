/// Class subsetting and stratified train/test splits.
///
/// Why: the paper's experiments use small balanced subsets (e.g. a few hundred images per
/// class) for exact kernels whose cost grows as N²; stratification keeps every class present
/// in both parts, and a seed keeps the split reproducible.
extension Dataset {
    /// Only the examples of `classes` (in that order), relabelled to `0..<classes.count`.
    public func restricted(toClasses classes: [Int]) throws -> Dataset {
        guard !classes.isEmpty, Set(classes).count == classes.count else {
            throw DataError(path: name, "class list \(classes) must be non-empty without repeats")
        }
        if let bad = classes.first(where: { $0 < 0 || $0 >= classCount }) {
            throw DataError(path: name, "class \(bad) does not exist (classes 0..<\(classCount))")
        }
        var newLabel = [Int: Int]()
        for (i, c) in classes.enumerated() { newLabel[c] = i }
        let keep = (0..<count).filter { newLabel[labels[$0]] != nil }
        var d = subset(indices: keep)
        d.labels = keep.map { newLabel[labels[$0]] ?? 0 }
        d.classNames = classes.map { classNames[$0] }
        return d
    }

    /// Splits each class separately: a seeded shuffle of each class's examples, the first
    /// `round(testFraction * n_c)` to test. Both parts keep the dataset's original order.
    public func stratifiedSplit(testFraction: Double, seed: UInt64) throws -> (train: Dataset, test: Dataset) {
        guard testFraction >= 0, testFraction <= 1 else {
            throw DataError(path: name, "test fraction \(testFraction) must be within 0…1")
        }
        var rng = SplitMix64(seed: seed)
        var train = [Int](), test = [Int]()
        for c in 0..<classCount {
            let members = (0..<count).filter { labels[$0] == c }
            let perm = rng.permutation(members.count)
            let nTest = Int((testFraction * Double(members.count)).rounded())
            for (rank, p) in perm.enumerated() {
                if rank < nTest { test.append(members[p]) } else { train.append(members[p]) }
            }
        }
        return (subset(indices: train.sorted()), subset(indices: test.sorted()))
    }

    /// A seeded balanced sample: `perClass` examples of every class (an error if a class has
    /// fewer), in the dataset's original order. Used to pick small kernel-sized subsets.
    public func balancedSample(perClass: Int, seed: UInt64) throws -> Dataset {
        var rng = SplitMix64(seed: seed)
        var keep = [Int]()
        for c in 0..<classCount {
            let members = (0..<count).filter { labels[$0] == c }
            guard members.count >= perClass else {
                throw DataError(path: name, "class \(classNames[c]) has \(members.count) examples, fewer than the \(perClass) asked for")
            }
            keep += rng.permutation(members.count).prefix(perClass).map { members[$0] }
        }
        return subset(indices: keep.sorted())
    }
}
