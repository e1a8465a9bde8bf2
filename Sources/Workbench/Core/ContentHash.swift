import Crypto

/// A SHA-256 content key written as 64 lowercase hex digits.
///
/// Names on-disk Gram caches and results from *what was computed* (spec JSON + data identity +
/// parameters); a collision would silently serve the wrong matrix, so the key is a
/// cryptographic hash (swift-crypto), not a fast non-cryptographic one.
enum ContentHash {
    static func hex(_ text: String) -> String { hex(bytes: Array(text.utf8)) }

    static func hex(bytes: [UInt8]) -> String {
        let digest = SHA256.hash(data: bytes)
        let digits = Array("0123456789abcdef")
        var s = ""
        s.reserveCapacity(64)
        for b in digest { s.append(digits[Int(b >> 4)]); s.append(digits[Int(b & 0xF)]) }
        return s
    }
}
