import NTKEngine
import XCTest
@testable import Workbench

final class ContentHashTests: XCTestCase {
    /// FIPS 180-2 test vectors for SHA-256 (independent of swift-crypto).
    func testKnownSHA256Vectors() {
        XCTAssertEqual(ContentHash.hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        XCTAssertEqual(ContentHash.hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        XCTAssertEqual(ContentHash.hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
                       "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
    }

    func testKeysDifferOnAnyChange() {
        let a = ContentHash.hex("gram|{\"layers\":[]}|textures|")
        XCTAssertEqual(a.count, 64)
        XCTAssertNotEqual(a, ContentHash.hex("gram|{\"layers\":[]}|textures|x"))
    }
}
