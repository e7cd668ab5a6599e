import Testing
@testable import Autograd

// Where the gradient of max/min/amax/amin goes when the extremum is tied or NaN. Expected
// numbers come from PyTorch 2.13 (CPU, float64); the expression is beside each case.
// `max`/`min` with `dim` give everything to the index they return (the first occurrence);
// `max`/`min` without `dim`, and `amax`/`amin`, split ties evenly.

/// A leaf holding `rows`.
private func leaf(_ rows: [[Double]]) -> Variable {
    Variable(Tensor(shape: [rows.count, rows[0].count], data: rows.flatMap { $0 }), requiresGrad: true)
}

private func m(_ rows: [[Double]]) -> Tensor { Tensor(shape: [rows.count, rows[0].count], data: rows.flatMap { $0 }) }

/// The gradient of `f(x).sum()` with respect to `x`, and `f(x)` itself.
private func sumGradient(_ x: Variable, _ f: (Variable) throws -> Variable) throws -> (Variable, Tensor?) {
    let out = try f(x)
    try out.sum().backward()
    return (out, x.grad?.value)
}

private let tied = [[1.0, 3, 3], [2, 2, 0]]

/// One reduction of `tied` with its expected output and gradient.
struct ExtremumCase: CustomTestStringConvertible, Sendable {
    let op: String
    var dim: Int? = nil
    var keepdim = false
    let gradFn: String
    let shape: [Int]
    let value: [Double]
    let grad: [[Double]]
    var testDescription: String { "\(op)(x, dim=\(dim.map(String.init) ?? "None"), keepdim=\(keepdim))" }
}

@Suite struct ExtremumTieTests {
    @Test(arguments: [
        // x.max(dim=1).values -> [3, 2]: the first 3 and the first 2 take the gradient
        ExtremumCase(op: "max", dim: 1, gradFn: "MaxBackward0", shape: [2], value: [3, 2], grad: [[0, 1, 0], [1, 0, 0]]),
        // torch.min(x, 1).values -> [1, 0]
        ExtremumCase(op: "min", dim: 1, gradFn: "MinBackward0", shape: [2], value: [1, 0], grad: [[1, 0, 0], [0, 0, 1]]),
        // x.max(dim=1, keepdim=True).values -> [[3], [2]]
        ExtremumCase(op: "max", dim: 1, keepdim: true, gradFn: "MaxBackward0", shape: [2, 1], value: [3, 2],
                     grad: [[0, 1, 0], [1, 0, 0]]),
        // x.min(dim=1, keepdim=True).values -> [[1], [0]]
        ExtremumCase(op: "min", dim: 1, keepdim: true, gradFn: "MinBackward0", shape: [2, 1], value: [1, 0],
                     grad: [[1, 0, 0], [0, 0, 1]]),
        // x.max(dim=-1).values: a negative dim picks the same elements
        ExtremumCase(op: "max", dim: -1, gradFn: "MaxBackward0", shape: [2], value: [3, 2], grad: [[0, 1, 0], [1, 0, 0]]),
        // x.max(dim=0).values -> [2, 3, 3]; no ties along dim 0
        ExtremumCase(op: "max", dim: 0, gradFn: "MaxBackward0", shape: [3], value: [2, 3, 3], grad: [[0, 1, 1], [1, 0, 0]]),
        // x.min(dim=0).values -> [1, 2, 0]
        ExtremumCase(op: "min", dim: 0, gradFn: "MinBackward0", shape: [3], value: [1, 2, 0], grad: [[1, 0, 0], [0, 1, 1]]),
        // x.max() -> 3 (MaxBackward1): split between the two 3s
        ExtremumCase(op: "max", gradFn: "MaxBackward1", shape: [], value: [3], grad: [[0, 0.5, 0.5], [0, 0, 0]]),
        // x.min() -> 0: no tie
        ExtremumCase(op: "min", gradFn: "MinBackward1", shape: [], value: [0], grad: [[0, 0, 0], [0, 0, 1]]),
        // x.amax(1) -> [3, 2]: split within each row
        ExtremumCase(op: "amax", dim: 1, gradFn: "AmaxBackward0", shape: [2], value: [3, 2],
                     grad: [[0, 0.5, 0.5], [0.5, 0.5, 0]]),
        // x.amax() -> 3
        ExtremumCase(op: "amax", gradFn: "AmaxBackward0", shape: [], value: [3], grad: [[0, 0.5, 0.5], [0, 0, 0]]),
        // x.amin(1, keepdim=True) -> [[1], [0]]
        ExtremumCase(op: "amin", dim: 1, keepdim: true, gradFn: "AminBackward0", shape: [2, 1], value: [1, 0],
                     grad: [[1, 0, 0], [0, 0, 1]]),
        // x.amin(0) -> [1, 2, 0]
        ExtremumCase(op: "amin", dim: 0, gradFn: "AminBackward0", shape: [3], value: [1, 2, 0],
                     grad: [[1, 0, 0], [0, 1, 1]]),
    ])
    func tiesOnATwoByThreeMatrix(_ c: ExtremumCase) throws {
        guard let spec = Registry.lookup(c.op) else { Issue.record("\(c.op) is not in the registry"); return }
        let attrs = Attrs(["dim": c.dim.map(AttrValue.int) ?? .none, "keepdim": .bool(c.keepdim)])
        let (out, grad) = try sumGradient(leaf(tied)) { try apply(spec, [$0], attrs) }
        #expect(out.gradFn?.name == c.gradFn)
        #expect(out.value == Tensor(shape: c.shape, data: c.value))
        #expect(grad == m(c.grad))
    }

