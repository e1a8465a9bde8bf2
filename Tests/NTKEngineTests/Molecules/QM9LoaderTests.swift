import Foundation
import XCTest
@testable import NTKEngine

/// The QM9 CSV reader on a fixture written here (no download), the atomisation-energy arithmetic,
/// and — only when `make data` has filled the cache — the real files.
final class MoleculesQM9LoaderTests: XCTestCase {
    static let header = "XYZ_file,Index,SMILES,InChi,N_atoms,Stoichiometry,Elements,XYZ_Ang,Mulliken_pop,InternalEnergy_0K_au,InternalEnergy_298K_au"
    static let methane = #""dsgdb9nsd_000001.xyz",1,"C","InChI=1S/CH4/h1H4",5,"[4,1,0,0,0]","['C','H','H','H','H']","[[-0.0126981359,1.0858041578,0.0080009958],[0.002150416,-0.0060313176,0.0019761204],[1.0117308433,1.4637511618,0.0002765748],[-0.540815069,1.4475266138,-0.8766437152],[-0.5238136345,1.4379326443,0.9063972942]]","[-0.535689,0.133921,0.133922,0.133923,0.133923]",-40.47893,-40.476062"#
    static let acetylene = #""dsgdb9nsd_000004.xyz",4,"C#C","InChI=1S/C2H2/c1-2/h1-2H",4,"[2,2,0,0,0]","['C','C','H','H']","[[0.5995394918,0.,1.],[-0.5995394918,0.,1.],[-1.6616385861,0.,1.],[1.6616385861,0.,1.]]","[-0.207019,-0.207019,0.207019,0.207019]",-77.308427,-77.305527"#

    func fixture(_ rows: [String]) -> [UInt8] { Array(([Self.header] + rows).joined(separator: "\n").utf8) + [10] }

    func testParsesFixture() throws {
        let ms = try QM9.parse(bytes: fixture([Self.methane, Self.acetylene]), path: "fixture.csv")
        XCTAssertEqual(ms.count, 2)
        XCTAssertEqual(ms[0].index, 1)
        XCTAssertEqual(ms[0].smiles, "C")
        XCTAssertEqual(ms[0].atoms.map(\.element), [.carbon, .hydrogen, .hydrogen, .hydrogen, .hydrogen])
        XCTAssertEqual(ms[0].atoms[2].position, SIMD3(1.0117308433, 1.4637511618, 0.0002765748))
        XCTAssertEqual(ms[0].u0Hartree, -40.47893)
        XCTAssertEqual(ms[0].composition, [4, 1, 0, 0, 0])
        XCTAssertEqual(ms[0].heavyAtomCount, 1)
        // "0." and "1." are numbers in these files.
        XCTAssertEqual(ms[1].atoms[0].position, SIMD3(0.5995394918, 0, 1))
        XCTAssertEqual(ms[1].smiles, "C#C")
        XCTAssertEqual(try QM9.parse(bytes: fixture([Self.methane, Self.acetylene]), path: "f", limit: 1).count, 1)
        // CRLF line ends are accepted.
        let crlf = Array(([Self.header, Self.methane].joined(separator: "\r\n") + "\r\n").utf8)
        XCTAssertEqual(try QM9.parse(bytes: crlf, path: "f").first?.atoms.count, 5)
    }

    func testAtomisationEnergyArithmetic() throws {
        // CH4: U0 − (E_C + 4 E_H) = −40.47893 − (−37.846772 − 4·0.500273) = −0.631066 Ha.
        let ms = try QM9.parse(bytes: fixture([Self.methane]), path: "f")
        XCTAssertEqual(ms[0].atomisationEnergyMeV, -0.631066 * 27211.386, accuracy: 1e-6)
        XCTAssertEqual(ms[0].atomisationEnergyMeV, -17172.2, accuracy: 0.1) // ≈ −17.17 eV (≈ −396 kcal/mol)
        XCTAssertEqual(QM9.atomisationEnergyMeV(u0Hartree: -99.718730 - 0.500273, elements: [.fluorine, .hydrogen]), 0, accuracy: 1e-9)
        XCTAssertEqual(Element.oxygen.referenceEnergyHartree, -75.064579)
        XCTAssertEqual(Element.nitrogen.referenceEnergyHartree, -54.583861)
    }

    func assertError(_ rows: [String], contains parts: [String], file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try QM9.parse(bytes: fixture(rows), path: "fixture.csv"), file: file, line: line) { e in
            let s = String(describing: e)
            for p in parts { XCTAssertTrue(s.contains(p), "\(s) lacks \(p)", file: file, line: line) }
        }
    }

    func testMalformedRowsNameFileAndLine() {
        let wrongCount = Self.methane.replacingOccurrences(of: #"/h1H4",5,"#, with: #"/h1H4",6,"#)
        XCTAssertNotEqual(wrongCount, Self.methane)
        assertError([Self.methane, wrongCount], contains: ["fixture.csv:3", "N_atoms is 6"])
        assertError([Self.methane.replacingOccurrences(of: "'C','H'", with: "'X','H'")], contains: ["fixture.csv:2", "\"X\""])
        assertError([Self.methane.replacingOccurrences(of: "1.0858041578", with: "1.08abc")], contains: ["fixture.csv:2", "1.08abc"])
        assertError([Self.methane.replacingOccurrences(of: "-40.47893", with: "nan")], contains: ["fixture.csv:2", "InternalEnergy_0K_au"])
        assertError([String(Self.methane.dropLast(30))], contains: ["fixture.csv:2"])
        assertError([#""x",1"#], contains: ["fixture.csv:2", "N_atoms"])
        XCTAssertThrowsError(try QM9.parse(bytes: Array("a,b\n1,2\n".utf8), path: "h.csv")) { e in
            XCTAssertTrue(String(describing: e).contains("h.csv:1: header lacks column(s) Index"), "\(e)")
        }
        XCTAssertThrowsError(try QM9.parse(bytes: [], path: "empty.csv"))
    }

    func testMissingCacheNamesMakeData() {
        let dir = NSTemporaryDirectory() + "entk-qm9-empty-\(UUID().uuidString)"
        XCTAssertThrowsError(try QM9.load(cacheDirectory: dir, limit: 3)) { e in
            XCTAssertTrue(String(describing: e).contains("make data"), "\(e)")
            XCTAssertTrue(String(describing: e).contains("qm9_part1.csv"), "\(e)")
        }
    }

    /// The real files, when the cache has them (scripts/fetch-qm9.sh).
    func testRealCacheWhenPresent() throws {
        let dir = DataCache.directory()
        guard FileManager.default.fileExists(atPath: (dir as NSString).appendingPathComponent(QM9.files[0])) else {
            throw XCTSkip("QM9 is not in the data cache \(dir); run scripts/fetch-qm9.sh (make data) to test the real files")
        }
        let ms = try QM9.load(cacheDirectory: dir, limit: 2000)
        XCTAssertEqual(ms.count, 2000)
        XCTAssertEqual(ms[0].index, 1)
        XCTAssertEqual(ms[0].smiles, "C")
        XCTAssertEqual(ms[0].atomisationEnergyMeV, -0.631066 * 27211.386, accuracy: 1e-6)
        XCTAssertTrue(ms.allSatisfy { $0.atomisationEnergyMeV < 0 && $0.heavyAtomCount <= 9 })
        XCTAssertTrue(zip(ms, ms.dropFirst()).allSatisfy { $0.index < $1.index })
    }
}
