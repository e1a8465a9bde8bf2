import Foundation

/// The five elements of QM9, with their free-atom reference energies.
///
/// Why an enum: every atom of QM9 is one of H, C, N, O, F, and the features, the composition
/// baseline and the atomisation energy all index by element; anything else in a file is an error.
public enum Element: Int, CaseIterable, Sendable, Hashable, Comparable {
    case hydrogen = 0, carbon, nitrogen, oxygen, fluorine

    /// Parses "H", "C", "N", "O", "F".
    public init?(symbol: String) {
        switch symbol {
        case "H": self = .hydrogen
        case "C": self = .carbon
        case "N": self = .nitrogen
        case "O": self = .oxygen
        case "F": self = .fluorine
        default: return nil
        }
    }

    public var symbol: String { ["H", "C", "N", "O", "F"][rawValue] }

    /// U0 of the free atom (B3LYP/6-31G(2df,p), 0 K) in Hartree: the standard QM9 atomic
    /// reference energies (Ramakrishnan et al. 2014, atomref table), used for atomisation energies.
    public var referenceEnergyHartree: Double {
        switch self {
        case .hydrogen: -0.500273
        case .carbon: -37.846772
        case .nitrogen: -54.583861
        case .oxygen: -75.064579
        case .fluorine: -99.718730
        }
    }

    public static func < (a: Element, b: Element) -> Bool { a.rawValue < b.rawValue }
}

/// One atom: element and position in Å.
public struct Atom: Sendable, Hashable {
    public var element: Element
    public var position: SIMD3<Double>
    public init(_ element: Element, _ position: SIMD3<Double>) { self.element = element; self.position = position }
}

/// One QM9 molecule with the properties the experiments use.
public struct Molecule: Sendable, Hashable {
    /// QM9 index (1…133,885; 3,054 are missing from the dataset).
    public var index: Int
    public var smiles: String
    public var atoms: [Atom]
    /// Internal energy at 0 K (U0) in Hartree.
    public var u0Hartree: Double

    public init(index: Int, smiles: String = "", atoms: [Atom], u0Hartree: Double) {
        self.index = index; self.smiles = smiles; self.atoms = atoms; self.u0Hartree = u0Hartree
    }

    /// Number of non-hydrogen atoms (QM9 has at most 9).
    public var heavyAtomCount: Int { atoms.filter { $0.element != .hydrogen }.count }

    /// Atom counts by element (H, C, N, O, F): the regressors of the composition baseline.
    public var composition: [Int] {
        var c = [Int](repeating: 0, count: Element.allCases.count)
        for a in atoms { c[a.element.rawValue] += 1 }
        return c
    }

    /// U0 atomisation energy in meV: U0 − Σ free-atom U0 (negative for bound molecules).
    public var atomisationEnergyMeV: Double { QM9.atomisationEnergyMeV(u0Hartree: u0Hartree, elements: atoms.map(\.element)) }
}

/// Reader of the QM9 CSVs that `scripts/fetch-qm9.sh` puts in the data cache (`<cache>/qm9/`).
///
/// Why our own CSV reader: entk has no dependencies and reads everything from the cache; the
/// files are quoted CSV with Python-literal lists in two columns
/// (`"['C','H',…]"`, `"[[x,y,z],…]"`). Every malformed row is reported as `file:line` with what is
/// wrong, because a silently skipped molecule would change the learning curves.
public enum QM9 {
    /// 1 Hartree in meV (CODATA 2018: 27.211386 eV).
    public static let hartreeInMeV = 27211.386
    /// The cached files, in order; together 130,831 molecules sorted by QM9 index.
    public static let files = ["qm9/qm9_part1.csv", "qm9/qm9_part2.csv", "qm9/qm9_part3.csv"]

    /// U0 minus the free-atom reference energies of `elements`, in meV.
    public static func atomisationEnergyMeV(u0Hartree: Double, elements: [Element]) -> Double {
        let reference = elements.reduce(0.0) { $0 + $1.referenceEnergyHartree }
        return (u0Hartree - reference) * hartreeInMeV
    }

    /// Molecules from the data cache, in file order, at most `limit` (nil: all 130,831).
    /// Files are opened only as far as needed; a missing one throws an error naming `make data`.
    public static func load(cacheDirectory: String = DataCache.directory(), limit: Int? = nil) throws -> [Molecule] {
        var out: [Molecule] = []
        for rel in files {
            if let limit, out.count >= limit { break }
            let path = try DataCache.require([rel], in: cacheDirectory, dataset: "QM9 (\(rel), scripts/fetch-qm9.sh)")
            out += try parse(path: path, limit: limit.map { $0 - out.count })
        }
        return out
    }

    /// Parses one QM9 CSV file (header row naming at least `Index`, `SMILES`, `N_atoms`,
    /// `Elements`, `XYZ_Ang`, `InternalEnergy_0K_au`).
    public static func parse(path: String, limit: Int? = nil) throws -> [Molecule] {
        try parse(bytes: try AtomicFile.read(path), path: path, limit: limit)
    }

