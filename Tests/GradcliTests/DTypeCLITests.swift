import Foundation
import Testing

/// Dtypes through the binary: PyTorch's promotion table, conversions, printing, `--dtype`,
/// the JSON `"dtype"` field, float32 gradients and the errors. Expected text is what
/// PyTorch 2.13 prints with `torch.set_default_dtype(torch.float64)` (gradcli's default),
/// from the snippet in each comment (i = torch.tensor([1, 2]), f32 = torch.tensor([1.5, 2.5],
/// dtype=torch.float32), f64 = torch.tensor([1.5, 2.5]), b = torch.tensor([True, False])).
@Suite struct DTypeCLITests {
    static func eval(_ expr: String, _ extra: [String] = []) throws -> CLIResult {
        try CLI.run(["eval", expr, "--format", "torch"] + extra)
    }

    @Test(arguments: [
        ("[1, 2] * 2.5", "tensor([2.5000, 5.0000])"),                        // i * 2.5: int64 x Python float -> default float
        ("[1, 2] + 1", "tensor([2, 3])"),                                     // i + 1
        ("([1.5, 2.5]).float() * 2.5", "tensor([3.7500, 6.2500], dtype=torch.float32)"),  // f32 * 2.5 stays float32
        ("([1.5, 2.5]).float() + [1.5, 2.5]", "tensor([3., 5.])"),               // f32 + f64 -> float64
        ("([1.5, 2.5]).float() + tensor(2.0)", "tensor([3.5000, 4.5000], dtype=torch.float32)"),  // f32 + 0-d float64
        ("[1, 2] + (tensor(2.0)).float()", "tensor([3., 4.], dtype=torch.float32)"),  // i + 0-d float32 raises the category
        ("[1, 2] / [1, 2]", "tensor([1., 1.])"),                              // i / i: true division gives floats
        ("floor_divide([1, 2], [2, 2])", "tensor([0, 1])"),                   // i // torch.tensor([2, 2])
        ("remainder([1, 2], 2)", "tensor([1, 0])"),                           // i % 2
        ("[1, 2] < ([1.5, 2.5]).float()", "tensor([True, True])"),               // i < f32: comparisons give bool
        ("[true, false] + [true, false]", "tensor([ True, False])"),          // b + b stays bool
        ("[true, false] * 3", "tensor([3, 0])"),                              // b * 3
        ("[true, false] + 0.5", "tensor([1.5000, 0.5000])"),                  // b + 0.5
        ("[true, false] + ([1.5, 2.5]).float()", "tensor([2.5000, 2.5000], dtype=torch.float32)"),  // b + f32
        ("sum([1, 2])", "tensor(3)"),                                         // i.sum(): int64
        ("sum([true, false])", "tensor(1)"),                                  // b.sum(): int64
        ("exp([1, 2])", "tensor([2.7183, 7.3891])"),                          // i.exp(): ints promote to the default float
        ("mean(([1.5, 2.5]).float())", "tensor(2., dtype=torch.float32)"),       // f32.mean()
    ])
    func promotionTableRow(expr: String, expected: String) throws {
        let result = try DTypeCLITests.eval(expr)
        #expect(result.exitCode == 0, "\(result.stderr)")
        #expect(result.stdout == expected + "\n")
    }

    @Test func aPythonFloatTakesTheDefaultDTypeUnderDTypeFloat32() throws {
        // torch.set_default_dtype(torch.float32); print(torch.tensor([1, 2]) * 2.5, torch.tensor([1, 2]).exp())
        let scaled = try DTypeCLITests.eval("[1, 2] * 2.5", ["--dtype", "float32"])
        #expect(scaled.stdout == "tensor([2.5000, 5.0000])\n")
        let json = try CLI.run(["eval", "exp([1, 2])", "--dtype", "float32", "--json"])
        #expect(json.stdout.contains(#""shape":[2],"dtype":"float32""#))
    }

    @Test(arguments: [
        ("tensor(1.5, dtype=torch.long)", "tensor(1)"),                       // torch.tensor(1.5, dtype=torch.long)
        ("tensor([-1.7, 2.9], dtype=torch.long)", "tensor([-1,  2])"),        // truncation toward zero
        ("tensor([1.5, 0], dtype=torch.bool)", "tensor([ True, False])"),
        ("double(([1.5, 2.5]).float())", "tensor([1.5000, 2.5000])"),            // f32.double()
        ("long([1.6, -2.5])", "tensor([ 1, -2])"),                            // torch.tensor([1.6, -2.5]).long()
        ("int([1.6, -2.5])", "tensor([ 1, -2])"),                             // int() is int64 here (no int32)
        ("bool([1.6, 0])", "tensor([ True, False])"),                         // torch.tensor([1.6, 0.]).bool()
        ("([1, 2]).float()", "tensor([1., 2.], dtype=torch.float32)"),           // torch.tensor([1, 2]).float()
        ("to([1, 2], dtype=torch.float32)", "tensor([1., 2.], dtype=torch.float32)"),
        ("[1.5].to(torch.float)", "tensor([1.5000], dtype=torch.float32)"),
        ("[1.5].type(torch.long)", "tensor([1])"),
        ("ones(2, dtype=torch.float32)", "tensor([1., 1.], dtype=torch.float32)"),
        ("zeros(2, dtype=torch.long)", "tensor([0, 0])"),
        ("arange(5)", "tensor([0, 1, 2, 3, 4])"),                             // torch.arange(5): ints give int64
        ("full([2], 7)", "tensor([7, 7])"),                                   // torch.full([2], 7)
        ("zeros_like([true])", "tensor([False])"),
        ("tensor([], dtype=torch.long)", "tensor([], dtype=torch.int64)"),    // empty: the dtype is always shown
    ])
    func conversionsAndFactoryDTypes(expr: String, expected: String) throws {
        let result = try DTypeCLITests.eval(expr)
        #expect(result.exitCode == 0, "\(result.stderr)")
        #expect(result.stdout == expected + "\n")
    }

