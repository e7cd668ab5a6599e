import Glibc
import Testing
@testable import Autograd

/// A graph keeps only the values its backward reads (see `GraphMemory.swift`): an intermediate
/// no VJP reads is freed in the forward pass, and one a node saved is freed once that node has
/// run in a backward pass that does not retain the graph. The gradients stay the hand-derived ones.
@Suite struct GraphMemoryTests {
    /// x = [0, 0.001, 0.002, ...]: d/dx sum(x * x) = 2x; d/dx sum(sin(sin(x))) = cos(sin(x)) cos(x).
    /// 2048 elements: a value under `GradFn.standInMinimumElements` stays in its node.
    let values: [Double] = (0..<2048).map { Double($0) / 1000 }
    var twice: [Double] { values.map { (v: Double) -> Double in 2 * v } }
    var ones: [Double] { [Double](repeating: 1, count: values.count) }

    final class WeakReference { weak var variable: Variable? }

    /// sum(sin(sin(x))), and a weak reference to sin(x), which only the graph holds.
    func sumOfNestedSines(_ x: Variable) throws -> (out: Variable, inner: WeakReference) {
        let inner = WeakReference(), s = try x.sin()
        inner.variable = s
        return (try s.sin().sum(), inner)
    }

    @Test func anIntermediateNoVJPReadsIsFreedInTheForwardPass() throws {
        let x = Variable(values, requiresGrad: true)
        weak var square: Variable?
        let out: Variable
        do {
            let p = try x * x
            square = p
            out = try p.sum()  // sum reads p's shape only; mul's VJP reads x, not p
        }
        #expect(square == nil)
        try out.backward()
        #expect(x.grad?.value.data == twice)
    }

    @Test func aSavedValueIsFreedOnceItsNodeHasRun() throws {
        let x = Variable(values, requiresGrad: true)
        let (out, inner) = try sumOfNestedSines(x)
        #expect(inner.variable != nil, "the outer sin saves its input for its VJP")
        try out.backward()
        #expect(inner.variable == nil)
        let expected: [Double] = values.map { (v: Double) -> Double in Glibc.cos(Glibc.sin(v)) * Glibc.cos(v) }
        let grads: [Double] = x.grad!.value.data
        for i in 0..<values.count {
            let error: Double = Swift.abs(grads[i] - expected[i])
            #expect(error <= 1e-15 * Swift.abs(expected[i]))
        }
    }

    @Test func aRetainedGraphKeepsItsValuesForTheNextPass() throws {
        let x = Variable(values, requiresGrad: true)
        let (out, inner) = try sumOfNestedSines(x)
        try out.backward(retainGraph: true)
        #expect(inner.variable != nil)
        let once: [Double] = x.grad!.value.data
        try out.backward()
        let doubled: [Double] = once.map { (g: Double) -> Double in g + g }
        #expect(x.grad!.value.data == doubled)
        #expect(inner.variable == nil)
    }

    @Test func aReleasedGraphRunsAgainOnlyWhereItSavedNothing() throws {
        // sum(x + 1) saves nothing (PyTorch runs it twice); sum(x * x + 1) saves x.
        let x = Variable(values, requiresGrad: true)
        let plain = try (x + 1).sum()
        try plain.backward()
        try plain.backward()
        #expect(x.grad?.value.data == ones.map { (g: Double) -> Double in 2 * g })
        let saving = try (x * x + 1).sum()
        try saving.backward()
        #expect(throws: OpError.self) { try saving.backward() }
    }

    @Test func anEdgeKeepsTheNodeItSawBeforeAnInPlaceUpdate() throws {
        // z = sum(y) with y = 2x, then y *= 3 in place: z's gradient still flows through y = 2x,
        // as PyTorch's edges are fixed when the node is made.
        let x = Variable(values, requiresGrad: true)
        let y = try x * 2
        let z = try y.sum()
        try y.applyInPlace(Ops.mul, [Variable(3)])
        try z.backward()
        #expect(x.grad?.value.data == ones.map { (g: Double) -> Double in 2 * g })
    }
}
