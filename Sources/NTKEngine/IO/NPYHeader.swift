/// The parsed header dictionary of a `.npy` file.
///
/// Why a hand parser: the header is a Python dict literal such as
/// `{'descr': '<f8', 'fortran_order': False, 'shape': (3, 4), }`; it is tiny and always has the
/// same three keys, so a small tolerant parser is safer than pulling in a Python-literal engine.
struct NPYHeader {
    var descr: String
    var dtype: NPYDType
    var bigEndian: Bool
    var fortranOrder: Bool
    var shape: [Int]

    static func parse(_ text: String, path: String) throws -> NPYHeader {
        func fail(_ why: String) -> DataError {
            DataError(path: path, "malformed .npy header (\(why)): \(text.trimmingCharacters(in: .whitespacesAndNewlines))")
        }
        var descr: String?
        var fortran: Bool?
        var shape: [Int]?
        let chars = Array(text)
        var i = 0
        func skipSpace() { while i < chars.count, chars[i] == " " || chars[i] == "\n" || chars[i] == "\t" || chars[i] == "\r" { i += 1 } }
        func quoted() throws -> String {
            guard i < chars.count, chars[i] == "'" || chars[i] == "\"" else { throw fail("expected a quoted string") }
            let q = chars[i]
            i += 1
            let start = i
            while i < chars.count, chars[i] != q { i += 1 }
            guard i < chars.count else { throw fail("unterminated string") }
            defer { i += 1 }
            return String(chars[start..<i])
        }
        skipSpace()
        guard i < chars.count, chars[i] == "{" else { throw fail("expected '{'") }
        i += 1
        // Entries are separated by single commas (a trailing comma is allowed), as in Python.
        var expectEntry = true
        while true {
            skipSpace()
            guard i < chars.count else { throw fail("missing '}'") }
            if chars[i] == "}" { break }
            if !expectEntry { throw fail("expected ',' or '}' after an entry") }
            let key = try quoted()
            skipSpace()
            guard i < chars.count, chars[i] == ":" else { throw fail("expected ':' after '\(key)'") }
            i += 1
            skipSpace()
            switch key {
            case "descr":
                guard i < chars.count, chars[i] == "'" || chars[i] == "\"" else {
                    throw DataError(path: path, "structured dtypes are not supported; save a plain numeric array")
                }
                descr = try quoted()
            case "fortran_order":
                if text[text.index(text.startIndex, offsetBy: i)...].hasPrefix("True") { fortran = true; i += 4 }
                else if text[text.index(text.startIndex, offsetBy: i)...].hasPrefix("False") { fortran = false; i += 5 }
                else { throw fail("fortran_order is neither True nor False") }
            case "shape":
                guard i < chars.count, chars[i] == "(" else { throw fail("shape is not a tuple") }
                i += 1
                let start = i
                while i < chars.count, chars[i] != ")" { i += 1 }
                guard i < chars.count else { throw fail("unterminated shape tuple") }
                let inner = String(chars[start..<i])
                i += 1
                shape = try parseShapeTuple(inner, fail: fail)
            default:
                throw fail("unexpected key '\(key)'")
            }
            skipSpace()
            if i < chars.count, chars[i] == "," { i += 1; expectEntry = true } else { expectEntry = false }
        }
        guard let descr, let fortran, let shape else { throw fail("needs descr, fortran_order and shape") }
        var total = 1
        for d in shape {
            let (p, o) = total.multipliedReportingOverflow(by: d)
            guard !o else { throw DataError(path: path, "shape \(shape) is too large (the element count overflows)") }
            total = p
        }
        guard descr.count >= 3, let first = descr.first else { throw fail("bad descr '\(descr)'") }
        let order = first
        let code = String(descr.dropFirst())
        guard let dtype = NPYDType.allCases.first(where: { $0.code == code }) else {
            throw DataError(path: path, "dtype '\(descr)' is not supported (entk reads f8 f4 i8 i4 i2 u2 i1 u1 b1); convert with a.astype(np.float64)")
        }
        let big: Bool
        switch order {
        case "<", "=": big = false
        case ">": big = dtype.size > 1
        case "|": big = false
        default: throw fail("bad byte order in descr '\(descr)'")
        }
        return NPYHeader(descr: descr, dtype: dtype, bigEndian: big, fortranOrder: fortran, shape: shape)
    }

    /// The inside of a Python tuple literal of non-negative integers, as `ast.literal_eval`
    /// reads it: `5,` or `3, 4` (optionally a trailing comma); rejects `5,,4`, `5 4`, `(5)`.
    static func parseShapeTuple(_ inner: String, fail: (String) -> DataError) throws -> [Int] {
        let trimmed = inner.trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed.isEmpty { return [] }
        var parts = trimmed.split(separator: ",", omittingEmptySubsequences: false).map {
            $0.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        let trailingComma = parts.last == ""
        if trailingComma { parts.removeLast() }
        var dims: [Int] = []
        for t in parts {
            guard !t.isEmpty else { throw fail("empty dimension in shape (\(trimmed))") }
            let digits = t.hasSuffix("L") ? String(t.dropLast()) : t
            guard digits.allSatisfy({ $0.isASCII && $0.isNumber }) else {
                throw fail("bad dimension '\(t)' (dimensions are non-negative integers separated by commas)")
            }
            guard let d = Int(digits) else { throw fail("dimension \(t) is too large") }
            dims.append(d)
        }
        if parts.count == 1 && !trailingComma { throw fail("a one-dimensional shape needs a trailing comma, e.g. (\(parts[0]),)") }
        return dims
    }
}
