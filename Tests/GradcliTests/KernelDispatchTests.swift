import Foundation
import Testing

/// The binary forced onto the portable kernels (`GRADCLI_CPU=baseline`) against the level it
/// picks itself: elementwise ops and sums give the same bytes, matrix products the same numbers
/// within 1e-12 relative to the result's largest element.
@Suite struct KernelDispatchTests {
    static let levels = ["baseline", "avx2", "avx512"]
    /// Deterministic inputs that do not depend on the random generator.
    static let x = "x=sin(arange(12000)*0.37).reshape(120,100)"
    static let y = "y=cos(arange(100)*1.3) + 2"
    static let a = "A=sin(arange(45000)*0.11).reshape(150,300)"
    static let b = "B=cos(arange(39000)*0.07).reshape(300,130)"

    func run(_ arguments: [String], level: String?) throws -> String {
        let result = try CLI.run(arguments, environment: level.map { ["GRADCLI_CPU": $0] } ?? [:])
        #expect(result.exitCode == 0, "\(result.stderr)")
        return result.stdout
    }

    /// Every number in a JSON value, in order.
    func numbers(_ json: String) throws -> [Double] {
        func flatten(_ value: Any) -> [Double] {
            if let n = value as? NSNumber { return [n.doubleValue] }
            if let array = value as? [Any] { return array.flatMap(flatten) }
            if let object = value as? [String: Any] { return object.keys.sorted().flatMap { flatten(object[$0]!) } }
            return []
        }
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        return flatten(["value": object["value"] ?? [], "grad": object["grad"] ?? [:]])
    }

    @Test func elementwiseOpsAndSumsGiveTheSameBytesOnEveryLevel() throws {
        let program = ["grad", "sum(x*y + x/y - 2*x + y/3) + sum(x, dim=1).sum() * mean(y - x)", Self.x, Self.y, "--json"]
        let auto = try run(program, level: nil)
        #expect(auto.contains("\"grad\""))
        for level in Self.levels { #expect(try run(program, level: level) == auto, "GRADCLI_CPU=\(level)") }
    }

    /// tanh's vectorised loop (AVX2 and FMA) and its backward kernel, in float64 and float32,
    /// across tanh's saturation at |x| ~ 18.7, against the portable code one element at a time.
    @Test(arguments: ["float64", "float32"])
    func tanhAndItsBackwardGiveTheSameBytesOnEveryLevel(dtype: String) throws {
        let program = ["grad", "sum(tanh(x * 25) * y) + mean(tanh(x * 0.3))", Self.x, Self.y, "--dtype", dtype, "--json"]
        let auto = try run(program, level: nil)
        #expect(auto.contains("\"grad\""))
        for level in Self.levels { #expect(try run(program, level: level) == auto, "GRADCLI_CPU=\(level)") }
    }

    @Test(arguments: [
        ["grad", "sum(tanh(A @ B))", a, b, "--json"],
        ["eval", "A @ B[:, 3]", a, b, "--json"],
        ["eval", "A.reshape(3, 50, 300) @ B", a, b, "--json"],
    ])
    func matrixProductsAgreeWithinOneInATrillion(program: [String]) throws {
        let auto = try numbers(try run(program, level: nil))
        let baseline = try numbers(try run(program, level: "baseline"))
        #expect(auto.count == baseline.count && auto.count > 100)
        let largest = baseline.map(Swift.abs).max() ?? 0
        let worst = zip(auto, baseline).map { Swift.abs($0 - $1) }.max() ?? .infinity
        #expect(worst <= 1e-12 * largest, "largest difference \(worst), largest element \(largest)")
    }
}