    @Test func float32InputsGetFloat32Gradients() throws {
        // x = torch.tensor([1.5, 2.5], dtype=torch.float32, requires_grad=True)
        // y = (x * torch.tensor([2.0, 3.0])).sum(); y.backward(); print(y, x.grad)
        // -> tensor(10.5000, grad_fn=<SumBackward0>) tensor([2., 3.], dtype=torch.float32)
        let result = try CLI.run(["sum(x.float() * [2.0, 3.0])", "x=1.5,2.5", "--format", "torch"])
        #expect(result.stdout.hasPrefix("tensor(10.5000, grad_fn=<SumBackward0>)\n"))
        // The gradient with respect to the float64 input x flows back through ToCopyBackward0.
        #expect(result.stdout.contains("tensor([2., 3.])"))
        // --dtype float32: the inputs are float32, so are their gradients (JSON says so for the value).
        let json = try CLI.run(["sum(x * x)", "x=1.5,2.5", "--dtype", "float32", "--json"])
        #expect(json.stdout.contains(#""value":8.5,"shape":[],"dtype":"float32""#))
        #expect(json.stdout.contains(#""grad":{"x":[3.0,5.0]}"#))
        let text = try CLI.run(["sum(x * x)", "x=1.5,2.5", "--dtype", "float32", "--format", "torch"])
        // torch.set_default_dtype(torch.float32): the suffix is omitted for the default dtype.
        #expect(text.stdout == "tensor(8.5000, grad_fn=<SumBackward0>)\nx.grad\ntensor([3., 5.])\n")
    }

    @Test func aBareNumberIsATensorOfTheDefaultDType() throws {
        // torch.set_default_dtype(torch.float32); torch.tensor(0.1).item() -> 0.10000000149011612
        let json = try CLI.run(["eval", "0.1", "--dtype", "float32", "--json"])
        #expect(json.stdout.contains(#""value":0.10000000149011612,"shape":[],"dtype":"float32""#))
        let integer = try DTypeCLITests.eval("7")
        #expect(integer.stdout == "tensor(7)\n")  // torch.tensor(7)
    }

    @Test func float64ResultsUnderDTypeFloat32PrintTheirSuffix() throws {
        let result = try DTypeCLITests.eval("double(x)", ["x=1.5", "--dtype", "float32"])
        #expect(result.stdout == "tensor(1.5000, dtype=torch.float64)\n")
    }

    @Test func batchRequestsTakeADType() throws {
        let lines = [#"{"command": "eval", "expr": "x * 0.1", "inputs": {"x": [1]}, "dtype": "float32"}"#,
                     #"{"command": "eval", "expr": "x * 0.1", "inputs": {"x": [1]}}"#].joined(separator: "\n") + "\n"
        let result = try CLI.run(["batch"], stdin: lines)
        let out = result.stdout.split(separator: "\n")
        #expect(out.count == 2)
        // torch.tensor([1.], dtype=torch.float32) * 0.1 -> 0.10000000149011612 as a double
        #expect(out.first?.contains(#""value":[0.10000000149011612],"shape":[1],"dtype":"float32""#) == true)
        #expect(out.last?.contains(#""value":[0.1],"shape":[1],"dtype":"float64""#) == true)
    }

    @Test func jsonWritesIntegersAndBools() throws {
        let ints = try CLI.run(["eval", "[1, 2] * 3", "--json"])
        #expect(ints.stdout.contains(#""value":[3,6],"shape":[2],"dtype":"int64""#))
        let bools = try CLI.run(["eval", "[1, 2] > 1", "--json"])
        #expect(bools.stdout.contains(#""value":[false,true],"shape":[2],"dtype":"bool""#))
    }

    @Test(arguments: [
        // torch.tensor([1, 2], requires_grad=True)
        ("tensor([1, 2], requires_grad=true)", "Only Tensors of floating point and complex dtype can require gradients"),
        ("to([1.5], torch.float16)", "unsupported dtype torch.float16"),
        ("to([1.5], 'float17')", "must be one of"),
        ("mean([1, 2])", "mean(): could not infer output dtype. Input dtype must be either a floating point or complex dtype. Got: Long"),
        ("[true] - [true]", "Subtraction, the `-` operator, with two bool tensors is not supported"),
        ("floor_divide([1], 0)", "ZeroDivisionError"),
    ])
    func badDTypeInputIsAClearErrorWithThePlace(expr: String, message: String) throws {
        let result = try DTypeCLITests.eval(expr)
        #expect(result.exitCode == 65)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr.contains(message), "\(result.stderr)")
        #expect(result.stderr.contains("--> 1:"), "the place: \(result.stderr)")
    }

    @Test func anUnknownDefaultDTypeIsAnError() throws {
        let unknown = try CLI.run(["x", "x=1", "--dtype", "float16"])
        #expect(unknown.exitCode == 65)
        #expect(unknown.stderr.contains("--dtype: unknown dtype 'float16'"))
        let integer = try CLI.run(["x", "x=1", "--dtype", "int64", "--json"])
        #expect(integer.exitCode == 65)
        #expect(integer.stderr.isEmpty || !integer.stdout.isEmpty)
        #expect(integer.stdout.contains("only floating-point types are supported as the default type"))
    }
}
