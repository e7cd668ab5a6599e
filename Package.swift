// swift-tools-version:5.9
import PackageDescription

// One package, no dependencies beyond the Swift toolchain.
// Dependencies point one way: gradcli -> ExprParser -> Autograd -> CKernels (whose printf
// wrappers the text output of all three calls, and whose shortest-form writer, shortest.c, gives
// JSON numbers and `--exact` text).
// No unsafe flags: release builds keep Swift's bounds and overflow checks, and the binary runs on
// any x86-64 or aarch64 CPU. The hot loops (GEMM, elementwise arithmetic, sums, the float32 normal transform) are C in
// CKernels, which picks AVX2 or AVX-512 versions at start-up when the CPU has them.
let package = Package(
    name: "gradcli",
    products: [
        .executable(name: "gradcli", targets: ["gradcli"]),
        .library(name: "Autograd", targets: ["Autograd"]),
        .library(name: "ExprParser", targets: ["ExprParser"]),
    ],
    targets: [
        .target(name: "CKernels"),
        .target(name: "Autograd", dependencies: ["CKernels"]),
        .target(name: "ExprParser", dependencies: ["Autograd", "CKernels"]),
        .executableTarget(name: "gradcli", dependencies: ["ExprParser", "Autograd", "CKernels"]),
        .testTarget(name: "AutogradTests", dependencies: ["Autograd"]),
        .testTarget(name: "ExprParserTests", dependencies: ["ExprParser", "Autograd"]),
        .testTarget(name: "GradcliTests", dependencies: ["gradcli", "Autograd"]),
    ]
)
