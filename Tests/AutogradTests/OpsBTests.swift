import Testing
@testable import Autograd

// Values and gradients of the reduction, linear-algebra, shape and indexing ops. Expected
// numbers come from PyTorch 2.13 (float64); the expression is in the comment beside each.

/// Runs `f` on leaves holding `inputs`, backpropagates `gradOutput` (or 1 / ones), and
/// returns the output and the leaves' gradients.
private func run(_ inputs: [Tensor], gradOutput: Tensor? = nil,
                 _ f: ([Variable]) throws -> Variable) throws -> (Variable, [Tensor?]) {
    let leaves = inputs.map { Variable($0, requiresGrad: true) }
    let out = try f(leaves)
    try out.backward(gradient: Variable(gradOutput ?? Tensor.ones(out.shape)))
    return (out, leaves.map { $0.grad?.value })
}

private func m(_ rows: [[Double]]) -> Tensor { Tensor(shape: [rows.count, rows.first?.count ?? 0], data: rows.flatMap { $0 }) }

private func close(_ a: Tensor?, _ b: Tensor, tolerance: Double = 1e-12) -> Bool {
    guard let a, a.shape == b.shape else { return false }
    return zip(a.data, b.data).allSatisfy { Swift.abs($0 - $1) <= tolerance * Swift.max(1, Swift.abs($1)) }
}

private func message(_ body: () throws -> Variable) -> String? {
    do { _ = try body(); return nil } catch let error as OpError { return error.message } catch { return "\(error)" }
}

@Suite struct OpsBTests {
    // MARK: reductions

    @Test func prodWithZerosIsExact() throws {
        // torch.tensor([2., 0, 3]).prod() -> grad [0, 6, 0]; [2, 0, 0] -> [0, 0, 0]
        var (out, grads) = try run([Tensor([2, 0, 3])]) { try $0[0].prod() }
        #expect(out.value == Tensor(0) && out.gradFn?.name == "ProdBackward0")
        #expect(grads[0] == Tensor([0, 6, 0]))
        (_, grads) = try run([Tensor([2, 0, 0])]) { try $0[0].prod() }
        #expect(grads[0] == Tensor([0, 0, 0]))
        // x = [[1,2,3],[4,5,-6]]; x.prod(1) -> [6, -120], grad [[6,3,2],[-30,-24,20]]
        (out, grads) = try run([m([[1, 2, 3], [4, 5, -6]])]) { try $0[0].prod(dim: [1]) }
        #expect(out.value == Tensor([6, -120]) && out.gradFn?.name == "ProdBackward1")
        #expect(grads[0] == m([[6, 3, 2], [-30, -24, 20]]))
    }

    @Test func prodHessian() throws {
        // x = [2, .5, 3]: Hessian of x.prod() is [[0, 3, .5], [3, 0, 2], [.5, 2, 0]]
        let x = Variable([2, 0.5, 3], requiresGrad: true)
        let g = try grad(outputs: [x.prod()], inputs: [x], createGraph: true)[0]!
        let rows = try (0..<3).map { i in try grad(outputs: [g.select(dim: 0, index: i)], inputs: [x], retainGraph: true)[0]!.value }
        #expect(rows == [Tensor([0, 3, 0.5]), Tensor([3, 0, 2]), Tensor([0.5, 2, 0])])
    }

