import XCTest
final class PlottingSmokeTests: XCTestCase { func testLoads() { XCTAssertTrue(true) } }
