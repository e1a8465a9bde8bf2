import XCTest
final class WorkbenchSmokeTests: XCTestCase { func testLoads() { XCTAssertTrue(true) } }
