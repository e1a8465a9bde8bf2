import XCTest
@testable import NTKEngine
final class NTKEngineSmokeTests: XCTestCase { func testLoads() { XCTAssertTrue(true) } }
