import Crypto

/// A SHA-256 content key written as 64 lowercase hex digits.
///
/// Names on-disk Gram caches, tile stores and result sets from *what was computed* (spec JSON
/// + data identity + parameters) and checksums files; a collision would silently serve the
/// wrong matrix, so the key is a cryptographic hash (swift-crypto), not a fast
/// non-cryptographic one. One helper for the engine (tile store) and the workbench.
public enum ContentHash {
    public static func hex(_ text: String) -> String { hex(bytes: Array(text.utf8)) }

    public static func hex(bytes: [UInt8]) -> String { hex(digest: SHA256.hash(data: bytes)) }

    /// Lowercase hex of any byte sequence (a finished SHA-256 digest).
    public static func hex<D: Sequence>(digest: D) -> String where D.Element == UInt8 {
        let digits = Array("0123456789abcdef")
        var s = ""
        s.reserveCapacity(64)
        for b in digest { s.append(digits[Int(b >> 4)]); s.append(digits[Int(b & 0xF)]) }
        return s
    }
}