    @Test func extremaSplitTiesEvenly() throws {
        // torch.tensor([1., 3, 3]).max() -> 3, grad [0, .5, .5] (MaxBackward1)
        var (out, grads) = try run([Tensor([1, 3, 3])]) { try $0[0].max() }
        #expect(out.value == Tensor(3) && out.gradFn?.name == "MaxBackward1" && grads[0] == Tensor([0, 0.5, 0.5]))
        // x.amax(1) for [[1,5,5],[3,2,1]] -> [5, 3], grad [[0,.5,.5],[1,0,0]]
        (out, grads) = try run([m([[1, 5, 5], [3, 2, 1]])]) { try $0[0].amax(dim: [1]) }
        #expect(out.value == Tensor([5, 3]) && out.gradFn?.name == "AmaxBackward0")
        #expect(grads[0] == m([[0, 0.5, 0.5], [1, 0, 0]]))
        // [[1,5,1],[3,2,1]].amin() -> 1, a third to each of the three ones
        (out, grads) = try run([m([[1, 5, 1], [3, 2, 1]])]) { try $0[0].amin() }
        #expect(out.value == Tensor(1) && out.gradFn?.name == "AminBackward0")
        #expect(close(grads[0], m([[1.0 / 3, 0, 1.0 / 3], [0, 0, 1.0 / 3]])))
        // max over dim returns values only; the tie in column 1 goes to index 0, as PyTorch returns
        (out, grads) = try run([m([[1, 5], [3, 5]])]) { try $0[0].max(dim: [0]) }
        #expect(out.value == Tensor([3, 5]) && out.gradFn?.name == "MaxBackward0")
        #expect(grads[0] == m([[0, 1], [1, 0]]))
        (out, grads) = try run([Tensor([4, -1, 2])]) { try $0[0].min() }
        #expect(out.value == Tensor(-1) && out.gradFn?.name == "MinBackward1" && grads[0] == Tensor([0, 1, 0]))
        #expect(message { try Variable(Tensor.zeros([0])).max() }?.hasPrefix("max(): Expected reduction dim to be specified") == true)
    }

    @Test func norms() throws {
        // Worked example 9: z = 4*x*x; z.norm() with x = ones(2)
        var (out, grads) = try run([Tensor.ones([2])]) { x in try (4 * x[0] * x[0]).norm() }
        #expect(close(out.value, Tensor(5.656854249492381)) && out.gradFn?.name == "LinalgVectorNormBackward0")
        #expect(close(grads[0], Tensor([5.65685424949238, 5.65685424949238])))
        // norm at 0 has gradient 0
        (out, grads) = try run([Tensor([0, 0])]) { try $0[0].norm() }
        #expect(out.value == Tensor(0) && grads[0] == Tensor([0, 0]))
        // torch.tensor([1., -2, 3]).norm(p=1) -> 6, grad [1, -1, 1]
        (out, grads) = try run([Tensor([1, -2, 3])]) { try $0[0].norm(p: 1) }
        #expect(out.value == Tensor(6) && grads[0] == Tensor([1, -1, 1]))
        // torch.tensor([[1., -2], [3, .5]]).norm(p=3, dim=1)
        (out, grads) = try run([m([[1, -2], [3, 0.5]])]) { try $0[0].norm(p: 3, dim: [1]) }
        #expect(close(out.value, Tensor([2.080083823051904, 3.004622503458683])))
        #expect(close(grads[0], m([[0.2311204247835449, -0.9244816991341795], [0.9969254389356002, 0.02769237330376667]])))
        // torch.tensor([1., -3, 2]).norm(p=inf) -> 3, grad [0, -1, 0]
        (out, grads) = try run([Tensor([1, -3, 2])]) { try $0[0].norm(p: .infinity) }
        #expect(out.value == Tensor(3) && grads[0] == Tensor([0, -1, 0]))
    }

