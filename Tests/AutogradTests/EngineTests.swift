import Testing
@testable import Autograd

@Suite struct EngineTests {
    @Test func workedExampleOne() throws {
        let a = Variable([2, 3], requiresGrad: true)
        let out = try (3 * (a + 3).pow(2)).mean()
        #expect(out.value == Tensor(91.5))
        #expect(out.gradFn?.name == "MeanBackward0")
        try out.backward()
        #expect(a.grad?.value == Tensor([15, 18]))
    }

    @Test func gradientsAccumulateOverTwoBackwardCalls() throws {
        let a = Variable([2, 3], requiresGrad: true)
        let out = try (a * a).sum()
        try out.backward(retainGraph: true)
        try out.backward()
        #expect(a.grad?.value == Tensor([8, 12]))
    }

    @Test func secondBackwardWithoutRetainGraphFails() throws {
        let a = Variable([2, 3], requiresGrad: true)
        let out = try (a * a).sum()
        try out.backward()
        #expect(throws: OpError.self) { try out.backward() }
        do { try out.backward() } catch let error as OpError {
            #expect(error.message.hasPrefix("Trying to backward through the graph a second time"))
        }
    }

    @Test func implicitGradientOnlyForScalars() throws {
        let a = Variable([2, 3], requiresGrad: true)
        let out = try a * 2
        do { try out.backward(); Issue.record("expected an error") } catch let error as OpError {
            #expect(error.message == "grad can be implicitly created only for scalar outputs")
        }
        do { try out.backward(gradient: Variable([1, 1, 1])); Issue.record("expected an error") } catch let error as OpError {
            #expect(error.message == "Mismatch in shape: grad_output[0] has a shape of torch.Size([3]) and output[0] has a shape of torch.Size([2]).")
        }
        do { try Variable(3).backward(); Issue.record("expected an error") } catch let error as OpError {
            #expect(error.message == "element 0 of tensors does not require grad and does not have a grad_fn")
        }
    }

    @Test func broadcastGradientIsFoldedBack() throws {
        let x = Variable(Tensor(shape: [1, 2], data: [2, 3]), requiresGrad: true)
        let out = try (x * Variable(Tensor(shape: [3, 1], data: [1, 2, 3]))).sum()
        try out.backward()
        #expect(x.grad?.value == Tensor(shape: [1, 2], data: [6, 6]))
    }

    // The million-node chain (backward and teardown without deep recursion) runs the release
    // binary in scripts/stress.sh, which .ci/run runs: in a debug test build it took about 60 s.
}
