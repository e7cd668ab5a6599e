import Testing
import Glibc
@testable import Autograd

/// f(x, y) = x * exp(y) + x^2 with x of shape [3] and y of shape [2, 1], so out[i][j] =
/// x[j] exp(y[i]) + x[j]^2 has shape [2, 3]. Hand-derived Jacobian blocks:
/// d out[i][j] / d x[k] = [j == k] (exp(y[i]) + 2 x[j]),  d out[i][j] / d y[k][0] = [i == k] x[j] exp(y[i]).
private let x0 = Tensor([0.5, -1, 2])
private let y0 = Tensor(shape: [2, 1], data: [0.3, -0.7])

private func f(_ v: [Variable]) throws -> Variable { try v[0] * v[1].exp() + v[0].pow(2) }

private func expectedJacobian() -> (dx: Tensor, dy: Tensor) {
    var dx = Tensor.zeros([2, 3, 3]), dy = Tensor.zeros([2, 3, 2, 1])
    for i in 0..<2 {
        for j in 0..<3 {
            dx.data[(i * 3 + j) * 3 + j] = Glibc.exp(y0.data[i]) + 2 * x0.data[j]
            dy.data[(i * 3 + j) * 2 + i] = x0.data[j] * Glibc.exp(y0.data[i])
        }
    }
    return (dx, dy)
}

private func close(_ a: Tensor, _ b: Tensor, tolerance: Double = 1e-12) -> Bool {
    a.shape == b.shape && zip(a.data, b.data).allSatisfy { Swift.abs($0 - $1) <= tolerance * Swift.max(1, Swift.abs($1)) }
}

@Suite struct FunctionalTests {
    @Test(arguments: [JacobianMode.auto, .reverse, .forward])
    func jacobianMatchesHandDerivationInEveryMode(mode: JacobianMode) throws {
        let blocks = try jacobian(f, at: [x0, y0], mode: mode)
        let expected = expectedJacobian()
        #expect(blocks[0].shape == [2, 3, 3])
        #expect(blocks[1].shape == [2, 3, 2, 1])
        #expect(close(blocks[0], expected.dx))
        #expect(close(blocks[1], expected.dy))
    }

