/// A 128-bit content hash (two FNV-1a 64 lanes) written as 32 hex digits.
///
/// Why not SHA: Foundation on Linux has no digest API and the hash only has to tell apart
/// *what was computed* (spec JSON + data identity + parameters) for caching and session
/// logs, not resist an attacker.
enum ContentHash {
    static func hex(_ text: String) -> String {
        var a: UInt64 = 0xcbf2_9ce4_8422_2325
        var b: UInt64 = 0x8422_2325_cbf2_9ce4
        for byte in text.utf8 {
            a = (a ^ UInt64(byte)) &* 0x0000_0100_0000_01b3
            b = (b ^ UInt64(byte ^ 0x5a)) &* 0x0000_0100_0000_01b3
            b = (b << 7) | (b >> 57)
        }
        return hex64(a) + hex64(b)
    }

    private static func hex64(_ v: UInt64) -> String {
        let s = String(v, radix: 16)
        return String(repeating: "0", count: 16 - s.count) + s
    }
}
