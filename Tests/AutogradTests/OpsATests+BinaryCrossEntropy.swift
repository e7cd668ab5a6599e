import Testing
@testable import Autograd

// binary_cross_entropy's `weight` and binary_cross_entropy_with_logits' `weight` and
// `pos_weight`, against PyTorch 2.13 (float64). Probabilities x = [[0.2, 0.9, 0.5], [0.7, 0.01, 0.35]],
// logits z = lossInput, targets t = [[0, 1, 1], [0.3, 0, 1]].

extension OpsATests {
    static let bceProbabilities = [[0.2, 0.9, 0.5], [0.7, 0.01, 0.35]], bceTargets = [[0, 1, 1], [0.3, 0, 1]]

    @Test func binaryCrossEntropyWithWeight() throws {
        // F.binary_cross_entropy(x, t, weight=[0.5, 2, 1.5], reduction='sum').backward()
        var x = matrixVariable(Self.bceProbabilities, requiresGrad: true)
        let t = matrixVariable(Self.bceTargets, requiresGrad: true), w = Variable([0.5, 2.0, 1.5], requiresGrad: true)
        var out = try x.binaryCrossEntropy(t, weight: w, reduction: "sum")
        #expect(out.gradFn?.name == "BinaryCrossEntropyBackward0")
        #expect(approxEqual(out.value, [3.431739159372582]))
        let g = try gradientValues(out, [x, t, w])
        #expect(approxEqual(g[0], [0.6249999999999999, -2.2222222222222223, -3.0, 0.9523809523809522, 2.02020202020202, -4.2857142857142865]))
        #expect(approxEqual(g[1], [0.6931471805599453, -4.394449154672439, -0.0, -0.4236489301936017, 9.19023970026918, 0.9285588126093353]))
        #expect(g[2] == nil)  // PyTorch refuses to differentiate the weight
        // A column of weights broadcasts over the rows: weight=[[2], [0.5]], 'mean'
        x = matrixVariable(Self.bceProbabilities, requiresGrad: true)
        out = try x.binaryCrossEntropy(t, weight: matrixVariable([[2], [0.5]]))
        #expect(approxEqual(out.value, [0.5080217413908232]))
        #expect(approxEqual(try gradientValues(out, [x])[0], [0.4166666666666666, -0.3703703703703704, -0.6666666666666666,
                                                              0.1587301587301587, 0.08417508417508417, -0.23809523809523814]))
        #expect(throws: OpError.shape("weight of shape [2] cannot be broadcast to the input's shape [2, 3]")) {
            try x.binaryCrossEntropy(t, weight: Variable([1, 1]))
        }
    }

    @Test func binaryCrossEntropyWithLogitsWeights() throws {
        // F.binary_cross_entropy_with_logits(z, t, reduction=r, **kw).backward(seed)
        let seed = matrixVariable([[1, 2, 3], [-1, 0.5, 2]])
        let cases: [(Variable?, Variable?, String, [Double], [Double], [Double])] = [
            (Variable([0.5, 2.0, 1.5]), nil, "mean", [1.306333948938157],
             [0.05187161093348788, -0.2561749278330059, -0.02980073050552942, 0.02287020973430492, 0.23698316754166796, -0.149671915028113],
             [-0.041666666666666664, 0.39999999999999997, -0.5, -0.024999999999999998, -0.3, 0.10000000000000002]),
            (nil, Variable([3.0, 0.5, 1.0]), "mean", [0.8472972911956297],
             [0.10374322186697577, -0.06404373195825147, -0.01986715367035295, 0.0031846711497757383, 0.11849158377083398, -0.09978127668540866],
             [0.07469232806003556, 0.07805979438849739, -0.3333333333333333, 0.13478508148950905, -0.17842948956100732, 0.06666666666666667]),
            (matrixVariable([[2], [0.5]]), Variable([3.0, 0.5, 1.0]), "none",
             [1.9481539683602134, 1.4632824673380311, 0.253856022085945, 0.5484841955748218, 0.6205769373660439, 0.4565076261999763],
             [1.2449186624037092, -1.5370495669980353, -0.7152175321327061, -0.009554013449327214, 0.17773737565625097, -0.598687660112452],
             [0.8963079367204267, 1.8734350653239373, -12.0, -0.4043552444685271, -0.26764423434151097, 0.4]),
        ]
        for (weight, posWeight, reduction, value, gz, gt) in cases {
            let z = matrixVariable(Self.lossInput, requiresGrad: true), t = matrixVariable(Self.bceTargets, requiresGrad: true)
            let out = try z.binaryCrossEntropyWithLogits(t, weight: weight, reduction: reduction, posWeight: posWeight)
            #expect(out.gradFn?.name == "BinaryCrossEntropyWithLogitsBackward0")
            #expect(approxEqual(out.value, value))
            let g = try gradientValues(out, [z, t], seed: reduction == "none" ? seed : nil)
            #expect(approxEqual(g[0], gz))
            #expect(approxEqual(g[1], gt))
        }
        // Stable at large logits: pos_weight=[2, 2], reduction='none' on [800, -800] against [0, 1]
        #expect(try Variable([800, -800]).binaryCrossEntropyWithLogits(Variable([0, 1]), reduction: "none", posWeight: Variable([2, 2])).value
                == Tensor([800, 1600]))
        #expect(throws: OpError.shape("pos_weight of shape [2] cannot be broadcast to the input's shape [2, 3]")) {
            try matrixVariable(Self.lossInput).binaryCrossEntropyWithLogits(matrixVariable(Self.bceTargets), posWeight: Variable([1, 1]))
        }
    }

    @Test func binaryCrossEntropyWithLogitsWeightsSecondDerivative() throws {
        // g = grad(F.binary_cross_entropy_with_logits(z, t, pos_weight=[3, 0.5, 1], weight=[0.5, 2, 1.5]), z, create_graph=True);
        // grad((g * [[1, 0, 0], [0, 2, -1]]).sum(), z)
        let z = matrixVariable(Self.lossInput, requiresGrad: true)
        let loss = try z.binaryCrossEntropyWithLogits(matrixVariable(Self.bceTargets), weight: Variable([0.5, 2.0, 1.5]),
                                                      posWeight: Variable([3.0, 0.5, 1.0]))
        let g = try #require(try Autograd.grad(outputs: [loss], inputs: [z], createGraph: true)[0])
        #expect(approxEqual(g.value, [0.05187161093348788, -0.12808746391650294, -0.02980073050552942,
                                      0.0015923355748878691, 0.23698316754166796, -0.149671915028113]))
        #expect(approxEqual(try gradientValues((g * matrixVariable([[1, 0, 0], [0, 2, -1]])).sum(), [z])[0],
                            [0.019583642683466206, 0, 0, 0, 0.1370002048948423, -0.060065186435382285]))
    }
}

extension OpsATests {
    @Test func lossWeightsAreConstantsInHessians() throws {
        // The weights get no gradient, so the mixed blocks of the Hessian are zero both ways
        // round (they were nonzero one way only: d/dw of the input gradient was recorded).
        let x = Variable([0.2, 0.7], requiresGrad: true), t = Variable([0.0, 1.0])
        let w = Variable([2.0, 3.0], requiresGrad: true), pw = Variable([1.5, 0.5], requiresGrad: true)
        for out in [try x.binaryCrossEntropy(t, weight: w),
                    try x.binaryCrossEntropyWithLogits(t, weight: w, posWeight: pw)] {
            let h = try hessian(of: out, wrt: [x, w, pw])
            for (i, j) in [(0, 1), (1, 0), (0, 2), (2, 0)] { #expect(h[i][j] == Tensor.zeros([2, 2])) }
        }
    }
}
