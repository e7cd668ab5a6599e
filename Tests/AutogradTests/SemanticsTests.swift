import Testing
import Glibc
@testable import Autograd

// PyTorch's autograd semantics as gradcli mirrors them (reference/pytorch-autograd.md):
// the worked examples, the conventions at non-differentiable points, and the engine's rules.
// Expected numbers come from PyTorch (float64) or hand derivation.

/// Runs the registry op `name`. Ops of other families are reached by name, so this file
/// depends only on the registry, not on each family's Swift API.
private func call(_ name: String, _ inputs: [Variable], _ attrs: Attrs = [:]) throws -> Variable {
    guard let spec = Registry.lookup(name) else { throw OpError.value("op '\(name)' is not in the registry") }
    return try apply(spec, inputs, attrs)
}

/// Attributes from a dictionary built by a test case.
private func attributes(_ values: [String: AttrValue]) -> Attrs {
    var attrs = Attrs()
    for (name, value) in values { attrs[name] = value }
    return attrs
}

/// `m[i]` for a vector, as the parser lowers it.
private func element(_ m: Variable, _ i: Int) throws -> Variable {
    try call("select", [m], ["dim": .int(0), "index": .int(i)])
}

/// A tensor literal `[a, b, ...]` of equal-shaped elements.
private func stack(_ items: [Variable]) throws -> Variable { try call("stack", items, ["dim": .int(0)]) }

private func close(_ a: Tensor?, _ b: Tensor, tolerance: Double = 1e-12) -> Bool {
    guard let a, a.shape == b.shape else { return false }
    return zip(a.data, b.data).allSatisfy { $0 == $1 || Swift.abs($0 - $1) <= tolerance * Swift.max(1, Swift.abs($1)) }
}

private let column = Tensor(shape: [10, 1], data: (0..<10).map { Double($0) * 0.37 - 1.4 })

@Suite struct WorkedExampleTests {
    @Test func examplesOneAndTwoGiveTheSameValueGradientAndGradFnChain() throws {
        let a = Variable([2, 3], requiresGrad: true)
        let b = try a + 3
        let c = try b * b * 3
        let out = try c.mean()
        #expect(out.value == Tensor(91.5))
        try out.backward()
        #expect(a.grad?.value == Tensor([15, 18]))
        // Mean <- Mul <- Mul <- Add
        let mul = try #require(out.gradFn?.nextFunctions.first ?? nil)
        let innerMul = try #require(mul.nextFunctions.first ?? nil)
        #expect([out.gradFn?.name, mul.name, innerMul.name] == ["MeanBackward0", "MulBackward0", "MulBackward0"])
        #expect(innerMul.nextFunctions.map { $0?.name } == ["AddBackward0", "AddBackward0"])
    }

    @Test func exampleThreeMseLossWithRespectToWAndB() throws {
        let x = Variable(5.0), y = Variable(0.0)
        let w = Variable(1.0, requiresGrad: true), b = Variable(3.0, requiresGrad: true)
        let out = try call("mse_loss", [x * w + b, y])
        #expect(out.value == Tensor(64))
        #expect(out.gradFn?.name == "MseLossBackward0")
        try out.backward()
        #expect(w.grad?.value == Tensor(80) && b.grad?.value == Tensor(16))
    }

    @Test(arguments: [([1.0, 1.0], [4.0, 27.0]), ([2.0, 3.0], [8.0, 81.0])])
    func examplesFourAndFiveVectorJacobianProduct(v: [Double], expected: [Double]) throws {
        let m = Variable([2, 3], requiresGrad: true)
        let out = try stack([element(m, 0).pow(2), element(m, 1).pow(3)])
        try out.backward(gradient: Variable(v))
        #expect(m.grad?.value == Tensor(expected))
    }

    /// `[m[0]^2 + 3*m[1], m[1]^2 + 2*m[0]]` at m = [2, 3].
    private func exampleSix() throws -> (Variable, Variable) {
        let m = Variable([2, 3], requiresGrad: true)
        let m0 = try element(m, 0), m1 = try element(m, 1)
        return (m, try stack([m0.pow(2) + 3 * m1, m1.pow(2) + 2 * m0]))
    }

