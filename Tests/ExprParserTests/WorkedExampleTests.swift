import Autograd
import Testing
@testable import ExprParser

/// Leaves that require grad, made from constant expressions such as `[2,3]` or `eye(5)`.
func leaves(_ inputs: [(String, String)]) throws -> [(name: String, value: Variable)] {
    try inputs.map { ($0.0, Variable(try evaluateConstant($0.1), requiresGrad: true)) }
}

/// Evaluates `source` over `inputs` (each a leaf that requires grad).
func run(_ source: String, _ inputs: [(name: String, value: Variable)]) throws -> Evaluation {
    try Evaluator(inputs: inputs).evaluate(Program.parse(source))
}

func close(_ a: Tensor?, _ b: Tensor, tolerance: Double = 1e-12) -> Bool {
    guard let a, a.shape == b.shape else { return false }
    return zip(a.data, b.data).allSatisfy { Swift.abs($0 - $1) <= tolerance * Swift.max(1, Swift.abs($1)) }
}

/// The worked examples of reference/pytorch-autograd.md, lowered through the registry.
@Suite struct WorkedExampleTests {
    @Test func one() throws {
        let inputs = try leaves([("a", "[2,3]")])
        let out = try run("mean(3*(a+3)^2)", inputs).output
        try out.backward()
        #expect(out.value == Tensor(91.5))
        #expect(inputs[0].value.grad?.value == Tensor([15, 18]))
    }

    @Test func twoHasTheGradFnChain() throws {
        let inputs = try leaves([("a", "[2,3]")])
        let result = try run("b = a + 3; c = b*b*3; c.mean()", inputs)
        let out = result.output
        var chain: [String] = []
        var node = out.gradFn
        while let fn = node {
            chain.append(fn.name)
            node = fn.nextFunctions.compactMap { $0 }.first
        }
        #expect(chain == ["MeanBackward0", "MulBackward0", "MulBackward0", "AddBackward0"])
        #expect(result.bindings.map(\.name) == ["b", "c"])
        try out.backward()
        #expect(out.value == Tensor(91.5))
        #expect(inputs[0].value.grad?.value == Tensor([15, 18]))
    }

    @Test func threeMseLoss() throws {
        let w = Variable(1, requiresGrad: true), b = Variable(3, requiresGrad: true)
        let out = try run("mse_loss(x*w + b, y)", [("x", Variable(5)), ("y", Variable(0)), ("w", w), ("b", b)]).output
        try out.backward()
        #expect(out.value == Tensor(64))
        #expect(w.grad?.value == Tensor(80))
        #expect(b.grad?.value == Tensor(16))
    }

    @Test(arguments: [
        ("[m[0]^2, m[1]^3]", "[1,1]", [4.0, 27]),
        ("[m[0]^2, m[1]^3]", "m", [8.0, 81]),
        ("[m[0]^2 + 3*m[1], m[1]^2 + 2*m[0]]", "[1,1]", [6.0, 9]),
    ])
    func fourFiveSixStackedLiterals(source: String, gradOutput: String, expected: [Double]) throws {
        let m = Variable(Tensor([2, 3]), requiresGrad: true)
        let out = try run(source, [("m", m)]).output
        let v = try Evaluator(inputs: [("m", Variable(m.value))]).evaluate(Program.parse(gradOutput)).output
        try out.backward(gradient: v)
        #expect(m.grad?.value == Tensor(expected))
    }

    @Test func sevenJacobianRowsAreOutputs() throws {
        let m = Variable(Tensor([2, 3]), requiresGrad: true)
        let out = try run("[m[0]^2 + 3*m[1], m[1]^2 + 2*m[0]]", [("m", m)]).output
        let j = try jacobian(of: out, wrt: [m])
        #expect(j[0] == Tensor(shape: [2, 2], data: [4, 3, 2, 6]))
    }

    @Test func eightGradOutputOfOnes() throws {
        let inputs = try leaves([("inp", "eye(5)")])
        let out = try run("(inp+1).pow(2)", inputs).output
        try out.backward(gradient: Variable(try evaluateConstant("ones(5,5)")))
        let expected = (0..<25).map { $0 % 6 == 0 ? 4.0 : 2.0 }
        #expect(inputs[0].value.grad?.value == Tensor(shape: [5, 5], data: expected))
    }

    @Test func nineNorm() throws {
        let inputs = try leaves([("x", "ones(2)")])
        let out = try run("z = 4*x*x; z.norm()", inputs).output
        try out.backward()
        #expect(close(out.value, Tensor(5.656854249492381)))
        #expect(close(inputs[0].value.grad?.value, Tensor([5.656854249492381, 5.656854249492381])))
    }

    @Test func tenSum() throws {
        let inputs = try leaves([("x", "[[2,3]]")])
        let out = try run("sum(x*3)", inputs).output
        try out.backward()
        #expect(inputs[0].value.grad?.value == Tensor(shape: [1, 2], data: [3, 3]))
    }

    @Test func elevenBinaryCrossEntropyWithLogits() throws {
        let w = Variable(Tensor.zeros([5, 3]), requiresGrad: true), b = Variable(Tensor.zeros([3]), requiresGrad: true)
        let inputs = [("x", Variable(try evaluateConstant("ones(5)"))), ("y", Variable(try evaluateConstant("zeros(3)"))),
                      ("w", w), ("b", b)]
        let out = try run("binary_cross_entropy_with_logits(x @ w + b, y)", inputs).output
        try out.backward()
        #expect(close(out.value, Tensor(0.6931471805599453)))
        #expect(close(b.grad?.value, Tensor([1.0 / 6, 1.0 / 6, 1.0 / 6])))
        #expect(close(w.grad?.value, Tensor(shape: [5, 3], data: [Double](repeating: 1.0 / 6, count: 15))))
    }

    @Test(arguments: [("y = 3*x + 2; mean((x - y)^2)", 0.8), ("y = detach(3*x + 2); mean((x - y)^2)", -0.4)])
    func twelveThirteenDetach(source: String, factor: Double) throws {
        let inputs = try leaves([("x", "arange(10).reshape(10, 1)")])
        let x = inputs[0].value
        let out = try run(source, inputs).output
        try out.backward()
        #expect(close(x.grad?.value, x.value.map { factor * ($0 + 1) }))
    }
}
