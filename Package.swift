// swift-tools-version:5.9
import PackageDescription

// One package, no dependencies beyond the Swift toolchain.
// Dependencies point one way: gradcli -> ExprParser -> Autograd.
// Release builds of the numeric core skip overflow checks; on x86_64 they also use AVX2/FMA
// (every x86_64 CPU since 2013), which doubles the matmul kernel's throughput.
#if arch(x86_64)
let releaseFlags = ["-Ounchecked", "-target-cpu", "haswell"]
#else
let releaseFlags = ["-Ounchecked"]
#endif
let optimize: [SwiftSetting] = [.unsafeFlags(releaseFlags, .when(configuration: .release))]

let package = Package(
    name: "gradcli",
    products: [
        .executable(name: "gradcli", targets: ["gradcli"]),
        .library(name: "Autograd", targets: ["Autograd"]),
        .library(name: "ExprParser", targets: ["ExprParser"]),
    ],
    targets: [
        // The AVX2 float32 normal kernel, selected at run time (function target attributes, no flags).
        .target(name: "CRandomKernels"),
        .target(name: "Autograd", dependencies: ["CRandomKernels"], swiftSettings: optimize),
        .target(name: "ExprParser", dependencies: ["Autograd"]),
        .executableTarget(name: "gradcli", dependencies: ["ExprParser", "Autograd"]),
        .testTarget(name: "AutogradTests", dependencies: ["Autograd"]),
        .testTarget(name: "ExprParserTests", dependencies: ["ExprParser", "Autograd"]),
        .testTarget(name: "GradcliTests", dependencies: ["gradcli"]),
    ]
)