    @Test func exampleSixIsAVectorJacobianProductNotTheJacobian() throws {
        let (m, out) = try exampleSix()
        try out.backward(gradient: Variable([1, 1]))
        #expect(m.grad?.value == Tensor([6, 9]))
    }

    @Test(arguments: [JacobianMode.reverse, .forward])
    func exampleSevenJacobianHasRowsForOutputs(mode: JacobianMode) throws {
        let (m, out) = try exampleSix()
        let j = try jacobian(of: out, wrt: [m], mode: mode)
        #expect(j == [Tensor(shape: [2, 2], data: [4, 3, 2, 6])])
    }

    @Test func exampleEightPowOfEyeWithOnesGradient() throws {
        let inp = Variable(try call("eye", [], ["n": .int(5)]).value, requiresGrad: true)
        let out = try (inp + 1).pow(2)
        try out.backward(gradient: Variable(Tensor.ones([5, 5])))
        let expected = Tensor(shape: [5, 5], data: (0..<25).map { $0 % 6 == 0 ? 4 : 2 })
        #expect(inp.grad?.value == expected)
    }

    @Test func exampleNineNorm() throws {
        let x = Variable(Tensor.ones([2]), requiresGrad: true)
        let z = try 4 * x * x
        let out = try call("norm", [z])
        #expect(close(out.value, Tensor(5.656854249492381)))
        // PyTorch 2.x names this node LinalgVectorNormBackward0 (older releases: NormBackward1).
        #expect(out.gradFn?.name == "LinalgVectorNormBackward0")
        try out.backward()
        #expect(close(x.grad?.value, Tensor([5.656854249492381, 5.656854249492381])))
    }

    @Test func exampleTenSumKeepsTheInputShape() throws {
        let x = Variable(Tensor(shape: [1, 2], data: [2, 3]), requiresGrad: true)
        try (x * 3).sum().backward()
        #expect(x.grad?.value == Tensor(shape: [1, 2], data: [3, 3]))
    }

    @Test func exampleElevenLogisticRegressionGradients() throws {
        let x = Variable(Tensor.ones([5])), y = Variable(Tensor.zeros([3]))
        // With zeros: value log 2 and grad b = 1/6 each.
        let w0 = Variable(Tensor.zeros([5, 3]), requiresGrad: true), b0 = Variable(Tensor.zeros([3]), requiresGrad: true)
        let loss0 = try call("binary_cross_entropy_with_logits", [call("matmul", [x, w0]) + b0, y])
        #expect(loss0.gradFn?.name == "BinaryCrossEntropyWithLogitsBackward0")
        #expect(close(loss0.value, Tensor(Glibc.log(2.0))))
        try loss0.backward()
        #expect(close(b0.grad?.value, Tensor(repeating: 1.0 / 6, shape: [3])))
        // With other values every row of grad w still equals grad b (x is all ones).
        let w = Variable(Tensor(shape: [5, 3], data: (0..<15).map { Double($0) * 0.1 - 0.7 }), requiresGrad: true)
        let b = Variable([0.2, -0.3, 0.5], requiresGrad: true)
        try call("binary_cross_entropy_with_logits", [call("matmul", [x, w]) + b, y]).backward()
        let gb = try #require(b.grad?.value), gw = try #require(w.grad?.value)
        #expect(gb.data.contains { Swift.abs($0 - 1.0 / 6) > 1e-3 })
        for row in 0..<5 { #expect(close(Tensor(Array(gw.data[row * 3..<row * 3 + 3])), gb)) }
    }

    @Test func exampleTwelveDependentTargetAndThirteenDetachedTarget() throws {
        let x = Variable(column, requiresGrad: true)
        let y = try 3 * x + 2
        try ((x - y).pow(2)).mean().backward()
        #expect(close(x.grad?.value, column.map { 0.8 * ($0 + 1) }))

        let x2 = Variable(column, requiresGrad: true)
        let y2 = try call("detach", [3 * x2 + 2])
        #expect(!y2.requiresGrad && y2.gradFn == nil)
        try ((x2 - y2).pow(2)).mean().backward()
        #expect(close(x2.grad?.value, column.map { -0.4 * ($0 + 1) }))
    }
}

/// One row of the conventions table: the gradient of `sum(op(x))` at points including kinks.
struct KinkCase: CustomTestStringConvertible, Sendable {
    let op: String
    let x: [Double]
    let grad: [Double]
    var attrs: [String: Double] = [:]
    var testDescription: String { "\(op) at \(x)" }
}

@Suite struct ConventionTests {
    @Test(arguments: [
        KinkCase(op: "abs", x: [0, 2.5, -1], grad: [0, 1, -1]),
        KinkCase(op: "relu", x: [0, 2.5, -1], grad: [0, 1, 0]),
        KinkCase(op: "sign", x: [0, 2.5, -1], grad: [0, 0, 0]),
        KinkCase(op: "floor", x: [0, 2.5, -1], grad: [0, 0, 0]),
        KinkCase(op: "ceil", x: [0, 2.5, -1], grad: [0, 0, 0]),
        KinkCase(op: "round", x: [0, 2.5, -1], grad: [0, 0, 0]),
        KinkCase(op: "trunc", x: [0, 2.5, -1], grad: [0, 0, 0]),
        KinkCase(op: "sqrt", x: [0, 4], grad: [.infinity, 0.25]),
        KinkCase(op: "max", x: [1, 3, 3], grad: [0, 0.5, 0.5]),
        KinkCase(op: "min", x: [1, 1, 3], grad: [0.5, 0.5, 0]),
        KinkCase(op: "amax", x: [3, 1, 3, 3], grad: [1.0 / 3, 0, 1.0 / 3, 1.0 / 3]),
        KinkCase(op: "amin", x: [1, 1, 3], grad: [0.5, 0.5, 0]),
        KinkCase(op: "norm", x: [0, 0], grad: [0, 0]),
        KinkCase(op: "prod", x: [2, 0, 3], grad: [0, 6, 0]),
    ])
    func gradientAtNonDifferentiablePoints(_ c: KinkCase) throws {
        let x = Variable(c.x, requiresGrad: true)
        try call(c.op, [x], attributes(c.attrs.mapValues(AttrValue.double))).sum().backward()
        #expect(x.grad?.value == Tensor(c.grad))
    }