    @Test func varianceAndStandardDeviation() throws {
        // torch.tensor([1., 2, 3, 5]).var() / .var(unbiased=False) / .std()
        var (out, grads) = try run([Tensor([1, 2, 3, 5])]) { try $0[0].variance() }
        #expect(close(out.value, Tensor(2.9166666666666665)) && out.gradFn?.name == "VarBackward0")
        #expect(close(grads[0], Tensor([-1.1666666666666665, -0.5, 0.16666666666666666, 1.5])))
        (out, grads) = try run([Tensor([1, 2, 3, 5])]) { try apply(Ops.var_, [$0[0]], Attrs(["unbiased": .bool(false)])) }
        #expect(close(out.value, Tensor(2.1875)) && close(grads[0], Tensor([-0.875, -0.375, 0.125, 1.125])))
        (out, grads) = try run([Tensor([1, 2, 3, 5])]) { try $0[0].std() }
        #expect(close(out.value, Tensor(1.707825127659933)) && out.gradFn?.name == "StdBackward0")
        #expect(close(grads[0], Tensor([-0.3415650255319866, -0.14638501094227996, 0.04879500364742666, 0.43915503282683993])))
        // x.var(dim=1, keepdim=True) for [[1,2,4],[0,1,-1]]
        (out, grads) = try run([m([[1, 2, 4], [0, 1, -1]])]) { try $0[0].variance(dim: [1], keepdim: true) }
        #expect(close(out.value, m([[2.333333333333333], [1.0]])))
        #expect(close(grads[0], m([[-1.3333333333333335, -0.3333333333333335, 1.6666666666666665], [0, 1, -1]])))
        // x.std(dim=0, correction=0) for [[1,2],[3,7]] -> [1, 2.5], grad [[-.5,-.5],[.5,.5]]
        (out, grads) = try run([m([[1, 2], [3, 7]])]) { try $0[0].std(dim: [0], correction: 0) }
        #expect(close(out.value, Tensor([1, 2.5])) && close(grads[0], m([[-0.5, -0.5], [0.5, 0.5]])))
        // a constant input: std 0, gradient 0 (PyTorch masks it)
        (out, grads) = try run([Tensor([2, 2, 2])]) { try $0[0].std() }
        #expect(out.value == Tensor(0) && grads[0] == Tensor([0, 0, 0]))
    }

    // MARK: matmul

    @Test func matmulInEveryRankCombination() throws {
        // torch.tensor([1., 2, 3]) @ torch.tensor([4., -5, 6])
        var (out, grads) = try run([Tensor([1, 2, 3]), Tensor([4, -5, 6])]) { try $0[0].matmul($0[1]) }
        #expect(out.value == Tensor(12) && out.gradFn?.name == "DotBackward0")
        #expect(grads == [Tensor([4, -5, 6]), Tensor([1, 2, 3])])
        // [[1,2,3],[4,5,6]] @ [[1,0],[2,-1],[0,3]]
        (out, grads) = try run([m([[1, 2, 3], [4, 5, 6]]), m([[1, 0], [2, -1], [0, 3]])]) { try $0[0].matmul($0[1]) }
        #expect(out.value == m([[5, 7], [14, 13]]) && out.gradFn?.name == "MmBackward0")
        #expect(grads == [m([[1, 1, 3], [1, 1, 3]]), m([[5, 5], [7, 7], [9, 9]])])
        // [1, -1] @ [[1,2,3],[4,5,6]]
        (out, grads) = try run([Tensor([1, -1]), m([[1, 2, 3], [4, 5, 6]])]) { try $0[0].matmul($0[1]) }
        #expect(out.value == Tensor([-3, -3, -3]) && out.gradFn?.name == "SqueezeBackward4")
        #expect(grads == [Tensor([6, 15]), m([[1, 1, 1], [-1, -1, -1]])])
        // [[1,2,3],[4,5,6]] @ [1, 0, -2]
        (out, grads) = try run([m([[1, 2, 3], [4, 5, 6]]), Tensor([1, 0, -2])]) { try $0[0].matmul($0[1]) }
        #expect(out.value == Tensor([-5, -8]) && out.gradFn?.name == "MvBackward0")
        #expect(grads == [m([[1, 0, -2], [1, 0, -2]]), Tensor([5, 7, 9])])
        // batched with broadcasting: (2,2,2) @ (2,2)
        let batch = Tensor(shape: [2, 2, 2], data: [1, 2, 3, 4, 0, 1, -1, 2])
        (out, grads) = try run([batch, m([[2, 1], [0, 3]])]) { try $0[0].matmul($0[1]) }
        #expect(out.value == Tensor(shape: [2, 2, 2], data: [2, 7, 6, 15, 0, 3, -2, 5]))
        #expect(out.gradFn?.name == "UnsafeViewBackward0")
        #expect(grads == [Tensor(repeating: 3, shape: [2, 2, 2]), m([[3, 3], [9, 9]])])
    }

