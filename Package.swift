// swift-tools-version:6.0
import PackageDescription

// entk — exact infinite-width kernels (NNGP, NTK) of MLP, CNN and group-convolutional stacks,
// and an ncurses workbench to look at them. See README.md and DEVELOPERS.md for the layout:
// Workbench → {TUI, Plotting, NTKEngine}; TUI → Plotting; NTKEngine and Plotting import no
// other project module (only the C shims).
let package = Package(
    name: "entk",
    products: [
        .library(name: "NTKEngine", targets: ["NTKEngine"]),
        .executable(name: "entk", targets: ["Workbench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", exact: "1.8.2"),
    ],
    targets: [
        // OpenBLAS + the LAPACK symbols it exports (Debian libopenblas-dev); prototypes in shim.h.
        .systemLibrary(name: "COpenBLAS", path: "Sources/COpenBLAS",
                       providers: [.apt(["libopenblas-dev"])]),
        // Wide-character ncurses: a C target so edits to the shim header are dependency-tracked.
        .target(name: "CNcursesw", linkerSettings: [.linkedLibrary("ncursesw")]),
        // libpng for PNG export (Debian libpng-dev).
        .systemLibrary(name: "CPNG", path: "Sources/CPNG", providers: [.apt(["libpng-dev"])]),
        // libtiff for importing TIFF image folders (Debian libtiff-dev).
        .systemLibrary(name: "CTIFF", path: "Sources/CTIFF", providers: [.apt(["libtiff-dev"])]),

        // FFTW3 for the SO(3) kernels' transforms along α and γ (Debian libfftw3-dev).
        .systemLibrary(name: "CFFTW", path: "Sources/CFFTW", providers: [.apt(["libfftw3-dev"])]),

        .target(name: "NTKEngine", dependencies: ["COpenBLAS", "CPNG", "CTIFF", "CFFTW"]),
        .target(name: "Plotting", dependencies: ["CPNG"]),
        .target(name: "TUI", dependencies: ["Plotting", "CNcursesw"]),
        .executableTarget(
            name: "Workbench",
            dependencies: [
                "NTKEngine", "Plotting", "TUI",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),
        .executableTarget(name: "entk-bench", dependencies: ["NTKEngine"], path: "Benchmarks/entk-bench"),

        // Snapshot assertions shared by the Plotting, TUI and Workbench tests.
        .target(name: "SnapshotSupport", dependencies: ["Plotting"], path: "Tests/SnapshotSupport"),
        .testTarget(name: "NTKEngineTests", dependencies: ["NTKEngine"], exclude: ["IO/Fixtures"]),
        .testTarget(name: "PlottingTests", dependencies: ["Plotting", "CPNG", "SnapshotSupport"], exclude: ["__Snapshots__"]),
        .testTarget(name: "TUITests", dependencies: ["TUI", "Plotting", "SnapshotSupport"], exclude: ["__Snapshots__"]),
        .testTarget(name: "WorkbenchTests", dependencies: ["Workbench", "NTKEngine", "Plotting", "TUI", "SnapshotSupport"], exclude: ["Views/__Snapshots__"]),
    ],
    swiftLanguageModes: [.v6]
)