    @Test(arguments: [(0.0, 0.0), (0.5, Double.infinity), (1, 1), (2, 0), (3, 0), (-1, -Double.infinity)])
    func powAtZero(exponent: Double, expected: Double) throws {
        let x = Variable([0], requiresGrad: true)
        try x.pow(Variable(exponent)).sum().backward()
        #expect(x.grad?.value == Tensor([expected]))
    }

    @Test(arguments: [0.0, 2.0])
    func powOfZeroWithRespectToTheExponent(y: Double) throws {
        let p = Variable(y, requiresGrad: true)
        try Variable(0.0).pow(p).backward()
        #expect(p.grad?.value == Tensor(0))
    }

    @Test(arguments: [("maximum", [0.5, 0], [0.5, 1]), ("minimum", [0.5, 1], [0.5, 0])])
    func tiesOfMaximumAndMinimumSplitInHalf(op: String, gradA: [Double], gradB: [Double]) throws {
        let a = Variable([1, 2], requiresGrad: true), b = Variable([1, 3], requiresGrad: true)
        try call(op, [a, b]).sum().backward()
        #expect(a.grad?.value == Tensor(gradA) && b.grad?.value == Tensor(gradB))
    }

    @Test func whereSendsGradientToTheChosenBranchAndLeaksNaN() throws {
        let x = Variable([0, 2], requiresGrad: true)
        try Variable.where(x > 0, x.log(), 0).sum().backward()
        // x = 0 takes the constant branch, but log's rule still computes 0 / 0 (as PyTorch).
        let g = try #require(x.grad?.value)
        #expect(g.data[0].isNaN && g.data[1] == 0.5)
    }
}

@Suite struct EngineSemanticsTests {
    @Test func gradientsAccumulateAcrossGraphsUntilZeroed() throws {
        let a = Variable([1, 2], requiresGrad: true)
        try (a * 3).sum().backward()
        try (a * a).sum().backward()
        #expect(a.grad?.value == Tensor([5, 7]))
        a.grad = nil
        try (a * 3).sum().backward()
        #expect(a.grad?.value == Tensor([3, 3]))
    }

