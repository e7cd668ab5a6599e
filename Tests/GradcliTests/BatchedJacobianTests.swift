import Foundation
import Testing

/// Jacobians whose rows run through the backward pass in batches (every op on the way has a
/// batched rule: matmul, elementwise unary and binary ops). Expected values are
/// `torch.autograd.functional.jacobian` of the same functions (PyTorch 2.13, float64).
@Suite struct BatchedJacobianTests {
    /// Every number of a nested JSON array, in order.
    private func flat(_ value: Any?) -> [Double] {
        if let x = value as? Double { return [x] }
        if let items = value as? [Any] { return items.flatMap(flat) }
        return []
    }

    private func expectClose(_ got: [Double], _ expected: [Double], _ label: String) {
        #expect(got.count == expected.count, "\(label): \(got.count) numbers")
        for (g, e) in zip(got, expected) {
            #expect(abs(g - e) <= 1e-12 * max(1, abs(e)), "\(label): \(g) vs \(e)")
        }
    }

    @Test func matrixTimesVectorThroughElementwiseOps() throws {
        let (result, json) = try CLI.json(["jacobian", "tanh(W @ x)*2 + sin(W @ x)/(1 + exp(W @ x))",
                                           "W=[[0.5,-1],[2,0.25],[-0.75,1.5]]", "x=0.3,-0.2", "--json"])
        #expect(result.exitCode == 0, "\(result.stderr)")
        let jacobian = try #require(json["jacobian"] as? [String: Any])
        expectClose(flat(jacobian["x"]), [1.039435663806922, -2.078871327613844, 3.3791999693293686, 0.4223999961661711,
                                          -1.6477255357015632, 3.2954510714031264], "x")
        expectClose(flat(jacobian["W"]), [0.6236613982841531, -0.4157742655227688, 0, 0, 0, 0,
                                          0, 0, 0.5068799953994052, -0.3379199969329369, 0, 0,
                                          0, 0, 0, 0, 0.6590902142806252, -0.4393934761870836], "W")
    }

    @Test func matrixTimesMatrixWithBothOperandsDifferentiated() throws {
        let (result, json) = try CLI.json(["jacobian", "relu(A @ B) - sigmoid(A @ B)/4",
                                           "A=[[0.5,-1,0.25],[2,0.75,-1.5]]", "B=[[1,-0.5],[0.25,2],[-1,0.5]]", "--json"])
        #expect(result.exitCode == 0, "\(result.stderr)")
        let jacobian = try #require(json["jacobian"] as? [String: Any])
        expectClose(flat(jacobian["A"]), [-0.0625, -0.015625, 0.0625, 0, 0, 0,
                                          0.01191346388864692, -0.04765385555458768, -0.01191346388864692, 0, 0, 0,
                                          0, 0, 0, 0.994043349318421, 0.24851083732960524, -0.994043349318421,
                                          0, 0, 0, 0.030766760342199793, -0.12306704136879917, -0.030766760342199793], "A")
        expectClose(flat(jacobian["B"]), [-0.03125, 0, 0.0625, 0, -0.015625, 0,
                                          0, -0.01191346388864692, 0, 0.02382692777729384, 0, -0.00595673194432346,
                                          1.988086698636842, 0, 0.7455325119888158, 0, -1.4910650239776315, 0,
                                          0, -0.12306704136879917, 0, -0.04615014051329969, 0, 0.09230028102659937], "B")
    }
}
