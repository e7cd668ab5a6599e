import Testing
@testable import Autograd

// softmax, log_softmax, logsumexp and the losses against PyTorch 2.13 (float64).

extension OpsATests {
    static let scores = [[0.1, 1.2, -0.5], [2.0, 0.0, 1.0]]
    static let weights = matrixVariable([[1, -2, 0.5], [0.3, 2, -1]])

    @Test func softmaxAlongEachDimension() throws {
        // torch.softmax(x, 1), then (out * w).sum().backward()
        var x = matrixVariable(Self.scores, requiresGrad: true)
        var out = try x.softmax(dim: 1)
        #expect(out.gradFn?.name == "SoftmaxBackward0")
        #expect(approxEqual(out.value, [0.2196364829058076, 0.6598244595647186, 0.12053905752947391,
                                  0.6652409557748218, 0.09003057317038045, 0.2447284710547976]))
        #expect(approxEqual(try gradientValues((out * Self.weights).sum(), [x])[0],
                      [0.4480019582263373, -0.6336011171291241, 0.1855991589027869,
                       0.10982798086055356, 0.16791557528671505, -0.2777435561472686]))
        // Omitting dim means the last dimension.
        #expect(try x.softmax().value == out.value)
        // torch.softmax(x, 0)
        x = matrixVariable(Self.scores, requiresGrad: true)
        out = try x.softmax(dim: 0)
        #expect(approxEqual(out.value, [0.13010847436299786, 0.7685247834990175, 0.18242552380635632,
                                  0.8698915256370021, 0.23147521650098238, 0.8175744761936437]))
        #expect(approxEqual(try gradientValues((out * Self.weights).sum(), [x])[0],
                      [0.0792261814833517, -0.7115777625872228, 0.22371967810549925,
                       -0.07922618148335167, 0.7115777625872228, -0.22371967810549928]))
    }

    @Test func logSoftmaxAndLogsumexp() throws {
        // torch.log_softmax(x, 1), then (out * w).sum().backward()
        var x = matrixVariable(Self.scores, requiresGrad: true)
        let ls = try x.logSoftmax(dim: 1)
        #expect(ls.gradFn?.name == "LogSoftmaxBackward0")
        #expect(approxEqual(ls.value, [-1.5157814496945408, -0.41578144969454095, -2.115781449694541,
                                 -0.4076059644443804, -2.4076059644443806, -1.4076059644443804]))
        #expect(approxEqual(try gradientValues((ls * Self.weights).sum(), [x])[0],
                      [1.1098182414529039, -1.6700877702176407, 0.560269528764737,
                       -0.5648132425072682, 1.8829602548785054, -1.3181470123712369]))
        // torch.logsumexp(x, (0, 1)).backward()
        x = matrixVariable(Self.scores, requiresGrad: true)
        let all = try x.logsumexp()
        #expect(all.gradFn?.name == "LogsumexpBackward0" && all.shape == [])
        #expect(approxEqual(all.value, [2.7812483955474234]))
        #expect(approxEqual(try gradientValues(all, [x])[0], [0.06847761362323297, 0.20571812024784789, 0.03758131116838108,
                                                   0.4578340963441205, 0.06196110710411017, 0.16842775151230732]))
        // torch.logsumexp(x, 1, keepdim=True).backward(torch.tensor([[1.], [3.]]))
        let rows = try x.logsumexp(dim: [1], keepdim: true)
        #expect(rows.shape == [2, 1] && approxEqual(rows.value, [1.6157814496945409, 2.4076059644443806]))
        #expect(approxEqual(try gradientValues(rows, [x], seed: matrixVariable([[1], [3]]))[0],
                      [0.2196364829058076, 0.6598244595647186, 0.12053905752947391,
                       1.995722867324465, 0.2700917195111413, 0.7341854131643928]))
        #expect(try x.logsumexp(dim: [1]).shape == [2])
    }

    @Test func softmaxFamilyIsStableForLargeInputs() throws {
        // torch.softmax / logsumexp / log_softmax of [1000., 1001., 999.]
        let x = Variable([1000, 1001, 999])
        #expect(approxEqual(try x.softmax().value, [0.2447284710547976, 0.6652409557748218, 0.09003057317038045]))
        #expect(approxEqual(try x.logsumexp().value, [1001.4076059644444]))
        #expect(approxEqual(try x.logSoftmax().value, [-1.4076059644443804, -0.4076059644443804, -2.4076059644443806]))
        #expect(try Variable([-.infinity, -.infinity]).logsumexp().value == Tensor(-.infinity))
    }

    @Test func softmaxFamilySecondDerivatives() throws {
        // g = grad(torch.softmax(x, 0)[0], x, create_graph=True); grad(g[1], x), x = [0.1, 1.2, -0.5]
        var x = Variable([0.1, 1.2, -0.5], requiresGrad: true)
        let first = try x.softmax(dim: 0).sum(dim: [0]) // sums to 1: its gradient is 0
        #expect(approxEqual(try gradientValues(first, [x])[0], [0, 0, 0], tol: 1e-15))
        let p0 = try (x.softmax(dim: 0) * Variable([1, 0, 0])).sum()
        var g = try #require(try Autograd.grad(outputs: [p0], inputs: [x], createGraph: true)[0])
        #expect(approxEqual(g.value, [0.17139629828257447, -0.14492152363402006, -0.026474774648554456]))
        #expect(approxEqual(try gradientValues((g * Variable([0, 1, 0])).sum(), [x])[0],
                      [-0.08126141613736597, 0.046324008388205704, 0.034937407749160314]))
        // The Hessian row of logsumexp is the softmax Jacobian row: grad(grad(lse)[0], x).
        x = Variable([0.1, 1.2, -0.5], requiresGrad: true)
        g = try #require(try Autograd.grad(outputs: [x.logsumexp()], inputs: [x], createGraph: true)[0])
        #expect(approxEqual(try gradientValues((g * Variable([1, 0, 0])).sum(), [x])[0],
                      [0.17139629828257447, -0.14492152363402006, -0.026474774648554456]))
    }

    // Regression losses: x = [[0.5, -1.2, 2.0], [0.3, 0.9, -0.4]], t = [[0.0, -0.5, 0.4], [1.3, 0.9, -0.1]];
    // for 'none' the backward seed is [[1, 2, 3], [-1, 0.5, 2]]. Rows: value, grad input (grad target is its negation).
    static let lossInput = [[0.5, -1.2, 2.0], [0.3, 0.9, -0.4]], lossTarget = [[0.0, -0.5, 0.4], [1.3, 0.9, -0.1]]

    struct LossCase: Sendable, CustomTestStringConvertible {
        let op: String, attrs: [String: Double], reduction: String, value: [Double], grad: [Double], gradFn: String
        var testDescription: String { "\(op) \(attrs) \(reduction)" }
    }

    static let regressionCases: [LossCase] = [
        LossCase(op: "mse_loss", attrs: [:], reduction: "mean", value: [0.7316666666666668],
                 grad: [0.16666666666666666, -0.2333333333333333, 0.5333333333333333, -0.3333333333333333, 0.0, -0.1], gradFn: "MseLossBackward0"),
        LossCase(op: "mse_loss", attrs: [:], reduction: "sum", value: [4.390000000000001],
                 grad: [1.0, -1.4, 3.2, -2.0, 0.0, -0.6000000000000001], gradFn: "MseLossBackward0"),
        LossCase(op: "mse_loss", attrs: [:], reduction: "none", value: [0.25, 0.48999999999999994, 2.5600000000000005, 1.0, 0.0, 0.09000000000000002],
                 grad: [1.0, -2.8, 9.600000000000001, 2.0, 0.0, -1.2000000000000002], gradFn: "MseLossBackward0"),
        LossCase(op: "l1_loss", attrs: [:], reduction: "mean", value: [0.6833333333333332],
                 grad: [0.16666666666666666, -0.16666666666666666, 0.16666666666666666, -0.16666666666666666, 0.0, -0.16666666666666666], gradFn: "MeanBackward0"),
        LossCase(op: "l1_loss", attrs: [:], reduction: "sum", value: [4.1],
                 grad: [1.0, -1.0, 1.0, -1.0, 0.0, -1.0], gradFn: "SumBackward0"),
        LossCase(op: "l1_loss", attrs: [:], reduction: "none", value: [0.5, 0.7, 1.6, 1.0, 0.0, 0.30000000000000004],
                 grad: [1.0, -2.0, 3.0, 1.0, 0.0, -2.0], gradFn: "AbsBackward0"),
        LossCase(op: "smooth_l1_loss", attrs: [:], reduction: "mean", value: [0.3358333333333334],
                 grad: [0.08333333333333333, -0.11666666666666665, 0.16666666666666666, -0.16666666666666666, 0.0, -0.05], gradFn: "SmoothL1LossBackward0"),
        LossCase(op: "smooth_l1_loss", attrs: ["beta": 0.5], reduction: "sum", value: [2.89],
                 grad: [1.0, -1.0, 1.0, -1.0, 0.0, -0.6000000000000001], gradFn: "SmoothL1LossBackward0"),
        LossCase(op: "smooth_l1_loss", attrs: ["beta": 0], reduction: "none", value: [0.5, 0.7, 1.6, 1.0, 0.0, 0.30000000000000004],
                 grad: [1.0, -2.0, 3.0, 1.0, 0.0, -2.0], gradFn: "AbsBackward0"),
        LossCase(op: "huber_loss", attrs: [:], reduction: "sum", value: [2.015],
                 grad: [0.5, -0.7, 1.0, -1.0, 0.0, -0.30000000000000004], gradFn: "HuberLossBackward0"),
        LossCase(op: "huber_loss", attrs: ["delta": 0.5], reduction: "mean", value: [0.24083333333333334],
                 grad: [0.08333333333333333, -0.08333333333333333, 0.08333333333333333, -0.08333333333333333, 0.0, -0.05], gradFn: "HuberLossBackward0"),
        LossCase(op: "huber_loss", attrs: ["delta": 0.5], reduction: "none", value: [0.125, 0.22499999999999998, 0.675, 0.375, 0.0, 0.04500000000000001],
                 grad: [0.5, -1.0, 1.5, 0.5, 0.0, -0.6000000000000001], gradFn: "HuberLossBackward0"),
    ]

    @Test(arguments: regressionCases)
    func regressionLossMatchesPyTorch(_ c: LossCase) throws {
        let x = matrixVariable(Self.lossInput, requiresGrad: true), t = matrixVariable(Self.lossTarget, requiresGrad: true)
        var attrs = Attrs(["reduction": .string(c.reduction)])
        for (name, value) in c.attrs { attrs[name] = .double(value) }
        let out = try apply(#require(Registry.lookup(c.op)), [x, t], attrs)
        #expect(out.gradFn?.name == c.gradFn)
        #expect(approxEqual(out.value, c.value))
        let seed = c.reduction == "none" ? matrixVariable([[1, 2, 3], [-1, 0.5, 2]]) : nil
        let g = try gradientValues(out, [x, t], seed: seed)
        #expect(approxEqual(g[0], c.grad))
        #expect(approxEqual(g[1], c.grad.map { -$0 }))
    }

    @Test func lossArgumentsAreChecked() throws {
        let x = Variable([0.5, 0.5]), t = Variable([1.0])
        #expect(throws: OpError.value("avg is not a valid value for reduction")) { try x.mseLoss(x, reduction: "avg") }
        #expect(throws: OpError.value("smooth_l1_loss does not support negative values for beta.")) { try x.smoothL1Loss(x, beta: -1) }
        #expect(throws: OpError.value("huber_loss does not support non-positive values for delta.")) { try x.huberLoss(x, delta: 0) }
        #expect(throws: OpError.value("all elements of input should be between 0 and 1")) {
            try Variable([1.5]).binaryCrossEntropy(t)
        }
        #expect(throws: OpError.self) { try x.binaryCrossEntropy(t) }
        #expect(throws: OpError.shape("Target size ([1]) must be the same as input size ([2])")) {
            try x.binaryCrossEntropyWithLogits(t)
        }
    }

    @Test func binaryCrossEntropyMatchesPyTorch() throws {
        // F.binary_cross_entropy(x, t, reduction='sum').backward(), x = [[0.2, 0.9, 0.5], [0.7, 0.01, 0.35]]
        let x = matrixVariable([[0.2, 0.9, 0.5], [0.7, 0.01, 0.35]], requiresGrad: true)
        let t = matrixVariable([[0, 1, 1], [0.3, 0, 1]], requiresGrad: true)
        let out = try x.binaryCrossEntropy(t, reduction: "sum")
        #expect(out.gradFn?.name == "BinaryCrossEntropyBackward0")
        #expect(approxEqual(out.value, [3.0313071540939354]))
        let g = try gradientValues(out, [x, t])
        #expect(approxEqual(g[0], [1.2499999999999998, -1.1111111111111112, -2.0, 1.9047619047619044, 1.01010101010101, -2.8571428571428577]))
        #expect(approxEqual(g[1], [1.3862943611198906, -2.1972245773362196, -0.0, -0.8472978603872034, 4.59511985013459, 0.6190392084062235]))
        #expect(approxEqual(try x.binaryCrossEntropy(t).value, [0.5052178590156559]))
        // At the ends the log is clamped to -100: F.binary_cross_entropy([0, 1, .5], [1, 0, .5], reduction='none')
        let edge = Variable([0, 1, 0.5], requiresGrad: true), et = Variable([1, 0, 0.5], requiresGrad: true)
        let e = try edge.binaryCrossEntropy(et, reduction: "none")
        #expect(approxEqual(e.value, [100, 100, 0.6931471805599453]))
        let eg = try gradientValues(e, [edge, et], seed: Variable([1, 1, 1]))
        #expect(approxEqual(eg[0], [-1000000003995.8029, 1000000003995.8029, 0]))
        #expect(approxEqual(eg[1], [.infinity, -.infinity, 0]))
        // Second derivative: grad(grad(F.binary_cross_entropy(x, [0, 1]), x).sum(), x), x = [0.2, 0.9]
        let p = Variable([0.2, 0.9], requiresGrad: true)
        let first = try #require(try Autograd.grad(outputs: [p.binaryCrossEntropy(Variable([0, 1]))], inputs: [p], createGraph: true)[0])
        #expect(approxEqual(try gradientValues(first.sum(), [p])[0], [0.7812499999902344, 0.6172839506035673], tol: 1e-9))
    }

    @Test func binaryCrossEntropyWithLogitsMatchesPyTorch() throws {
        // F.binary_cross_entropy_with_logits(x, t).backward(), x = lossInput, t = [[0, 1, 1], [0.3, 0, 1]]
        let x = matrixVariable(Self.lossInput, requiresGrad: true), t = matrixVariable([[0, 1, 1], [0.3, 0, 1]], requiresGrad: true)
        let out = try x.binaryCrossEntropyWithLogits(t)
        #expect(out.gradFn?.name == "BinaryCrossEntropyWithLogitsBackward0")
        #expect(approxEqual(out.value, [0.9138019723602796]))
        let g = try gradientValues(out, [x, t])
        #expect(approxEqual(g[0], [0.10374322186697577, -0.12808746391650294, -0.01986715367035295,
                             0.04574041946860984, 0.11849158377083398, -0.09978127668540866]))
        #expect(approxEqual(g[1], [-0.08333333333333333, 0.19999999999999998, -0.3333333333333333,
                             -0.049999999999999996, -0.15, 0.06666666666666667]))
        #expect(try Variable([800, -800]).binaryCrossEntropyWithLogits(Variable([0, 1]), reduction: "none").value == Tensor([800, 800]))
        // Worked example 11: zero logits against zero targets give log 2 and grad 1/6 per logit for 3 outputs.
        let b = Variable(Tensor.zeros([3]), requiresGrad: true)
        let loss = try b.binaryCrossEntropyWithLogits(Variable(Tensor.zeros([3])))
        #expect(approxEqual(loss.value, [0.6931471805599453]))
        #expect(approxEqual(try gradientValues(loss, [b])[0], [1.0 / 6, 1.0 / 6, 1.0 / 6]))
    }

    // cross_entropy: scores s, class indices [2, 0, 3] or probabilities P.
    static let ceScores = [[0.5, -1.2, 2.0, 0.1], [0.3, 0.9, -0.4, 1.5], [-1.0, 0.0, 1.0, 2.0]]
    static let ceProbabilities = [[0.1, 0.2, 0.3, 0.4], [1.0, 0.0, 0.0, 0.0], [0.25, 0.25, 0.25, 0.25]]

    @Test func crossEntropyWithClassIndices() throws {
        // F.cross_entropy(x, torch.tensor([2, 0, 3]), reduction=r).backward(torch.ones_like(out))
        let sumGrad = [0.15786085557146812, 0.02883857740577556, -0.29251672895113556, 0.10581729597389192,
                       -0.8493708452230759, 0.2744642148059653, 0.07480022458474211, 0.5001064058323684,
                       0.03205860328008499, 0.08714431874203257, 0.23688281808991016, -0.35608574011202765]
        for (reduction, value, scale) in [("mean", [0.8930551283341684], 1.0 / 3), ("sum", [2.6791653850025052], 1.0),
                                          ("none", [0.34604129490491126, 1.8929343915363988, 0.44018969856119533], 1.0)] {
            let x = matrixVariable(Self.ceScores, requiresGrad: true)
            let out = try x.crossEntropy(Variable([2, 0, 3]), reduction: reduction)
            #expect(out.gradFn?.name == "NllLossBackward0")
            #expect(approxEqual(out.value, value))
            #expect(approxEqual(try gradientValues(out, [x], seed: Variable(Tensor.ones(out.shape)))[0], sumGrad.map { $0 * scale }))
        }
        // One sample of shape [C] with a 0-d index: F.cross_entropy(x[0], torch.tensor(1))
        let one = Variable([0.5, -1.2, 2.0, 0.1], requiresGrad: true)
        let out = try one.crossEntropy(Variable(1.0))
        #expect(out.shape == [] && approxEqual(out.value, [3.5460412949049114]))
        #expect(approxEqual(try gradientValues(out, [one])[0], [0.15786085557146812, -0.9711614225942244, 0.7074832710488644, 0.10581729597389192]))
        // The target takes no gradient, even when it asks for one.
        let target = Variable(1.0, requiresGrad: true)
        #expect(try gradientValues(one.crossEntropy(target), [one, target])[1] == nil)
    }

    @Test func crossEntropyWithClassProbabilities() throws {
        // F.cross_entropy(x, P).backward(): mean divides by the batch size, and P gets a gradient.
        let x = matrixVariable(Self.ceScores, requiresGrad: true), p = matrixVariable(Self.ceProbabilities, requiresGrad: true)
        let out = try x.crossEntropy(p)
        #expect(out.gradFn?.name == "DivBackward1")
        #expect(try x.crossEntropy(p, reduction: "sum").gradFn?.name == "NegBackward0")
        #expect(approxEqual(out.value, [1.9097217950008352]))
        let g = try gradientValues(out, [x, p])
        #expect(approxEqual(g[0], [0.019286951857156044, -0.057053807531408145, 0.1358277570162882, -0.09806090134203602,
                             -0.2831236150743586, 0.09148807160198842, 0.024933408194914037, 0.16670213527745614,
                             -0.07264713223997167, -0.05428522708598914, -0.0043723939700299475, 0.13130475329599078]))
        #expect(approxEqual(g[1], [0.615347098301637, 1.1820137649683038, 0.11534709830163709, 0.7486804316349703,
                             0.6309781305121329, 0.43097813051213285, 0.8643114638454661, 0.2309781305121329,
                             1.1467298995203983, 0.813396566187065, 0.48006323285373176, 0.14672989952039844]))
        #expect(approxEqual(try x.crossEntropy(p, reduction: "none").value, [1.8960412949049112, 1.8929343915363988, 1.9401896985611955]))
        #expect(approxEqual(try x.crossEntropy(p, reduction: "sum").value, [5.7291653850025055]))
    }

    @Test func crossEntropySecondDerivativeAndErrors() throws {
        // grad(grad(F.cross_entropy(x, torch.tensor(1)), x, create_graph=True)[0], x), x = [0.5, -1.2, 2.0]
        let x = Variable([0.5, -1.2, 2.0], requiresGrad: true)
        let g = try #require(try Autograd.grad(outputs: [x.crossEntropy(Variable(1.0))], inputs: [x], createGraph: true)[0])
        #expect(approxEqual(try gradientValues((g * Variable([1, 0, 0])).sum(), [x])[0],
                      [0.14537496031759392, -0.005693715397389501, -0.1396812449202044]))
        let scores = matrixVariable([[0.5, 0.5]])
        #expect(throws: OpError.value("Target 2 is out of bounds.")) { try scores.crossEntropy(Variable([2])) }
        #expect(throws: OpError.shape("Expected input batch_size (1) to match target batch_size (2).")) {
            try scores.crossEntropy(Variable([1, 1]))
        }
        #expect(throws: OpError.self) { try scores.crossEntropy(Variable([0.5])) }
        #expect(throws: OpError.self) { try Variable(1.0).crossEntropy(Variable(0.0)) }
    }
}