    @Test(arguments: [([4], [2, 4, 3]), ([2, 3, 4], [4]), ([3, 4], [2, 4, 5]), ([2, 1, 3, 4], [5, 4, 2])])
    func batchedMatmulMatchesLoops(_ shapes: ([Int], [Int])) throws {
        var generator = RandomGenerator(seed: 7)
        let a = Tensor(shape: shapes.0, data: (0..<Tensor.count(of: shapes.0)).map { _ in generator.nextNormal() })
        let b = Tensor(shape: shapes.1, data: (0..<Tensor.count(of: shapes.1)).map { _ in generator.nextNormal() })
        let out = try Variable(a).matmul(Variable(b)).value
        // Reference: promote, broadcast both to full shapes, and loop.
        let (sa, sb) = Ops.promotedShapes(a.shape, b.shape)
        let batch = Tensor.broadcastShape(Array(sa.dropLast(2)), Array(sb.dropLast(2)))!
        let (mm, k, n) = (sa[sa.count - 2], sa[sa.count - 1], sb[sb.count - 1])
        let fa = try a.reshaped(sa).expanded(to: batch + [mm, k]), fb = try b.reshaped(sb).expanded(to: batch + [k, n])
        var expected: [Double] = []
        for t in 0..<Tensor.count(of: batch) {
            for i in 0..<mm {
                for j in 0..<n {
                    expected.append((0..<k).reduce(0) { $0 + fa.data[t * mm * k + i * k + $1] * fb.data[t * k * n + $1 * n + j] })
                }
            }
        }
        #expect(close(Tensor(shape: out.shape, data: out.data), Tensor(shape: out.shape, data: expected)))
        #expect(out.count == expected.count)
    }

    @Test(arguments: [false, true], [false, true])
    func blockedGemmMatchesTheTextbookLoop(_ transposeA: Bool, _ transposeB: Bool) throws {
        // Sizes that cross every block and tile edge (mc = 96, kc = 256, mr = 6, nr = 4).
        let (m, k, n) = (101, 263, 23)
        var generator = RandomGenerator(seed: 3)
        let a = Tensor(shape: transposeA ? [k, m] : [m, k], data: (0..<(m * k)).map { _ in generator.nextNormal() })
        let b = Tensor(shape: transposeB ? [n, k] : [k, n], data: (0..<(k * n)).map { _ in generator.nextNormal() })
        let fast = try Tensor.batchedProduct(a, b, transposeA: transposeA, transposeB: transposeB)
        var expected = [Double](repeating: 0, count: m * n)
        for i in 0..<m {
            for j in 0..<n {
                for p in 0..<k {
                    let x = transposeA ? a.data[p * m + i] : a.data[i * k + p]
                    let y = transposeB ? b.data[j * k + p] : b.data[p * n + j]
                    expected[i * n + j] += x * y
                }
            }
        }
        #expect(fast.shape == [m, n])
        #expect(close(fast, Tensor(shape: [m, n], data: expected), tolerance: 1e-12))
    }

