import Testing
@testable import Autograd

// cross_entropy's keyword arguments (weight, ignore_index, label_smoothing) and extra
// dimensions, against PyTorch 2.13 (float64). Scores, indices and probabilities are those of
// OpsATests+Losses.swift: s = ceScores, targets [2, 0, 3], P = ceProbabilities.

extension OpsATests {
    static let ceWeight = Variable([0.5, 2.0, 1.5, 0.25])
    /// Scores of shape [2, 3, 2]: two samples, three classes, one extra dimension of 2.
    static func ceScores3(requiresGrad: Bool = true) -> Variable {
        Variable(Tensor(shape: [2, 3, 2], data: [0.5, -1.2, 2.0, 0.1, 0.3, 0.9, -0.4, 1.5, -1.0, 0.0, 1.0, 2.0]), requiresGrad: requiresGrad)
    }

    @Test func crossEntropyWithClassWeights() throws {
        // F.cross_entropy(s, t, weight=w, reduction=r).backward(torch.ones_like(out)):
        // 'mean' divides by the weights of the targets, w[2] + w[0] + w[3] = 2.25.
        let sumGrad = [0.23679128335720218, 0.04325786610866334, -0.43877509342670334, 0.1587259439608379,
                       -0.42468542261153797, 0.13723210740298264, 0.03740011229237106, 0.2500532029161842,
                       0.00801465082002125, 0.02178607968550814, 0.05922070452247754, -0.08902143502800691]
        for (reduction, value, scale) in [("mean", [0.7002562501181624], 1 / 2.25), ("sum", [1.5755765627658653], 1.0),
                                          ("none", [0.5190619423573669, 0.9464671957681994, 0.11004742464029883], 1.0)] {
            let x = matrixVariable(Self.ceScores, requiresGrad: true)
            let weight = Variable([0.5, 2.0, 1.5, 0.25], requiresGrad: true)
            let out = try x.crossEntropy(Variable([2, 0, 3]), weight: weight, reduction: reduction)
            #expect(out.gradFn?.name == "NllLossBackward0")
            #expect(approxEqual(out.value, value))
            let g = try gradientValues(out, [x, weight], seed: Variable(Tensor.ones(out.shape)))
            #expect(approxEqual(g[0], sumGrad.map { $0 * scale }))
            // PyTorch refuses a weight that requires grad here; gradcli gives it none.
            #expect(g[1] == nil)
        }
    }

    @Test func crossEntropyIgnoreIndexAndLabelSmoothing() throws {
        // F.cross_entropy(s, t, **kw).backward()
        let cases: [(Attrs, Bool, [Double], [Double], String)] = [
            (Attrs(["ignore_index": .int(0)]), false, [0.3931154967330533],
             [0.07893042778573406, 0.01441928870288778, -0.14625836447556778, 0.05290864798694596, 0, 0, 0, 0,
              0.01602930164004249, 0.04357215937101629, 0.11844140904495508, -0.17804287005601382], "NllLossBackward0"),
            (Attrs(["ignore_index": .int(0), "label_smoothing": .double(0.2)]), true, [0.8009209026912458],
             [0.1131305477112564, -0.03386600537962402, -0.15753135979627372, 0.07826681746464133, 0, 0, 0, 0,
              -0.0067290435125514, -0.03660169629652089, 0.0129795214069074, 0.03035121840216491], "AddBackward0"),
            (Attrs(["label_smoothing": .double(0.2)]), false, [1.0847217950008352],
             [0.0359536185238227, -0.00705380753140815, -0.0475055763170452, 0.01860576532463064,
              -0.23312361507435864, 0.07482140493532176, 0.00826674152824737, 0.15003546861078948,
              -0.005980465573305, 0.01238143958067752, 0.06229427269663672, -0.06869524670400923], "AddBackward0"),
        ]
        for (attrs, weighted, value, grad, gradFn) in cases {
            let x = matrixVariable(Self.ceScores, requiresGrad: true)
            let out = try apply(Ops.crossEntropy, [x, Variable([2, 0, 3]), weighted ? Self.ceWeight : nil], attrs)
            #expect(out.gradFn?.name == gradFn)
            #expect(approxEqual(out.value, value))
            #expect(approxEqual(try gradientValues(out, [x])[0], grad))
        }
        // Every target ignored: 'mean' is 0/0 = NaN and the gradient 0, as in PyTorch.
        let x = matrixVariable(Self.ceScores, requiresGrad: true)
        let out = try x.crossEntropy(Variable([1, 1, 1]), ignoreIndex: 1, labelSmoothing: 0.1)
        #expect(out.value.data[0].isNaN)
        #expect(try gradientValues(out, [x])[0] == Tensor.zeros([3, 4]))
        // An ignored target may be out of range; negative label smoothing is ignored, as PyTorch does.
        #expect(approxEqual(try x.crossEntropy(Variable([2, 7, 3]), ignoreIndex: 7).value, [0.3931154967330533]))
        #expect(try x.crossEntropy(Variable([2, 0, 3]), labelSmoothing: -0.1).value == (try x.crossEntropy(Variable([2, 0, 3])).value))
    }