    @Test func retainGraphAllowsRepeatedPassesAndGradReleasesByDefault() throws {
        let a = Variable([1, 2], requiresGrad: true)
        let out = try (a * a).sum()
        _ = try grad(outputs: [out], inputs: [a], retainGraph: true)
        let second = try grad(outputs: [out], inputs: [a])
        #expect(second[0]?.value == Tensor([2, 4]))
        #expect(a.grad == nil)
        #expect(throws: OpError.self) { try grad(outputs: [out], inputs: [a]) }
    }

    @Test func detachAndNoGradStopTracking() throws {
        let a = Variable([1, 2], requiresGrad: true)
        let d = a.detached()
        #expect(d.isLeaf && !d.requiresGrad && d.value == a.value)
        let inside = try withNoGrad { try a * 2 }
        #expect(!inside.requiresGrad && inside.gradFn == nil && GradMode.isEnabled)
        #expect(try (a * 2).gradFn?.name == "MulBackward0")
        #expect(throws: OpError.self) { try inside.sum().backward() }
    }

    @Test func retainGradKeepsAnIntermediateGradient() throws {
        let a = Variable([2, 3], requiresGrad: true)
        let b = try a + 3, c = try b * b
        b.retainGrad()
        try c.mean().backward()
        #expect(b.grad?.value == Tensor([5, 6]))
        #expect(c.grad == nil)
        #expect(!b.isLeaf && a.isLeaf)
    }

    @Test func allowUnusedReturnsNilInsteadOfThrowing() throws {
        let a = Variable([1, 2], requiresGrad: true), unused = Variable(1.0, requiresGrad: true)
        let out = try (a * a).sum()
        do {
            _ = try grad(outputs: [out], inputs: [a, unused], retainGraph: true)
            Issue.record("expected an error")
        } catch let error as OpError {
            #expect(error.message.hasPrefix("The differentiated Tensor at index 1 appears to not have been used in the graph"))  // PyTorch 2.13's words
        }
        let grads = try grad(outputs: [out], inputs: [a, unused], allowUnused: true)
        #expect(grads[0]?.value == Tensor([2, 4]) && grads[1] == nil)
    }

