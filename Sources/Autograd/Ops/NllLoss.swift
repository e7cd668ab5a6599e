// nll_loss with PyTorch's signature: the negative log-likelihood of class-index targets, the
// input holding log-probabilities with classes on dim 1 (dim 0 for one sample [C]), optional
// class weights, an ignored class and a reduction. 'mean' divides by the weights of the targets
// counted (PyTorch's total weight), so it is NaN when every target is ignored.

extension Ops {
    /// `nll_loss(input, target, weight=None, size_average=None, ignore_index=-100, reduce=None,
    /// reduction='mean')`: PyTorch's positional order, the deprecated flags included.
    public static let nllLoss = OpSpec(
        "nll_loss",
        params: [input, target, Param("weight", .tensor, default: AttrValue.none), legacyReductionFlags[0],
                 Param("ignore_index", .int, default: .int(-100)), legacyReductionFlags[1], reduction],
        gradFn: "NllLossBackward0", gradFnForInputs: nllLossGradFn,
        summary: "-weight[target] * input[target], reduced (input holds log-probabilities, classes on dim 1)",
        kinks: "class-index targets and class weights get no gradient (PyTorch refuses them)",
        samples: [OpSample([[3, 4], [3]], constantInputs: [1], fixed: [1: Tensor([0, 3, 1])]),
                  OpSample([[4], []], attrs: Attrs(["reduction": .string("sum")]), constantInputs: [1], fixed: [1: Tensor(2)]),
                  OpSample([[4, 3], [4], [3]], attrs: Attrs(["ignore_index": .int(1)]), range: 0.2...2,
                           constantInputs: [1, 2], fixed: [1: Tensor([0, 1, 2, 2])]),
                  OpSample([[2, 3, 2], [2, 2], [3]], attrs: Attrs(["reduction": .string("none")]), range: 0.2...2,
                           constantInputs: [1, 2], fixed: [1: Tensor(shape: [2, 2], data: [2, 0, 1, 2])])],
        dtype: .floating,
        forward: { args in
            let x = args[0], layout = try ClassLayout(x.shape)
            let picks = try nllPicks(layout, args[1], args.optional("weight"), args.attrs)
            var losses = [Double](repeating: 0, count: layout.samples)
            for (s, offset, w) in picks.terms { losses[s] = -w * x.data[offset] }
            let reduction = try reductionName(args.attrs)
            if x.dtype.isFloat32 && layout.shape.count <= 2 && reduction != "none" {
                return Tensor(Double(float32NllReduction(x, picks.terms, weighted: args.optional("weight") != nil,
                                                         samples: layout.samples, mean: reduction == "mean")))
            }
            switch reduction {
            case "none": return Tensor(shape: layout.sampleShape, data: losses)
            case "sum": return Tensor(losses.reduce(0, +))
            default: return Tensor(losses.reduce(0, +) / picks.totalWeight)
            }
        },
        derivative: .vjp { ctx, g in
            let x = ctx[0], layout = try ClassLayout(x.shape)
            let picks = try nllPicks(layout, ctx[1].value, ctx.optional("weight")?.value, ctx.attrs)
            let reduction = try reductionName(ctx.attrs)
            var coefficients = Tensor.zeros(x.shape)
            coefficients.dtype = g.dtype
            for (_, offset, w) in picks.terms {
                coefficients.data[offset] = reduction == "mean" ? -w / picks.totalWeight : -w
            }
            let spread = reduction == "none" ? try g.reshape(layout.columnShape) : g
            return [try Variable(coefficients) * spread, nil, nil]
        })

    /// PyTorch's float32 nll_loss reduction (nll_loss_out_frame): each sample's -input * weight
    /// added into the first of 8 cascade levels, which carry into the next every 16 samples
    /// (sample index b with b & (15 << 4j) == 0), the levels then added in order; 'mean' divides
    /// by the float sum of the weights (cascaded alike) or by the count of samples not ignored.
    static func float32NllReduction(_ x: Tensor, _ terms: [(sample: Int, offset: Int, weight: Double)], weighted: Bool,
                                    samples: Int, mean: Bool) -> Float {
        var losses = [Float](repeating: 0, count: 8), weights = [Float](repeating: 0, count: 8)
        for (b, offset, w) in terms {
            losses[0] -= weighted ? Float(x.data[offset]) * Float(w) : Float(x.data[offset])
            weights[0] += Float(w)
            for j in 0..<7 {
                if b & (15 << (4 * j)) != 0 { break }
                losses[j + 1] += losses[j]
                weights[j + 1] += weights[j]
                losses[j] = 0
                weights[j] = 0
            }
        }
        let total = losses.reduce(Float(0), +)
        guard mean else { return total }
        return total / (weighted ? weights.reduce(Float(0), +) : Float(terms.count))
    }

    /// PyTorch's grad_fn name for an nll_loss call: the 2-d kernel for inputs of rank 3 and up.
    static func nllLossGradFn(_ inputs: [Variable], _ attrs: Attrs) -> String {
        let rank = inputs.first?.shape.count ?? 2
        if rank > 4 && attrs.string("reduction") == "none" { return "ViewBackward0" }
        return rank >= 3 ? "NllLoss2DBackward0" : "NllLossBackward0"
    }

    /// The samples an nll_loss counts: each one's flat offset of its target class and that class's
    /// weight, and the sum of those weights ('mean' divides by it). Checks shapes and targets.
    static func nllPicks(_ layout: ClassLayout, _ target: Tensor, _ weight: Tensor?,
                         _ attrs: Attrs) throws -> (terms: [(sample: Int, offset: Int, weight: Double)], totalWeight: Double) {
        if layout.shape.count <= 2 && target.shape.count > 1 {
            throw OpError.shape("0D or 1D target tensor expected, multi-target not supported")
        }
        guard try !targetIsProbabilities(layout, target.shape) else {
            throw OpError.shape("Expected target size \(describe(shape: layout.sampleShape)), got \(describe(shape: target.shape))")
        }
        if let weight, weight.shape != [layout.classes] {
            throw OpError.shape("weight tensor should be defined either for all \(layout.classes) classes or no classes but got weight tensor of shape: \(describe(shape: weight.shape))")
        }
        let ignored = Double(try attrs.int("ignore_index"))
        var terms: [(sample: Int, offset: Int, weight: Double)] = []
        terms.reserveCapacity(layout.samples)
        var total = 0.0
        for s in 0..<layout.samples where target.data[s] != ignored {
            let y = try classIndex(target.data[s], classes: layout.classes)
            let w = weight?.data[y] ?? 1
            terms.append((s, layout.offset(sample: s, class: y), w))
            total += w
        }
        return (terms, total)
    }
}

extension Variable {
    /// The negative log-likelihood of log-probabilities `self` against class indices (see `Ops.nllLoss`).
    public func nllLoss(_ target: Variable, weight: Variable? = nil, ignoreIndex: Int = -100,
                        reduction: String = "mean") throws -> Variable {
        try apply(Ops.nllLoss, [self, target, weight],
                  Attrs(["ignore_index": .int(ignoreIndex), "reduction": .string(reduction)]))
    }
}