    @Test func jacobianRunsTheForwardPassOnceAndKeepsTheGraph() throws {
        var calls = 0
        let x = Variable(x0, requiresGrad: true), y = Variable(y0, requiresGrad: true)
        let out = try { calls += 1; return try f([x, y]) }()
        _ = try jacobian(of: out, wrt: [x, y], mode: .forward)
        _ = try jacobian(of: out, wrt: [x, y], mode: .reverse)
        #expect(calls == 1)
        // The graph is retained: an ordinary backward still works afterwards.
        try out.sum().backward()
        #expect(close(x.grad!.value, Tensor((0..<3).map { j in
            (0..<2).map { Glibc.exp(y0.data[$0]) + 2 * x0.data[j] }.reduce(0, +)
        })))
    }

    @Test func vjpAndJvpAgreeWithTheJacobian() throws {
        let v = Tensor(shape: [2, 3], data: [1, -2, 0.5, 3, 0.25, -1])
        let (dx, dy) = expectedJacobian()
        let (value, products) = try vjp(f, at: [x0, y0], v: v)
        #expect(value.shape == [2, 3])
        // v^T J: sum over the output elements of v[r] * J[r, c].
        func vTJ(_ block: Tensor, _ n: Int) -> [Double] {
            (0..<n).map { c in (0..<6).map { r in v.data[r] * block.data[r * n + c] }.reduce(0, +) }
        }
        #expect(close(products[0], Tensor(vTJ(dx, 3))))
        #expect(close(products[1], Tensor(shape: [2, 1], data: vTJ(dy, 2))))

        let tx = Tensor([1, 0.5, -1]), ty = Tensor(shape: [2, 1], data: [2, -3])
        let (_, tangent) = try jvp(f, at: [x0, y0], v: [tx, ty])
        var expected = [Double](repeating: 0, count: 6)
        for r in 0..<6 {
            for c in 0..<3 { expected[r] += dx.data[r * 3 + c] * tx.data[c] }
            for c in 0..<2 { expected[r] += dy.data[r * 2 + c] * ty.data[c] }
        }
        #expect(close(tangent, Tensor(shape: [2, 3], data: expected)))
    }

    @Test func unusedInputsAndConstantOutputsGiveZeros() throws {
        let x = Variable([1, 2], requiresGrad: true), unused = Variable([5, 6, 7], requiresGrad: true)
        let out = try x * x
        let blocks = try jacobian(of: out, wrt: [x, unused])
        #expect(blocks[0] == Tensor(shape: [2, 2], data: [2, 0, 0, 4]))
        #expect(blocks[1] == Tensor.zeros([2, 3]))
        #expect(try vjp(of: out, wrt: [unused], v: Tensor([1, 1]))[0] == Tensor.zeros([3]))
        #expect(try jvp(of: out, wrt: [unused], v: [Tensor([1, 1, 1])]) == Tensor.zeros([2]))
        let constant = try Variable([1, 2]) * 3
        #expect(try jacobian(of: constant, wrt: [x]) == [Tensor.zeros([2, 2])])
    }

    @Test(arguments: [JacobianMode.reverse, .forward])
    func jacobianOfALeafIsTheIdentity(mode: JacobianMode) throws {
        let x = Variable([1, 2, 3], requiresGrad: true)
        #expect(try jacobian(of: x, wrt: [x], mode: mode) == [Tensor(shape: [3, 3], data: [1, 0, 0, 0, 1, 0, 0, 0, 1])])
    }

    @Test func jvpRejectsBadTangents() throws {
        let x = Variable([1, 2], requiresGrad: true)
        let out = try x * x
        #expect(throws: OpError.self) { try jvp(of: out, wrt: [x], v: []) }
        #expect(throws: OpError.self) { try jvp(of: out, wrt: [x], v: [Tensor([1, 2, 3])]) }
    }

    /// f(x, y) = sum(x^2 y) + sum(exp(x)): H_xx = diag(2y + e^x), H_xy = H_yx = diag(2x), H_yy = 0.
    @Test func hessianBlocksMatchHandDerivation() throws {
        let x = Tensor([0.5, -1]), y = Tensor([2, 3])
        let h = try hessian({ v in try (v[0] * v[0] * v[1]).sum() + v[0].exp().sum() }, at: [x, y])
        #expect(close(h[0][0], Tensor(shape: [2, 2], data: [4 + Glibc.exp(0.5), 0, 0, 6 + Glibc.exp(-1)])))
        #expect(close(h[0][1], Tensor(shape: [2, 2], data: [1, 0, 0, -2])))
        #expect(close(h[1][0], Tensor(shape: [2, 2], data: [1, 0, 0, -2])))
        #expect(h[1][1] == Tensor.zeros([2, 2]))
    }

    @Test func hessianIsSymmetricAcrossBlocks() throws {
        let x = Tensor(shape: [2, 2], data: [0.3, -0.4, 1.1, 0.7]), y = Tensor([0.9, -1.2])
        // Mixes every element with every other, so no block is trivially zero or diagonal.
        let h = try hessian({ v in try ((v[0] * v[1]).exp().sum() * v[1].sum()).pow(2) / (v[0] * v[0] + 1).mean() },
                            at: [x, y])
        let n = [4, 2]
        for i in 0..<2 {
            for j in 0..<2 {
                #expect(h[i][j].shape == [x, y][i].shape + [x, y][j].shape)
                for a in 0..<n[i] {
                    for b in 0..<n[j] {
                        let hab = h[i][j].data[a * n[j] + b], hba = h[j][i].data[b * n[i] + a]
                        #expect(Swift.abs(hab - hba) <= 1e-10 * Swift.max(1, Swift.abs(hab)))
                    }
                }
            }
        }
        #expect(h[0][1].data.contains { $0 != 0 })
    }

    @Test func hessianNeedsOneElement() throws {
        #expect(throws: OpError.self) { try hessian({ v in try v[0] * v[0] }, at: [Tensor([1, 2])]) }
    }
}

/// A test-only op `|x|` whose VJP is deliberately wrong (5 g) everywhere, to see gradcheck fail.
private let wrongAbs = OpSpec("wrong_abs", params: [Param("input", .tensor)], gradFn: "WrongAbsBackward0",
                              summary: "abs with a wrong derivative",
                              forward: { args in args[0].map { Swift.abs($0) } },
                              derivative: .vjp { _, g in [try g * 5] })

/// A test-only cube whose VJP is right in value but uses a constant (3 x^2 taken off the
/// graph), so its second derivative is lost: first-order checks pass, second-order ones fail.
private let flatCube = OpSpec("flat_cube", params: [Param("input", .tensor)], gradFn: "FlatCubeBackward0",
                              summary: "x^3 with a VJP that cannot be differentiated again",
                              forward: { args in args[0].map { $0 * $0 * $0 } },
                              derivative: .vjp { ctx, g in [try g * Variable(ctx[0].value.map { 3 * $0 * $0 })] })

@Suite struct GradcheckTests {
    @Test func smoothFunctionPassesWithFullJacobian() throws {
        let result = try gradcheck(f, at: [x0, y0])
        #expect(result.passed)
        #expect(result.kinks.isEmpty)
        #expect(result.inputs.map(\.analytical.shape) == [[2, 3, 3], [2, 3, 2, 1]])
        #expect(close(result.inputs[0].numerical, expectedJacobian().dx, tolerance: 1e-7))
        #expect(result.inputs.allSatisfy { $0.maxAbsError < 1e-7 })
    }

