import XCTest
final class TUISmokeTests: XCTestCase { func testLoads() { XCTAssertTrue(true) } }
