/// Per-channel standardisation: subtract a mean and divide by a standard deviation per channel.
///
/// Why a separate fitted value: statistics must come from the training set only and then be
/// applied unchanged to the test set, otherwise test information leaks into the kernel.
public struct ChannelNormalizer: Sendable, Equatable {
    /// Mean of each channel (last axis of the example shape).
    public var mean: [Double]
    /// Standard deviation of each channel (population, ddof = 0); never zero.
    public var std: [Double]

    public init(mean: [Double], std: [Double]) {
        self.mean = mean
        self.std = std
    }

    /// Fits channel statistics on `train` (channels = last entry of its shape; `[D]` vectors
    /// count as one channel). Constant channels get std 1 so they map to 0 instead of NaN.
    public init(fitting train: Dataset) throws {
        guard train.count > 0 else { throw DataError(path: train.name, "cannot fit normalisation on an empty dataset") }
        let c = train.shape.count == 3 ? train.shape[2] : 1
        var sum = [Double](repeating: 0, count: c), sq = [Double](repeating: 0, count: c)
        for (i, v) in train.images.enumerated() { sum[i % c] += v }
        let n = Double(train.images.count / c)
        let mean = sum.map { $0 / n }
        for (i, v) in train.images.enumerated() { let d = v - mean[i % c]; sq[i % c] += d * d }
        self.mean = mean
        self.std = sq.map { s in let sd = (s / n).squareRoot(); return sd > 1e-12 ? sd : 1 }
    }

    /// `data` with every channel standardised by these statistics.
    public func apply(to data: Dataset) throws -> Dataset {
        let c = data.shape.count == 3 ? data.shape[2] : 1
        guard c == mean.count else {
            throw DataError(path: data.name, "has \(c) channels but the normaliser was fitted on \(mean.count)")
        }
        var d = data
        for i in d.images.indices { d.images[i] = (d.images[i] - mean[i % c]) / std[i % c] }
        return d
    }
}
