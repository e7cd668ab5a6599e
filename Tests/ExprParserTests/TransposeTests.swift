import Autograd
import Testing
@testable import ExprParser

// `x.T` and `permute`, as PyTorch 2.13 evaluates them: `x.T` reverses every dimension
// through `permute` (grad_fn `PermuteBackward0`; `t()` stays `TBackward0`), with a
// deprecation warning when `x` is not 2-D.

/// `0, 1, 2, ...` in `shape`, as a leaf that requires grad.
private func arange(_ shape: [Int]) -> Variable {
    let n = shape.reduce(1, *)
    return Variable(Tensor(shape: shape, data: (0..<n).map(Double.init)), requiresGrad: true)
}

/// Evaluates `source` with the input `x`.
private func evaluate(_ source: String, x: Variable) throws -> Evaluation {
    try Evaluator(inputs: [("x", x)]).evaluate(Program.parse(source))
}

/// The message of the diagnostic `source` throws with the input `x`, if it throws one.
private func failure(_ source: String, x: Variable) -> String? {
    do { _ = try evaluate(source, x: x); return nil } catch let d as Diagnostic { return d.message } catch { return "\(error)" }
}

@Suite struct TransposeTests {
    @Test func matrixTransposeIsAPermuteWithoutWarning() throws {
        // torch.arange(6.).reshape(2, 3).T -> [[0, 3], [1, 4], [2, 5]], PermuteBackward0
        let result = try evaluate("x.T", x: arange([2, 3]))
        #expect(result.output.value == Tensor(shape: [3, 2], data: [0, 3, 1, 4, 2, 5]))
        #expect(result.output.gradFn?.name == "PermuteBackward0")
        #expect(result.warnings.isEmpty)
        // x.t() keeps its own node name
        #expect(try evaluate("x.t()", x: arange([2, 3])).output.gradFn?.name == "TBackward0")
    }

    @Test func threeDimensionalTransposeReversesEveryDimension() throws {
        // x = arange(24).reshape(2, 3, 4); x.T has shape [4, 3, 2] and x.T[k, j, i] == x[i, j, k]
        let x = arange([2, 3, 4])
        let result = try evaluate("x.T", x: x)
        let y = result.output
        #expect(y.shape == [4, 3, 2] && y.gradFn?.name == "PermuteBackward0")
        #expect(y.value.data[3 * 6 + 2 * 2 + 1] == x.value.data[1 * 12 + 2 * 4 + 3])
        #expect(try evaluate("x.permute(2, 1, 0)", x: x).output.value == y.value)
        #expect(result.warnings.count == 1 && result.warnings.first?.severity == .warning)
        #expect(result.warnings.first?.range == SourceRange(start: 2, end: 3))
        // (x.T * w).sum() with w = arange(24).reshape(4, 3, 2): grad[i, j, k] = w[k, j, i]
        let w = Variable(Tensor(shape: [4, 3, 2], data: (0..<24).map(Double.init)))
        try Evaluator(inputs: [("x", x), ("w", w)]).evaluate(Program.parse("sum(x.T * w)")).output.backward()
        #expect(x.grad?.value.data[1 * 12 + 2 * 4 + 3] == w.value.data[3 * 6 + 2 * 2 + 1])
        #expect(x.grad?.value.shape == [2, 3, 4])
    }

    @Test(arguments: [[Int](), [3]])
    func transposeBelowTwoDimensionsKeepsTheValueAndAddsAPermuteNode(shape: [Int]) throws {
        // torch: x.T of a 0-D or 1-D x has x's value, grad_fn PermuteBackward0, and a
        // deprecation warning; the gradient passes through unchanged
        let x = arange(shape)
        let result = try evaluate("x.T", x: x)
        #expect(result.output.value == x.value && result.output.gradFn?.name == "PermuteBackward0")
        #expect(result.warnings.count == 1)
        try result.output.backward(gradient: Variable(Tensor.ones(shape)))
        #expect(x.grad?.value == Tensor.ones(shape))
    }

    @Test func aProgramWarnsAboutTransposeOnce() throws {
        #expect(try evaluate("x.T + x.T", x: arange([3])).warnings.count == 1)
    }

    @Test(arguments: ["x.permute(1, 0)", "x.permute([1, 0])", "x.permute((1, 0))", "permute(x, [1, 0])",
                      "torch.permute(x, (1, 0))", "permute(x, dims=[-1, 0])"])
    func permuteTakesItsDimsInEveryForm(source: String) throws {
        let out = try evaluate(source, x: arange([2, 3])).output
        #expect(out.value == Tensor(shape: [3, 2], data: [0, 3, 1, 4, 2, 5]))
        #expect(out.gradFn?.name == "PermuteBackward0")
    }

    @Test func permuteRejectsWrongCountsRepeatsAndOutOfRangeDims() throws {
        let x = arange([2, 3])
        // torch: "permute(sparse_coo): number of dimensions ... i.e. input.dim() = 2 is not equal to len(dims) = 3"
        #expect(failure("x.permute(0, 1, 2)", x: x)?.contains("input.dim() = 2 is not equal to len(dims) = 3") == true)
        #expect(failure("x.permute([1])", x: x)?.contains("input.dim() = 2 is not equal to len(dims) = 1") == true)
        #expect(failure("x.permute(0, 0)", x: x)?.contains("permute(): duplicate dims are not allowed.") == true)
        // torch: "Dimension out of range (expected to be in range of [-2, 1], but got 2)"
        #expect(failure("x.permute(0, 2)", x: x)?.contains("Dimension out of range") == true)
        // a 0-D tensor takes only an empty ordering
        #expect(failure("x.permute(0)", x: arange([]))?.contains("input.dim() = 0 is not equal to len(dims) = 1") == true)
        #expect(try evaluate("permute(x, [])", x: arange([])).output.value == Tensor(0))
    }
}