    @Test func maxOverTheMiddleAndLastDimOfAThreeDimensionalTensor() throws {
        // x = [[[1,1],[1,0]], [[2,2],[2,2]]]
        let data: [Double] = [1, 1, 1, 0, 2, 2, 2, 2]
        // x.max(dim=1).values.sum().backward() -> [[[1,1],[0,0]], [[1,1],[0,0]]]
        var x = Variable(Tensor(shape: [2, 2, 2], data: data), requiresGrad: true)
        _ = try sumGradient(x) { try $0.max(dim: [1]) }
        #expect(x.grad?.value == Tensor(shape: [2, 2, 2], data: [1, 1, 0, 0, 1, 1, 0, 0]))
        // x.max(dim=-1) -> [[[1,0],[1,0]], [[1,0],[1,0]]]
        x = Variable(Tensor(shape: [2, 2, 2], data: data), requiresGrad: true)
        _ = try sumGradient(x) { try $0.max(dim: [-1]) }
        #expect(x.grad?.value == Tensor(shape: [2, 2, 2], data: [1, 0, 1, 0, 1, 0, 1, 0]))
    }

    @Test func aNaNIsTheExtremumAndItsFirstOccurrenceTakesTheGradient() throws {
        let nan = Double.nan
        let rows = [[1, nan, nan], [2, nan, 2]]
        // x.max(dim=1) and x.min(dim=1) -> [nan, nan]; grad [[0,1,0],[0,1,0]]
        for reduce in [{ (v: Variable) in try v.max(dim: [1]) }, { (v: Variable) in try v.min(dim: [1]) }] {
            let (out, grad) = try sumGradient(leaf(rows), reduce)
            #expect(out.value.data.filter { !$0.isNaN }.isEmpty)
            #expect(grad == m([[0, 1, 0], [0, 1, 0]]))
        }
        // torch.tensor([[nan, 3, 3]]).min(dim=1): the NaN comes first and wins
        #expect(try sumGradient(leaf([[nan, 3, 3]])) { try $0.min(dim: [1]) }.1 == m([[1, 0, 0]]))
        // x.max() -> nan: a third to each NaN (evenly_distribute_backward)
        let third = 1.0 / 3
        #expect(try sumGradient(leaf(rows)) { try $0.max() }.1 == m([[0, third, third], [0, third, 0]]))
        // x.amax(1) -> [nan, nan]: every gradient is NaN
        let amaxGrad = try sumGradient(leaf(rows)) { try $0.amax(dim: [1]) }.1
        #expect(amaxGrad?.count == 6 && amaxGrad?.data.filter { !$0.isNaN }.isEmpty == true)
    }

    @Test func aZeroDimensionalInputTakesTheWholeGradient() throws {
        // torch.tensor(2.).max(dim=0).values.backward() -> grad 1 (MaxBackward0)
        let s = Variable(2, requiresGrad: true)
        let out = try s.max(dim: [0])
        try out.backward()
        #expect(out.gradFn?.name == "MaxBackward0" && s.grad?.value == Tensor(1))
    }

    @Test func doubleBackwardThroughTheChosenIndex() throws {
        // y = (x*x).max(dim=1).values.sum(); g = dy/dx = [[0,6,0],[4,0,0]];
        // g.sum().backward() -> x.grad [[0,2,0],[2,0,0]]
        let x = leaf(tied)
        let g = try grad(outputs: [(x * x).max(dim: [1]).sum()], inputs: [x], createGraph: true)[0]!
        #expect(g.value == m([[0, 6, 0], [4, 0, 0]]))
        try g.sum().backward()
        #expect(x.grad?.value == m([[0, 2, 0], [2, 0, 0]]))
    }
}
