// swift-tools-version:5.9
import PackageDescription

// One package, no dependencies beyond the Swift toolchain.
// Dependencies point one way: gradcli -> ExprParser -> Autograd.
let optimize: [SwiftSetting] = [.unsafeFlags(["-Ounchecked"], .when(configuration: .release))]

let package = Package(
    name: "gradcli",
    products: [
        .executable(name: "gradcli", targets: ["gradcli"]),
        .library(name: "Autograd", targets: ["Autograd"]),
        .library(name: "ExprParser", targets: ["ExprParser"]),
    ],
    targets: [
        .target(name: "Autograd", swiftSettings: optimize),
        .target(name: "ExprParser", dependencies: ["Autograd"]),
        .executableTarget(name: "gradcli", dependencies: ["ExprParser", "Autograd"]),
        .testTarget(name: "AutogradTests", dependencies: ["Autograd"]),
        .testTarget(name: "ExprParserTests", dependencies: ["ExprParser", "Autograd"]),
        .testTarget(name: "GradcliTests", dependencies: ["gradcli"]),
    ]
)