    /// Parses CSV bytes; `path` is only used in error messages (`path:line: problem`).
    public static func parse(bytes: [UInt8], path: String, limit: Int? = nil) throws -> [Molecule] {
        var molecules: [Molecule] = []
        var columns: [String: Int] = [:]
        var lineNumber = 0
        var start = 0
        let needed = ["Index", "SMILES", "N_atoms", "Elements", "XYZ_Ang", "InternalEnergy_0K_au"]
        while start < bytes.count {
            if let limit, molecules.count >= limit { break }
            var end = start
            while end < bytes.count && bytes[end] != 10 { end += 1 }
            var lineEnd = end
            if lineEnd > start && bytes[lineEnd - 1] == 13 { lineEnd -= 1 }
            lineNumber += 1
            defer { start = end + 1 }
            if lineEnd == start { continue } // blank line (e.g. trailing newline)
            let here = "\(path):\(lineNumber)"
            let fields = try splitCSV(bytes[start..<lineEnd], at: here)
            if columns.isEmpty {
                for (i, f) in fields.enumerated() { columns[f] = i }
                let missing = needed.filter { columns[$0] == nil }
                guard missing.isEmpty else {
                    throw DataError(path: here, "header lacks column(s) \(missing.joined(separator: ", ")) — is this a QM9 CSV from qm9pack?")
                }
                continue
            }
            molecules.append(try molecule(fields, columns: columns, at: here))
        }
        if columns.isEmpty { throw DataError(path: path, "empty file: no header row") }
        return molecules
    }

    static func molecule(_ fields: [String], columns: [String: Int], at here: String) throws -> Molecule {
        func field(_ name: String) throws -> String {
            guard let i = columns[name], i < fields.count else {
                throw DataError(path: here, "row has \(fields.count) fields, no value for column \(name)")
            }
            return fields[i]
        }
        guard let index = Int(try field("Index")) else { throw DataError(path: here, "Index \"\(try field("Index"))\" is not an integer") }
        guard let count = Int(try field("N_atoms")), count > 0 else {
            throw DataError(path: here, "N_atoms \"\(try field("N_atoms"))\" is not a positive integer")
        }
        let u0Text = try field("InternalEnergy_0K_au")
        guard let u0 = Double(u0Text), u0.isFinite else { throw DataError(path: here, "InternalEnergy_0K_au \"\(u0Text)\" is not a finite number") }
        let symbols = try field("Elements").filter { !"[]' \"".contains($0) }.split(separator: ",", omittingEmptySubsequences: false)
        var elements: [Element] = []
        for s in symbols {
            guard let e = Element(symbol: String(s)) else {
                throw DataError(path: here, "element \"\(s)\" is not one of H, C, N, O, F")
            }
            elements.append(e)
        }
        let numbers = try field("XYZ_Ang").filter { !"[] \"".contains($0) }.split(separator: ",", omittingEmptySubsequences: false)
        var coords: [Double] = []
        coords.reserveCapacity(numbers.count)
        for t in numbers {
            guard let v = Double(t), v.isFinite else { throw DataError(path: here, "coordinate \"\(t)\" in XYZ_Ang is not a finite number") }
            coords.append(v)
        }
        guard elements.count == count else {
            throw DataError(path: here, "N_atoms is \(count) but Elements lists \(elements.count) atoms")
        }
        guard coords.count == 3 * count else {
            throw DataError(path: here, "N_atoms is \(count) but XYZ_Ang has \(coords.count) numbers (expected \(3 * count))")
        }
        let atoms = (0..<count).map { Atom(elements[$0], SIMD3(coords[3 * $0], coords[3 * $0 + 1], coords[3 * $0 + 2])) }
        return Molecule(index: index, smiles: try field("SMILES"), atoms: atoms, u0Hartree: u0)
    }

    /// Splits one CSV record: commas separate fields except inside double quotes; `""` inside
    /// quotes is a literal quote. An unterminated quote is an error.
    static func splitCSV(_ line: ArraySlice<UInt8>, at here: String) throws -> [String] {
        var fields: [String] = []
        var current: [UInt8] = []
        var quoted = false
        var i = line.startIndex
        while i < line.endIndex {
            let b = line[i]
            if quoted {
                if b == 34 {
                    if i + 1 < line.endIndex && line[i + 1] == 34 { current.append(34); i += 1 } else { quoted = false }
                } else { current.append(b) }
            } else if b == 34 {
                quoted = true
            } else if b == 44 {
                fields.append(String(decoding: current, as: UTF8.self)); current.removeAll(keepingCapacity: true)
            } else { current.append(b) }
            i += 1
        }
        if quoted { throw DataError(path: here, "unterminated quoted field") }
        fields.append(String(decoding: current, as: UTF8.self))
        return fields
    }
}