    @Test func scalarOutputComparesTheGradient() throws {
        let result = try gradcheck({ v in try (v[0] * v[0]).sum() }, at: [Tensor([1, -2, 3])])
        #expect(result.passed)
        #expect(result.inputs[0].analytical == Tensor([2, -4, 6]))
    }

    @Test func wrongDerivativeIsABareFailureAtTheWorstElement() throws {
        let result = try gradcheck({ v in try apply(wrongAbs, [v[0]]) * Variable([1, 0.1]) }, at: [Tensor([-1, 2])])
        let r = result.inputs[0]
        #expect(!result.passed)
        #expect(r.kinks.isEmpty)
        // Element (0, 0): analytical 5, numerical -1. Element (1, 1): 0.5 against 0.1.
        #expect(r.worstIndex == [0, 0])
        #expect(Swift.abs(r.maxAbsError - 6) < 1e-6)
        #expect(Swift.abs(r.maxRelError - 6) < 1e-5)
    }

    @Test func reluKinkIsReportedAndConsistentWithPyTorchsConvention() throws {
        // relu built from where: gradient 0 at x = 0, as PyTorch's relu.
        let relu = { (v: [Variable]) throws -> Variable in try Variable.where(v[0] > 0, v[0], 0) }
        let result = try gradcheck(relu, at: [Tensor([0, 1.5])])
        #expect(result.passed)
        let kink = try #require(result.kinks.first)
        #expect(result.kinks.count == 1)
        #expect(kink.index == [0, 0])
        #expect(kink.analytical == 0)
        #expect(Swift.abs(kink.numerical - 0.5) < 1e-9)
        #expect(Swift.abs(kink.leftSlope) < 1e-9 && Swift.abs(kink.rightSlope - 1) < 1e-9)
        #expect(kink.isConsistent)
    }

    @Test func derivativeOutsideTheOneSidedSlopesFailsAsAKink() throws {
        let result = try gradcheck({ v in try apply(wrongAbs, [v[0]]).sum() }, at: [Tensor([0])])
        #expect(!result.passed)
        let kink = try #require(result.kinks.first)
        #expect(kink.analytical == 5 && !kink.isConsistent)
        #expect(Swift.abs(kink.leftSlope + 1) < 1e-9 && Swift.abs(kink.rightSlope - 1) < 1e-9)
    }

    @Test func onlyTheRequestedInputsAreChecked() throws {
        // The wrong derivative sits on input 1, which is held constant.
        let result = try gradcheck({ v in try v[0] * apply(wrongAbs, [v[1]]) }, at: [Tensor([1, 2]), Tensor([3, -4])], wrt: [0])
        #expect(result.passed)
        #expect(result.inputs.map(\.input) == [0])
    }

    @Test func compareReportsTheWorstElementOfTwoTensors() throws {
        let expected = Tensor(shape: [2, 2], data: [1, 2, 0, 4])
        let c = try compare(Tensor(shape: [2, 2], data: [1, 2.5, 1e-6, 4.001]), to: expected)
        #expect(!c.passed && c.worstIndex == [0, 1])
        #expect(c.maxAbsError == 0.5 && c.maxRelError == .infinity)
        #expect(try compare(expected, to: expected) == TensorComparison(passed: true, worstIndex: [0, 0], maxAbsError: 0, maxRelError: 0))
        #expect(throws: OpError.self) { try compare(Tensor([1]), to: expected) }
    }

    @Test func toleranceFollowsPyTorch() {
        let options = GradcheckOptions()
        #expect(options.eps == 1e-6 && options.atol == 1e-5 && options.rtol == 1e-3)
        #expect(options.agree(1.0 + 1e-5 + 0.99e-3, 1.0))
        #expect(!options.agree(1.0 + 1e-5 + 1.01e-3, 1.0))
        #expect(options.agree(.infinity, .infinity))
        #expect(!options.agree(.nan, .nan))
    }

    @Test func secondOrderCheckCatchesAVJPThatCannotBeDifferentiated() throws {
        let inputs = [Tensor([0.5, -1.5])]
        let good = { (v: [Variable]) throws -> Variable in try v[0] * v[0] * v[0] }
        let flat = { (v: [Variable]) throws -> Variable in try apply(flatCube, [v[0]]) }
        #expect(try gradcheck(flat, at: inputs).passed)
        #expect(try gradgradcheck(good, at: inputs).passed)
        let result = try gradgradcheck(flat, at: inputs)
        #expect(!result.passed)
        #expect(result.inputs[0].analytical == Tensor.zeros([2, 2]))
    }
}
