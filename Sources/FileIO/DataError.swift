/// The one error type of entk's data layer.
///
/// Why a single struct rather than an enum of cases: every failure in file I/O or dataset
/// assembly is reported to a person, and what helps them is *which file* and *what is wrong
/// with it*, e.g. `"/data/x.npy: fortran_order arrays are not supported; save with
/// np.ascontiguousarray"`. Callers that need to branch on a failure do so before reading.
public struct DataError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The file (or dataset name, for in-memory checks) the problem is about.
    public let path: String
    /// What is wrong, in words, ideally with what to do about it.
    public let problem: String

    public init(path: String, _ problem: String) {
        self.path = path
        self.problem = problem
    }

    public var description: String { "\(path): \(problem)" }
}
