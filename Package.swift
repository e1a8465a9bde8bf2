// swift-tools-version:6.0
import PackageDescription

// entk — exact infinite-width kernels (NNGP, NTK) of MLP, CNN and group-convolutional stacks,
// and an ncurses workbench to look at them. See docs/architecture.md for the module graph:
// Workbench → {NTKEngine, Plotting, TUI}; Plotting → {CellSurface, FileIO}; TUI → CellSurface;
// NTKEngine → FileIO. CellSurface and FileIO import no other project module (FileIO: libpng);
// scripts/check-module-graph.sh keeps it that way.
let package = Package(
    name: "entk",
    products: [
        .library(name: "NTKEngine", targets: ["NTKEngine"]),
        .executable(name: "entk", targets: ["Workbench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", exact: "1.8.2"),
        // SHA-256 content keys (Gram cache, tile store); `import Crypto`.
        .package(url: "https://github.com/apple/swift-crypto", exact: "3.12.3"),
        // The ZIP container of .npz files (central directory, zip64, deflate, CRC-32).
        .package(url: "https://github.com/weichsel/ZIPFoundation", exact: "0.9.20"),
    ],
    targets: [
        // OpenBLAS + the LAPACK symbols it exports (Debian libopenblas-dev); prototypes in shim.h.
        .systemLibrary(name: "COpenBLAS", path: "Sources/COpenBLAS",
                       providers: [.apt(["libopenblas-dev"])]),
        // Wide-character ncurses: a C target so edits to the shim header are dependency-tracked.
        .target(name: "CNcursesw", linkerSettings: [.linkedLibrary("ncursesw")]),
        // libpng for reading/writing image data (Debian libpng-dev).
        .systemLibrary(name: "CPNG", path: "Sources/CPNG", providers: [.apt(["libpng-dev"])]),
        // zlib for gzip/zlib streams (.gz IDX and CSV files) (Debian zlib1g-dev).
        .systemLibrary(name: "CZlibShim", path: "Sources/CZlibShim", providers: [.apt(["zlib1g-dev"])]),
        // Cairo draws every exported figure: PNG, SVG and PDF (Debian libcairo2-dev).
        .systemLibrary(name: "CCairo", path: "Sources/CCairo", providers: [.apt(["libcairo2-dev"])]),
        // libtiff for importing TIFF image folders (Debian libtiff-dev).
        .systemLibrary(name: "CTIFF", path: "Sources/CTIFF", providers: [.apt(["libtiff-dev"])]),

        // OpenMPI, loaded with dlopen only when entk runs under mpirun (mpi.h for the types).
        .target(name: "CMPI", cSettings: [.unsafeFlags(["-I/usr/lib/x86_64-linux-gnu/openmpi/include",
                                                         "-I/usr/lib/aarch64-linux-gnu/openmpi/include"])]),
        // Vector square root / multiply-add for the kernel hot loops (static inline, see header).
        .target(name: "CKernelMath"),
        // FFTW3 for the SO(3) kernels' transforms along α and γ (Debian libfftw3-dev).
        .systemLibrary(name: "CFFTW", path: "Sources/CFFTW", providers: [.apt(["libfftw3-dev"])]),

        // Atomic file writes, the one data-layer error, 8-bit raster images and the one PNG codec
        // (libpng): shared by NTKEngine (data sets, caches) and Plotting (figure exports).
        .target(name: "FileIO", dependencies: ["CPNG"]),
        // The drawing surface: RGB, Cell, Rect, CellBuffer, colour modes. Figures (Plotting) and
        // widgets (TUI) both render into it, so neither needs the other.
        .target(name: "CellSurface"),

        .target(name: "NTKEngine", dependencies: ["FileIO", "COpenBLAS", "CTIFF", "CZlibShim", "CKernelMath", "CFFTW",
                                                  .product(name: "Crypto", package: "swift-crypto"),
                                                  .product(name: "ZIPFoundation", package: "ZIPFoundation")]),
        .target(name: "Plotting", dependencies: ["CellSurface", "FileIO", "CCairo"]),
        .target(name: "TUI", dependencies: ["CellSurface", "CNcursesw"]),
        .executableTarget(
            name: "Workbench",
            dependencies: [
                "NTKEngine", "CellSurface", "Plotting", "TUI", "CMPI",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),
        .executableTarget(name: "entk-bench", dependencies: ["NTKEngine"], path: "Benchmarks/entk-bench"),

        // Snapshot assertions shared by the Plotting, TUI and Workbench tests.
        .target(name: "SnapshotSupport", dependencies: ["CellSurface"], path: "Tests/SnapshotSupport"),
        // Seeded generators and counters shared by the NTKEngine and Workbench fuzz suites.
        .target(name: "FuzzSupport", dependencies: ["NTKEngine"], path: "Tests/FuzzSupport"),
        .testTarget(name: "NTKEngineTests", dependencies: ["NTKEngine", "CZlibShim", "FuzzSupport"], exclude: ["IO/Fixtures"]),
        .testTarget(name: "FileIOTests", dependencies: ["FileIO"]),
        .testTarget(name: "PlottingTests", dependencies: ["Plotting", "CellSurface", "FileIO", "CCairo", "SnapshotSupport"], exclude: ["__Snapshots__"]),
        .testTarget(name: "TUITests", dependencies: ["TUI", "CellSurface", "SnapshotSupport"], exclude: ["__Snapshots__"]),
        .testTarget(name: "WorkbenchTests", dependencies: ["Workbench", "NTKEngine", "Plotting", "TUI", "SnapshotSupport", "FuzzSupport"], exclude: ["Views/__Snapshots__", "Session/Fixtures"]),
    ],
    swiftLanguageModes: [.v6]
)