    /// out = s * v * M with s scalar, v of shape [3], M of shape [2, 3]: each block has shape
    /// [2, 3] + input shape, rows = outputs.
    @Test func jacobianLayoutForScalarVectorAndMatrixInputs() throws {
        let s = Tensor(2), v = Tensor([1, -1, 3]), m = Tensor(shape: [2, 3], data: [1, 2, 3, 4, 5, 6])
        let j = try jacobian({ x in try x[0] * x[1] * x[2] }, at: [s, v, m])
        #expect(j.map(\.shape) == [[2, 3], [2, 3, 3], [2, 3, 2, 3]])
        for r in 0..<2 {
            for c in 0..<3 {
                let out = r * 3 + c
                #expect(j[0].data[out] == v.data[c] * m.data[out])
                for k in 0..<3 { #expect(j[1].data[out * 3 + k] == (k == c ? s.data[0] * m.data[out] : 0)) }
                for k in 0..<6 { #expect(j[2].data[out * 6 + k] == (k == out ? s.data[0] * v.data[c] : 0)) }
            }
        }
        // A scalar output's Jacobian is its gradient, shaped like the input.
        #expect(try jacobian({ x in try (x[0] * x[0]).sum() }, at: [m]) == [m.map { 2 * $0 }])
    }

    @Test func hessianOfExampleOneIsSymmetricAndDiagonal() throws {
        let h = try hessian({ a in try (3 * (a[0] + 3).pow(2)).mean() }, at: [Tensor([2, 3])])
        #expect(h[0][0] == Tensor(shape: [2, 2], data: [3, 0, 0, 3]))
    }

    @Test func anomalyRecorderNamesTheFirstForwardOpAndBackwardRule() throws {
        let recorder = AnomalyRecorder()
        let x = Variable([0, 4], requiresGrad: true)
        try recorder.watch {
            let s = try x.pow(0.5)
            s.tag = SourceRange(start: 0, end: 8)
            let t = try s.log()      // log(0) = -inf: the first non-finite forward value
            t.tag = SourceRange(start: 9, end: 15)
            let out = try (t * 0).sum()   // 0 * -inf = NaN, but its input was already non-finite
            try out.backward()        // log's rule gives 0 / 0 = NaN before pow's rule sees it
        }
        let forward = try #require(recorder.forward)
        #expect(forward.phase == .forward && forward.op == "log" && !forward.isNaN)
        #expect(forward.tag == SourceRange(start: 9, end: 15))
        let backward = try #require(recorder.backward)
        #expect(backward.phase == .backward && backward.gradFnName == "LogBackward0" && backward.isNaN)
        #expect(backward.tag == SourceRange(start: 9, end: 15))
        #expect(AnomalyRecorder().forward == nil)
    }
}

extension ConventionTests {
    /// torch.atan2(y, x) at the origin: the gradient is 0, not NaN.
    @Test func atan2AtTheOriginHasZeroGradient() throws {
        let y = Variable([1, 0], requiresGrad: true), x = Variable([1, 0], requiresGrad: true)
        try y.atan2(x).sum().backward()
        #expect(close(y.grad?.value, Tensor([0.5, 0])))
        #expect(close(x.grad?.value, Tensor([-0.5, 0])))
    }

    /// `x ** 2`, `2 ** x` and `x ** y` print PowBackward0, PowBackward2 and PowBackward1; a 0-d
    /// tensor is a tensor (`x.pow(torch.tensor(2.))` is PowBackward1).
    @Test func powNodesAreNamedAsPyTorchNamesThem() throws {
        let x = Variable(2, requiresGrad: true), y = Variable(3, requiresGrad: true)
        let two = Variable(wrappedNumber: 2, dtype: .int64)
        #expect(try x.pow(two).gradFn?.name == "PowBackward0")
        #expect(try two.pow(x).gradFn?.name == "PowBackward2")
        #expect(try x.pow(y).gradFn?.name == "PowBackward1")
        #expect(try x.pow(2).gradFn?.name == "PowBackward1")
    }
}

@Suite struct SizeLimitTests {
    /// Ranks past `Tensor.maxRank` are limit errors, from a factory or from any op's result.
    @Test func dimensionsPastTheLimit() throws {
        do { _ = try call("ones", [], ["size": .ints(Array(repeating: 1, count: 65))]); Issue.record("expected a limit error") } catch let e as OpError { #expect(e.kind == .limit) }
        let full = try call("ones", [], ["size": .ints(Array(repeating: 1, count: 64))])
        #expect(full.shape.count == 64)
        do { _ = try call("unsqueeze", [full], ["dim": .int(0)]); Issue.record("expected a limit error") } catch let e as OpError { #expect(e.kind == .limit) }
    }

    /// Sizes past `Tensor.maxElementCount` are errors before anything is allocated.
    @Test(arguments: [
        ("ones", [Variable](), ["size": AttrValue.ints([100_000_000_000])]),
        ("ones", [], ["size": .ints([3_037_000_500, 3_037_000_500])]),
        ("eye", [], ["n": .int(10_000_000)]),
        ("linspace", [], ["start": .double(0), "end": .double(1), "steps": .int(1_000_000_000_000)]),
        ("arange", [], ["start": .double(1e300)]),
    ])
    func factoriesRefuseHugeSizes(_ name: String, _ inputs: [Variable], _ attrs: [String: AttrValue]) throws {
        #expect(throws: OpError.self) { try call(name, inputs, attributes(attrs)) }
    }

    @Test func broadcastingMatmulAndJacobiansRespectTheLimit() throws {
        let column = Variable(Tensor.ones([100_000, 1])), row = Variable(Tensor.ones([100_000]))
        do { _ = try column * row; Issue.record("expected a limit error") } catch let e as OpError { #expect(e.kind == .limit) }
        do { _ = try call("matmul", [column, Variable(Tensor.ones([1, 100_000]))]); Issue.record("expected a limit error") } catch let e as OpError { #expect(e.kind == .limit) }
        #expect(throws: OpError.self) { try call("diag", [row]) }
        #expect(throws: OpError.self) { try call("expand", [Variable([1])], ["size": .ints([-2])]) }
        let x = Variable(Tensor.ones([200_000]), requiresGrad: true)
        #expect(throws: OpError.self) { try jacobian(of: x * 2, wrt: [x]) }
    }
}