    @Test func matmulShapeErrorsNameBothShapes() {
        let v3 = Variable(Tensor.zeros([3])), v4 = Variable(Tensor.zeros([4]))
        let m23 = Variable(Tensor.zeros([2, 3]))
        #expect(message { try m23.matmul(m23) } == "mat1 and mat2 shapes cannot be multiplied (2x3 and 2x3)")
        #expect(message { try v3.matmul(Variable(Tensor.zeros([4, 5]))) } == "mat1 and mat2 shapes cannot be multiplied (1x3 and 4x5)")
        #expect(message { try m23.matmul(v4) } == "size mismatch, got input (2), mat (2x3), vec (4)")
        #expect(message { try v3.matmul(v4) } == "inconsistent tensor size, expected tensor [3] and src [4] to have the same number of elements, but got 3 and 4 elements respectively")
        #expect(message { try Variable(2).matmul(v3) } == "both arguments to matmul need to be at least 1D, but they are 0D and 1D")
        #expect(message { try Variable(Tensor.zeros([2, 2, 3])).matmul(Variable(Tensor.zeros([3, 3, 4]))) }
                == "The size of tensor a (2) must match the size of tensor b (3) at non-singleton dimension 0")
        #expect(message { try v3.mm(m23) } == "self must be a matrix")
        #expect(message { try m23.dot(v3) } == "1D tensors expected, but got 2D and 1D tensors")
    }

    @Test func matmulSecondDerivative() throws {
        // y = x @ M @ x with M = [[1,2],[3,4]]: Hessian M + M^T = [[2,5],[5,8]]
        let x = Variable([1, 2], requiresGrad: true)
        let mat = Variable(m([[1, 2], [3, 4]]))
        let g = try grad(outputs: [x.matmul(mat).matmul(x)], inputs: [x], createGraph: true)[0]!
        let rows = try (0..<2).map { i in try grad(outputs: [g.select(dim: 0, index: i)], inputs: [x], retainGraph: true)[0]!.value }
        #expect(rows == [Tensor([2, 5]), Tensor([5, 8])])
    }

    // MARK: matrix functions

    @Test func matrixFunctions() throws {
        // torch.outer([1,2], [3,-1,.5])
        var (out, grads) = try run([Tensor([1, 2]), Tensor([3, -1, 0.5])]) { try $0[0].outer($0[1]) }
        #expect(out.value == m([[3, -1, 0.5], [6, -2, 1]]) && grads == [Tensor([2.5, 2.5]), Tensor([3, 3, 3])])
        // [[1,2,3],[4,5,6]].trace() -> 6
        (out, grads) = try run([m([[1, 2, 3], [4, 5, 6]])]) { try $0[0].trace() }
        #expect(out.value == Tensor(6) && grads[0] == m([[1, 0, 0], [0, 1, 0]]))
        // torch.diag([1., 2], 1) and torch.diag(3x3, -1)
        (out, grads) = try run([Tensor([1, 2])]) { try $0[0].diag(1) }
        #expect(out.value == m([[0, 1, 0], [0, 0, 2], [0, 0, 0]]) && out.gradFn?.name == "DiagEmbedBackward0")
        #expect(grads[0] == Tensor([1, 1]))
        (out, grads) = try run([m([[1, 2, 3], [4, 5, 6], [7, 8, 9]])]) { try $0[0].diag(-1) }
        #expect(out.value == Tensor([4, 8]) && grads[0] == m([[0, 0, 0], [1, 0, 0], [0, 1, 0]]))
        (out, grads) = try run([m([[1, 2, 3], [4, 5, 6]])]) { try $0[0].diag(1) }
        #expect(out.value == Tensor([2, 6]) && grads[0] == m([[0, 1, 0], [0, 0, 1]]))
        // t and transpose carry the gradient back transposed
        (out, grads) = try run([m([[1, 2, 3], [4, 5, 6]])], gradOutput: m([[1, 2], [3, 4], [5, 6]])) { try $0[0].t() }
        #expect(out.value == m([[1, 4], [2, 5], [3, 6]]) && grads[0] == m([[1, 3, 5], [2, 4, 6]]))
        (out, grads) = try run([Tensor(shape: [1, 2, 2], data: [1, 2, 3, 4])],
                               gradOutput: Tensor(shape: [2, 2, 1], data: [1, 2, 3, 4])) { try $0[0].transpose(0, 2) }
        #expect(out.value == Tensor(shape: [2, 2, 1], data: [1, 3, 2, 4]) && grads[0] == Tensor(shape: [1, 2, 2], data: [1, 3, 2, 4]))
    }

    @Test func determinantAndInverse() throws {
        // torch.det([[2,1,0],[1,3,1],[0,1,4]]) -> 18, grad = cofactors
        var (out, grads) = try run([m([[2, 1, 0], [1, 3, 1], [0, 1, 4]])]) { try $0[0].det() }
        #expect(close(out.value, Tensor(18)) && out.gradFn?.name == "LinalgDetBackward0")
        #expect(close(grads[0], m([[11, -4, 1], [-4, 8, -2], [1, -2, 5]])))
        // A singular matrix: PyTorch's first-order gradient is 0 there
        // (x = torch.tensor([[1., 2.], [2., 4.]], requires_grad=True); torch.det(x).backward() -> zeros)
        (out, grads) = try run([m([[1, 2], [2, 4]])]) { try $0[0].det() }
        #expect(out.value == Tensor(0) && grads[0] == m([[0, 0], [0, 0]]))
        // torch.inverse([[2,1],[1,3]]) with grad_output [[1,2],[3,4]]
        (out, grads) = try run([m([[2, 1], [1, 3]])], gradOutput: m([[1, 2], [3, 4]])) { try $0[0].inverse() }
        #expect(close(out.value, m([[0.6, -0.2], [-0.2, 0.4]])) && out.gradFn?.name == "LinalgInvExBackward0")
        #expect(close(grads[0], m([[0.08, -0.16], [-0.36, -0.28]])))
        #expect(message { try Variable(m([[1, 2], [2, 4]])).inverse() }
                == "linalg.inv: The diagonal element 2 is zero, the inversion could not be completed because the input matrix is singular.")
        #expect(message { try Variable(Tensor.zeros([2, 3])).det() } == "linalg.det: A must be batches of square matrices, but they are 2 by 3 matrices")
    }

    // MARK: shapes and indexing

    @Test func selectAndSliceWithNegativeIndices() throws {
        // x[1, -1] of [[1,2,3],[4,5,6]] -> 6
        let x = m([[1, 2, 3], [4, 5, 6]])
        var (out, grads) = try run([x]) { try $0[0].select(dim: 0, index: 1).select(dim: 0, index: -1) }
        #expect(out.value == Tensor(6) && out.gradFn?.name == "SelectBackward0" && grads[0] == m([[0, 0, 0], [0, 0, 1]]))
        // x[:, -2] with grad_output [10, 20]
        (out, grads) = try run([x], gradOutput: Tensor([10, 20])) { try $0[0].select(dim: 1, index: -2) }
        #expect(out.value == Tensor([2, 5]) && grads[0] == m([[0, 10, 0], [0, 20, 0]]))
        // torch.tensor([1., 2, 3, 4, 5])[-3:10:2] -> [3, 5]
        (out, grads) = try run([Tensor([1, 2, 3, 4, 5])], gradOutput: Tensor([1, 2])) { try $0[0].slice(start: -3, end: 10, step: 2) }
        #expect(out.value == Tensor([3, 5]) && out.gradFn?.name == "SliceBackward0" && grads[0] == Tensor([0, 0, 1, 0, 2]))
        // [3:1] is empty
        (out, grads) = try run([Tensor([1, 2, 3, 4, 5])], gradOutput: Tensor(shape: [0], data: [])) { try $0[0].slice(start: 3, end: 1) }
        #expect(out.shape == [0] && grads[0] == Tensor.zeros([5]))
        #expect(message { try Variable([1, 2, 3]).select(dim: 0, index: 5) } == "index 5 is out of bounds for dimension 0 with size 3")
        #expect(message { try Variable(x).select(dim: 1, index: -4) } == "index -4 is out of bounds for dimension 1 with size 3")
        #expect(message { try Variable(x).slice(step: 0) } == "step must be greater than zero")
    }

    @Test func joiningAndReshaping() throws {
        // torch.cat([[[1],[2]], [[3,4],[5,6]]], 1) with grad_output [[1,2,3],[4,5,6]]
        var (out, grads) = try run([m([[1], [2]]), m([[3, 4], [5, 6]])], gradOutput: m([[1, 2, 3], [4, 5, 6]])) {
            try Variable.cat($0, dim: 1)
        }
        #expect(out.value == m([[1, 3, 4], [2, 5, 6]]) && out.gradFn?.name == "CatBackward0")
        #expect(grads == [m([[1], [4]]), m([[2, 3], [5, 6]])])
        // torch.stack([[1,2],[3,4]], 1) with grad_output [[1,2],[3,4]]
        (out, grads) = try run([Tensor([1, 2]), Tensor([3, 4])], gradOutput: m([[1, 2], [3, 4]])) { try Variable.stack($0, dim: 1) }
        #expect(out.value == m([[1, 3], [2, 4]]) && grads == [Tensor([1, 3]), Tensor([2, 4])])
        #expect(message { try Variable.cat([Variable(Tensor.zeros([2, 3])), Variable(Tensor.zeros([2, 4]))]) }
                == "Sizes of tensors must match except in dimension 0. Expected size 3 but got size 4 for tensor number 1 in the list.")
        #expect(message { try Variable.stack([Variable(Tensor.zeros([2, 3])), Variable(Tensor.zeros([2, 4]))]) }
                == "stack expects each tensor to be equal size, but got [2, 3] at entry 0 and [2, 4] at entry 1")
        let v = Variable(Tensor.zeros([2, 1, 3, 1]))
        #expect(try v.flatten().shape == [6] && v.flatten(startDim: 1, endDim: 2).shape == [2, 3, 1])
        #expect(try v.squeeze().shape == [2, 3] && v.squeeze(dim: 1).shape == [2, 3, 1] && v.squeeze(dim: 0).shape == [2, 1, 3, 1])
        #expect(try v.unsqueeze(-1).shape == [2, 1, 3, 1, 1] && v.permute([3, 2, 0, 1]).shape == [1, 3, 2, 1])
        let p = try Variable(Tensor(shape: [2, 3], data: [1, 2, 3, 4, 5, 6])).permute([1, 0])
        #expect(p.value == m([[1, 4], [2, 5], [3, 6]]))
    }

    /// Central differences on every sample of this family's entries: a local check of the
    /// VJPs (the registry-wide gradcheck lives elsewhere).
    @Test(arguments: ["prod", "max", "min", "amax", "amin", "norm", "var", "std", "matmul", "mm", "dot", "mv", "outer",
                      "t", "transpose", "trace", "diag", "det", "inverse", "flatten", "squeeze", "unsqueeze", "permute",
                      "cat", "stack", "select", "slice"])
    func vjpMatchesCentralDifferences(_ name: String) throws {
        let spec = try #require(Registry.lookup(name))
        #expect(!spec.samples.isEmpty)
        var generator = RandomGenerator(seed: 11)
        for sample in spec.samples {
            let inputs = sample.shapes.map { shape in
                Variable(Tensor(shape: shape, data: (0..<Tensor.count(of: shape)).map { _ in
                    sample.range.lowerBound + (sample.range.upperBound - sample.range.lowerBound) * generator.nextUniform()
                }), requiresGrad: true)
            }
            let out = try apply(spec, inputs, sample.attrs)
            let weights = Tensor(shape: out.shape, data: (0..<out.value.count).map { Double($0 % 5) - 1.5 })
            let analytic = try grad(outputs: [out], inputs: inputs, gradOutputs: [Variable(weights)])
            for (i, input) in inputs.enumerated() {
                for e in 0..<input.value.count {
                    func f(_ delta: Double) throws -> Double {
                        var values = inputs.map(\.value)
                        values[i].data[e] += delta
                        let y = try apply(spec, values.map { Variable($0) }, sample.attrs).value
                        return zip(y.data, weights.data).reduce(0) { $0 + $1.0 * $1.1 }
                    }
                    let numeric = (try f(1e-6) - f(-1e-6)) / 2e-6
                    let a = analytic[i]?.value.data[e] ?? 0
                    #expect(Swift.abs(a - numeric) <= 1e-5 + 1e-3 * Swift.abs(numeric), "\(spec.name) input \(i)[\(e)]: \(a) vs \(numeric)")
                }
            }
        }
    }
}