    @Test func crossEntropyWithWeightedSmoothedProbabilities() throws {
        // F.cross_entropy(s, P, weight=w, label_smoothing=0.2).backward(): weight gets a gradient here.
        let x = matrixVariable(Self.ceScores, requiresGrad: true), p = matrixVariable(Self.ceProbabilities, requiresGrad: true)
        let weight = Variable([0.5, 2.0, 1.5, 0.25], requiresGrad: true)
        let out = try x.crossEntropy(p, weight: weight, labelSmoothing: 0.2)
        #expect(out.gradFn?.name == "DivBackward1")
        #expect(approxEqual(out.value, [1.774080226876179]))
        let g = try gradientValues(out, [x, p, weight])
        #expect(approxEqual(g[0], [0.03161137208870381, -0.13026698012555077, 0.09377560397899173, 0.00488000405785518,
                                   -0.11091321423304466, 0.02270311052288458, -0.00972828748061515, 0.09793839119077521,
                                   -0.0303125780049699, -0.13580305377886345, -0.04110400192649016, 0.2072196337103235]))
        #expect(approxEqual(g[1], [0.24613883932065483, 1.891222023949286, 0.1384165179619645, 0.14973608632699406,
                                   0.2523912522048532, 0.6895650088194126, 1.0371737566145594, 0.04619562610242658,
                                   0.45869195980815936, 1.3014345058993042, 0.5760758794244781, 0.02934597990407969]))
        #expect(approxEqual(g[2], [0.9030090085946254, 0.4731209387157167, 0.196682039913181, 0.32524314111064534]))
    }

    @Test func crossEntropyOverExtraDimensions() throws {
        // Classes along dim 1 of [2, 3, 2]; targets [[2, 0], [1, 2]].
        let t = Variable(Tensor(shape: [2, 2], data: [2, 0, 1, 2]))
        // F.cross_entropy(x, t, weight=[0.5, 2, 1.5]).backward()
        var x = Self.ceScores3()
        var out = try x.crossEntropy(t, weight: Variable([0.5, 2.0, 1.5]))
        #expect(out.gradFn?.name == "NllLoss2DBackward0")
        #expect(approxEqual(out.value, [1.784805684545205]))
        #expect(approxEqual(try gradientValues(out, [x])[0], [0.04328715869276814, -0.08382644297096141, 0.19399958599936837, 0.02598833647729891,
                                                              -0.23728674469213654, 0.05783810649366249, 0.06488858150216455, 0.0949656621501095,
                                                              -0.32802475505834017, 0.02118970340415561, 0.2631361735561756, -0.11615536555426512]))
        // reduction='none' keeps the target's shape: backward([[1, 2], [-1, 0.5]])
        x = Self.ceScores3()
        out = try x.crossEntropy(t, reduction: "none")
        #expect(out.shape == [2, 2])
        #expect(approxEqual(out.value, [2.0406162698146995, 2.5522121658389976, 2.3234826989470463, 0.5549569196419906]))
        #expect(approxEqual(try gradientValues(out, [x], seed: matrixVariable([[1, 2], [-1, 0.5]]))[0],
                            [0.1587195818734832, -1.8441817453611509, 0.7113318153310174, 0.5717434025005761,
                             -0.8700513972045008, 1.2724383428605748, -0.1784435991309525, 0.17410371394186744,
                             0.9020680764104354, 0.03884778957428529, -0.7236244772794829, -0.21295150351615272]))
        // Probabilities of the input's shape: F.cross_entropy(x, P3, reduction='sum').backward()
        let p = Variable(Tensor(shape: [2, 3, 2], data: [0.21155024778354192, 0.12765591849306485, 0.6045368021051779, 0.31713847483225654,
                                                        0.18391295011128017, 0.5552056066746787, 0.23140096992001832, 0.3611405152706026,
                                                        0.15204127138806764, 0.12637669902663753, 0.6165577586919141, 0.51248278570276]),
                         requiresGrad: true)
        x = Self.ceScores3()
        out = try x.crossEntropy(p, reduction: "sum")
        #expect(out.gradFn?.name == "NegBackward0")
        #expect(approxEqual(out.value, [3.884401206161202]))
        let g = try gradientValues(out, [x, p])
        #expect(approxEqual(g[0], [-0.05283066591005872, -0.04974679117364027, 0.10679501322583951, -0.0312667735819685,
                                   -0.05396434731578087, 0.08101356475560872, -0.05295737078906582, -0.01293308738686771,
                                   -0.05410934779850302, -0.04868111987806696, 0.10706671858756878, 0.06161420726493461]))
        #expect(approxEqual(g[1], [1.8406162698146995, 2.5522121658389976, 0.34061626981469945, 1.2522121658389975,
                                   2.0406162698146995, 0.4522121658389975, 1.7234826989470462, 1.0549569196419906,
                                   2.3234826989470463, 2.554956919641991, 0.3234826989470463, 0.5549569196419906]))
        // PyTorch views inputs of rank 5 and up as rank 4, so 'none' shows ViewBackward0.
        let x5 = Variable(Tensor.zeros([1, 2, 1, 1, 1]), requiresGrad: true)
        #expect(try x5.crossEntropy(Variable(Tensor.zeros([1, 1, 1, 1])), reduction: "none").gradFn?.name == "ViewBackward0")
        #expect(try x5.crossEntropy(Variable(Tensor.zeros([1, 1, 1, 1]))).gradFn?.name == "NllLoss2DBackward0")
    }

    @Test func crossEntropyUnbatchedWeightedAndSecondDerivative() throws {
        // F.cross_entropy(s[0], torch.tensor(1), weight=w, label_smoothing=0.1).backward()
        let one = Variable([0.5, -1.2, 2.0, 0.1], requiresGrad: true)
        let out = try one.crossEntropy(Variable(1.0), weight: Self.ceWeight, labelSmoothing: 0.1)
        #expect(out.shape == [] && out.gradFn?.name == "AddBackward0")
        #expect(approxEqual(out.value, [3.3051331092062437]))
        #expect(approxEqual(try gradientValues(out, [one])[0], [0.14421112796655558, -0.8975132309101203, 0.655569992718449, 0.09773211022511574]))
        // g = grad(F.cross_entropy(s, t, weight=w, label_smoothing=0.2, ignore_index=3), s, create_graph=True);
        // grad((g * M).sum(), s) with M = [[1, 0, 0, 0], [0, 2, 0, 0], [0, 0, 0, -1]]
        let x = matrixVariable(Self.ceScores, requiresGrad: true)
        let loss = try x.crossEntropy(Variable([2, 0, 3]), weight: Self.ceWeight, ignoreIndex: 3, labelSmoothing: 0.2)
        let g = try #require(try Autograd.grad(outputs: [loss], inputs: [x], createGraph: true)[0])
        #expect(approxEqual(g.value, [0.09898922924734936, -0.02963275470717101, -0.13783993982173953, 0.06848346528156117,
                                      -0.16636982134956702, 0.03405466578432687, -0.01459243122092273, 0.14690758678616284, 0, 0, 0, 0]))
        let m = matrixVariable([[1, 0, 0, 0], [0, 2, 0, 0], [0, 0, 0, -1]])
        #expect(approxEqual(try gradientValues((g * m).sum(), [x])[0],
                            [0.09388944413135925, -0.00321519076755994, -0.07887676459463146, -0.01179748876916785,
                             -0.0253221665243, 0.12196933587810752, -0.01257461575612618, -0.08407255359768133, 0, 0, 0, 0]))
    }

    @Test func crossEntropyKeywordErrorsMirrorPyTorch() throws {
        let x = matrixVariable(Self.ceScores), t = Variable([2, 0, 3])
        #expect(throws: OpError.shape("weight tensor should be defined either for all 4 classes or no classes but got weight tensor of shape: [3]")) {
            try x.crossEntropy(t, weight: Variable([1, 1, 1]))
        }
        #expect(throws: OpError.value("label_smoothing must be between 0.0 and 1.0. Got: 1.5")) { try x.crossEntropy(t, labelSmoothing: 1.5) }
        #expect(throws: OpError.value("ignore_index is not supported for floating point target")) {
            try x.crossEntropy(matrixVariable(Self.ceProbabilities), ignoreIndex: 1)
        }
        #expect(throws: OpError.value("Target 5 is out of bounds.")) { try x.crossEntropy(Variable([2, 5, 3])) }
        #expect(throws: OpError.value("Target -1 is out of bounds.")) { try x.crossEntropy(Variable([2, -1, 3])) }
        #expect(throws: OpError.shape("Expected target size [2, 2], got [2, 3]")) {
            try Self.ceScores3().crossEntropy(matrixVariable([[0, 1, 2], [2, 2, 0]]))
        }
        #expect(throws: OpError.shape("Expected target size [2, 2], got [2]")) { try Self.ceScores3().crossEntropy(Variable([0, 1])) }
    }

    @Test func optionalTensorParametersMayBeLeftOut() throws {
        // Left out, passed as nil, or given: the op learns which from the call.
        let x = matrixVariable(Self.ceScores), t = Variable([2, 0, 3])
        let plain = try apply(Ops.crossEntropy, [x, t]).value
        #expect(try apply(Ops.crossEntropy, [x, t, nil]).value == plain)
        #expect(try apply(Ops.crossEntropy, [x, t, Variable([1, 1, 1, 1])]).value == plain)
        #expect(try apply(Ops.crossEntropy, [x, t, Self.ceWeight]).value != plain)
        #expect(throws: OpError.value("cross_entropy() expects 2 tensor arguments, got 1")) { try apply(Ops.crossEntropy, [x]) }
        #expect(Ops.crossEntropy.params.filter(\.isOptionalTensor).map(\.name) == ["weight"])
    }
}

extension OpsATests {
    @Test func classWeightsAreConstantsInHessians() throws {
        // One sample: 'mean' divides by its target's weight, so the loss does not depend on
        // the weights at all, and neither mixed block of the Hessian may be nonzero.
        let x = Variable([0.2, 0.7], requiresGrad: true), w = Variable([2.0, 3.0], requiresGrad: true)
        let h = try hessian(of: try x.crossEntropy(Variable(1), weight: w), wrt: [x, w])
        #expect(h[0][1] == Tensor.zeros([2, 2]))
        #expect(h[1][0] == Tensor.zeros([2, 2]))
        #expect(approxEqual(h[0][0], [0.2350037122015945, -0.2350037122015945, -0.2350037122015945, 0.2350037122015945]))
    }
}
