import Testing
@testable import Autograd

// Factories and detach: shapes, values, errors, seeding, and that outputs never require grad.

extension OpsATests {
    @Test func factoryShapesAndValues() throws {
        #expect(try Variable.ones([2, 3]).value == Tensor.ones([2, 3]))
        #expect(try Variable.zeros([]).value == Tensor(0))
        #expect(try Variable.full([2], 1.5).value == Tensor([1.5, 1.5]))
        #expect(try Variable.eye(2).value == Tensor(shape: [2, 2], data: [1, 0, 0, 1]))
        #expect(try Variable.eye(2, 3).value == Tensor(shape: [2, 3], data: [1, 0, 0, 0, 1, 0]))
        #expect(try Variable.arange(5).value == Tensor([0, 1, 2, 3, 4]))
        // torch.arange(0, 1, 0.1), torch.arange(5, 1, -1.5), torch.arange(1, 2.5, 0.5)
        #expect(try Variable.arange(0, 1, step: 0.1).value == Tensor([0.0, 0.1, 0.2, 0.30000000000000004, 0.4, 0.5,
                                                                      0.6000000000000001, 0.7000000000000001, 0.8, 0.9]))
        #expect(try Variable.arange(5, 1, step: -1.5).value == Tensor([5, 3.5, 2]))
        #expect(try Variable.arange(1, 2.5, step: 0.5).value == Tensor([1, 1.5, 2]))
        // torch.linspace(0, 1, 7), torch.linspace(-1, 2, 4)
        #expect(try Variable.linspace(0, 1, steps: 7).value == Tensor([0.0, 0.16666666666666666, 0.3333333333333333, 0.5,
                                                                       0.6666666666666667, 0.8333333333333334, 1.0]))
        #expect(try Variable.linspace(-1, 2, steps: 4).value == Tensor([-1, 0, 1, 2]))
        #expect(try Variable.linspace(3, 4, steps: 1).value == Tensor([3]))
        let x = Variable(Tensor(shape: [2, 1], data: [5, 6]), requiresGrad: true)
        #expect(try Variable.onesLike(x).value == Tensor.ones([2, 1]))
        #expect(try Variable.zerosLike(x).value == Tensor.zeros([2, 1]))
        // Trailing positional sizes reach the registry as one `size` list.
        let ones = try apply(#require(Registry.lookup("ones")), [], Attrs(["size": .ints([2, 3])]))
        #expect(ones.shape == [2, 3])
    }

    @Test func factoryOutputsNeverRequireGrad() throws {
        let x = Variable([1, 2], requiresGrad: true)
        let made = [try Variable.ones([2]), try Variable.rand([2]), try Variable.onesLike(x), try Variable.zerosLike(x),
                    try apply(#require(Registry.lookup("tensor")), [x])]
        for v in made { #expect(!v.requiresGrad && v.isLeaf) }
        for name in ["tensor", "ones", "zeros", "full", "eye", "arange", "linspace", "rand", "randn", "ones_like", "zeros_like", "detach"] {
            #expect(Registry.lookup(name)?.isDifferentiable == false)
        }
    }

    @Test func factoryErrors() throws {
        #expect(throws: OpError.value("Trying to create tensor with negative dimension -1: [-1, 2]")) { try Variable.ones([-1, 2]) }
        #expect(throws: OpError.value("step must be nonzero")) { try Variable.arange(0, 1, step: 0) }
        #expect(throws: OpError.value("upper bound and larger bound inconsistent with step sign")) { try Variable.arange(0, 1, step: -1) }
        #expect(throws: OpError.value("number of steps must be non-negative")) { try Variable.linspace(0, 1, steps: -1) }
    }

    @Test func seedingMakesRandomFactoriesReproducible() throws {
        manualSeed(7)
        let a = try Variable.rand([3, 2]), b = try Variable.randn([1000])
        manualSeed(7)
        #expect(try Variable.rand([3, 2]).value == a.value)
        #expect(try Variable.randn([1000]).value == b.value)
        manualSeed(8)
        #expect(try Variable.rand([3, 2]).value != a.value)
        #expect(a.shape == [3, 2] && a.value.data.allSatisfy { $0 >= 0 && $0 < 1 })
        // randn looks standard normal: mean near 0, variance near 1 over 1000 draws.
        let mean = b.value.data.reduce(0, +) / 1000
        let variance = b.value.data.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / 999
        #expect(Swift.abs(mean) < 0.15 && Swift.abs(variance - 1) < 0.15)
    }

    @Test func detachStopsGradientsLikeDetached() throws {
        // Worked example 13: y = detach(3*x + 2); mean((x - y)^2) gives grad x = -0.4*(x + 1) for 10 inputs.
        let x = Variable(Tensor(shape: [10, 1], data: (0..<10).map(Double.init)), requiresGrad: true)
        let y = try apply(#require(Registry.lookup("detach")), [3 * x + 2])
        #expect(!y.requiresGrad && y.gradFn == nil)
        #expect(y.value == (try 3 * x + 2).detached().value)
        let loss = try ((x - y) * (x - y)).mean()
        #expect(approxEqual(try gradientValues(loss, [x])[0], (0..<10).map { -0.4 * (Double($0) + 1) }))
    }
}
