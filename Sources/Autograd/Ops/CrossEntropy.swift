// cross_entropy with PyTorch's full signature: class weights, ignore_index, label smoothing,
// class-index or class-probability targets, and inputs [C], [N, C] or [N, C, d1, ...].
//
// Both kinds of target reduce to one form: loss = -sum_c T[c] * log_softmax(input)[c] per
// sample, with T the (smoothed, weighted) target. Its input gradient is
// softmax * sum_c T[c] - T, which the VJP writes with differentiable ops.

extension Ops {
    /// How a cross-entropy input lays out its classes: along dim 1, or dim 0 for one sample [C].
    struct ClassLayout {
        let shape: [Int]
        let classDim: Int
        let classes: Int
        /// The number of elements after the class dimension (d1 * d2 * ...).
        let inner: Int

        init(_ shape: [Int]) throws {
            guard !shape.isEmpty else {
                throw OpError.shape("cross_entropy: expected input of shape [C], [N, C] or [N, C, d1, ...], got []")
            }
            self.shape = shape
            classDim = shape.count == 1 ? 0 : 1
            classes = shape[classDim]
            inner = Tensor.count(of: Array(shape.dropFirst(classDim + 1)))
        }

        /// The shape of the per-sample losses: the input's without its class dimension.
        var sampleShape: [Int] { var s = shape; s.remove(at: classDim); return s }
        /// The number of samples.
        var samples: Int { Tensor.count(of: sampleShape) }
        /// The input's shape with size 1 at the class dimension, for per-sample values.
        var columnShape: [Int] { var s = shape; s[classDim] = 1; return s }
        /// The shape the [C] class weights take to broadcast against the input.
        var weightShape: [Int] { [classes] + Array(repeating: 1, count: shape.count - classDim - 1) }
        /// The dimensions other than the class dimension.
        var otherDims: [Int] { (0..<shape.count).filter { $0 != classDim } }

        /// The flat offset of class `c` of sample `s`.
        func offset(sample s: Int, class c: Int) -> Int {
            (s / inner * classes + c) * inner + s % inner
        }
    }

    /// `cross_entropy(input, target, weight=None, ignore_index=-100, reduction='mean',
    /// label_smoothing=0)`. PyTorch shows `NllLossBackward0` for class indices
    /// (`NllLoss2DBackward0` with extra dimensions), `AddBackward0` with label smoothing, and
    /// for probabilities, which it composes from ops, `DivBackward1` ('mean') or `NegBackward0`.
    public static let crossEntropy = OpSpec(
        "cross_entropy",
        params: [input, target, Param("weight", .tensor, default: AttrValue.none), legacyReductionFlags[0],
                 Param("ignore_index", .int, default: .int(-100)), legacyReductionFlags[1], reduction,
                 Param("label_smoothing", .double, default: .double(0))],
        gradFn: "NllLossBackward0", gradFnForInputs: crossEntropyGradFn,
        summary: "-log_softmax(input)[target], or -sum(target * log_softmax(input)) for probabilities; classes on dim 1",
        kinks: "class-index targets and class weights get no gradient (PyTorch refuses them)",
        samples: [OpSample([[3, 4], [3]], constantInputs: [1], fixed: [1: Tensor([0, 3, 1])]),
                  OpSample([[4], []], attrs: Attrs(["reduction": .string("sum")]), constantInputs: [1], fixed: [1: Tensor(2)]),
                  OpSample([[3, 4], [3, 4]], range: 0.1...0.9),
                  OpSample([[2, 3], [2, 3]], attrs: Attrs(["reduction": .string("none")]), range: 0.1...0.9),
                  OpSample([[4, 3], [4], [3]], attrs: Attrs(["ignore_index": .int(1), "label_smoothing": .double(0.2)]),
                           range: 0.2...2, constantInputs: [1, 2], fixed: [1: Tensor([0, 1, 2, 2])]),
                  OpSample([[2, 3, 2], [2, 2], [3]], attrs: Attrs(["reduction": .string("none")]),
                           range: 0.2...2, constantInputs: [1, 2], fixed: [1: Tensor(shape: [2, 2], data: [2, 0, 1, 2])]),
                  OpSample([[2, 3, 2], [2, 3, 2], [3]], attrs: Attrs(["label_smoothing": .double(0.3)]), range: 0.1...0.9)],
        dtype: .floating,
        forward: { args in
            let x = args[0], t = args[1], layout = try ClassLayout(x.shape)
            let probabilities = try targetIsProbabilities(layout, t.shape)
            let (weight, smoothing, ignored) = try crossEntropyOptions(args.attrs, args.optional("weight"), layout, probabilities)
            if x.dtype.isFloat32, let loss = try float32CrossEntropy(args, layout, probabilities: probabilities, smoothing: smoothing) {
                return loss
            }
            let logp = try Tensor.zip(x, logSumExp(x, dims: [layout.classDim]), -)
            let classes = layout.classes, uniform = smoothing / Double(classes)
            var losses = [Double](repeating: 0, count: layout.samples)
            var total = 0.0  // what 'mean' divides by: the samples, or the weights of the targets
            for s in losses.indices {
                if probabilities {
                    for c in 0..<classes {
                        let o = layout.offset(sample: s, class: c)
                        losses[s] -= (weight?[c] ?? 1) * (t.data[o] * (1 - smoothing) + uniform) * logp.data[o]
                    }
                    total += 1
                    continue
                }
                if t.data[s] == ignored { continue }
                let y = try classIndex(t.data[s], classes: classes)
                let wy = weight?[y] ?? 1
                total += wy
                losses[s] = -(1 - smoothing) * wy * logp.data[layout.offset(sample: s, class: y)]
                if smoothing > 0 {
                    for c in 0..<classes { losses[s] -= uniform * (weight?[c] ?? 1) * logp.data[layout.offset(sample: s, class: c)] }
                }
            }
            switch try reductionName(args.attrs) {
            case "none": return Tensor(shape: layout.sampleShape, data: losses)
            case "sum": return Tensor(losses.reduce(0, +))
            default: return Tensor(losses.reduce(0, +) / total)
            }
        },
        derivative: .vjp { ctx, g in
            let x = ctx[0], t = ctx[1], layout = try ClassLayout(x.shape)
            let probabilities = try targetIsProbabilities(layout, t.shape)
            let weightInput = ctx.optional("weight")
            let (weight, smoothing, ignored) = try crossEntropyOptions(ctx.attrs, weightInput?.value, layout, probabilities)
            // Class-index targets give the weight no gradient, so it then enters as a constant
            // (else Hessians would be lopsided, and miss that 'mean' divides by the weights).
            let classWeights = try (probabilities ? weightInput : weightInput?.detached())?.reshape(layout.weightShape)
            let gl: Variable, target: Variable
            if probabilities {
                gl = try spread(g, ctx.attrs, shape: layout.sampleShape).reshape(layout.columnShape)
                target = smoothing > 0 ? try t * Variable(1 - smoothing) + Variable(smoothing / Double(layout.classes)) : t
            } else {
                // The smoothed one-hot target, zero for ignored samples, and each sample's share
                // of the incoming gradient (0 when ignored, so that 'mean' over none gives 0, not NaN).
                var smoothed = Tensor.zeros(x.shape), share = Tensor.zeros(layout.sampleShape), total = 0.0
                for s in 0..<layout.samples where t.value.data[s] != ignored {
                    let y = try classIndex(t.value.data[s], classes: layout.classes)
                    for c in 0..<layout.classes {
                        smoothed.data[layout.offset(sample: s, class: c)] = smoothing / Double(layout.classes) + (c == y ? 1 - smoothing : 0)
                    }
                    share.data[s] = 1
                    total += weight?[y] ?? 1
                }
                if try reductionName(ctx.attrs) == "mean" { share = share.map { $0 == 0 ? 0 : $0 / total } }
                gl = try (g * Variable(share)).reshape(layout.columnShape)
                target = Variable(smoothed)
            }
            let weighted = try classWeights.map { try target * $0 } ?? target
            let gx = try gl * (x.softmax(dim: layout.classDim) * weighted.sum(dim: [layout.classDim], keepdim: true) - weighted)
            guard probabilities else { return [gx, nil, nil] }
            let logp = try x.logSoftmax(dim: layout.classDim)
            let gt = try -gl * logp * Variable(1 - smoothing)
            let gw = try weightInput.map { _ -> Variable in
                let perElement = try -gl * target * logp
                return layout.otherDims.isEmpty ? perElement : try perElement.sum(dim: layout.otherDims)
            }
            return [gx, try classWeights.map { try gt * $0 } ?? gt, gw]
        })

    /// PyTorch's grad_fn name for a cross_entropy call (see `crossEntropy`).
    static func crossEntropyGradFn(_ inputs: [Variable], _ attrs: Attrs) -> String {
        guard inputs.count >= 2 else { return "NllLossBackward0" }
        let x = inputs[0].shape, reduction = attrs.string("reduction") ?? "mean"
        if x == inputs[1].shape { return reduction == "mean" ? "DivBackward1" : "NegBackward0" }
        if (attrs.optionalDouble("label_smoothing") ?? 0) > 0 { return "AddBackward0" }
        // nll_loss_nd runs the 2-d kernel on inputs of rank 3 and up (viewed as rank 4 beyond).
        if x.count > 4 && reduction == "none" { return "ViewBackward0" }
        return x.count >= 3 ? "NllLoss2DBackward0" : "NllLossBackward0"
    }

    /// The checked class weights, label smoothing and ignored class of a cross_entropy call.
    /// PyTorch ignores a negative label smoothing and rejects one above 1.
    static func crossEntropyOptions(_ attrs: Attrs, _ weight: Tensor?, _ layout: ClassLayout,
                                    _ probabilities: Bool) throws -> (weights: [Double]?, smoothing: Double, ignored: Double) {
        if let weight, weight.shape != [layout.classes] {
            throw OpError.shape("weight tensor should be defined either for all \(layout.classes) classes or no classes but got weight tensor of shape: \(describe(shape: weight.shape))")
        }
        let smoothing = try attrs.double("label_smoothing")
        guard smoothing <= 1 else { throw OpError.value("label_smoothing must be between 0.0 and 1.0. Got: \(smoothing)") }
        let ignored = try attrs.int("ignore_index")
        if probabilities && ignored != -100 { throw OpError.value("ignore_index is not supported for floating point target") }
        return (weight?.data, Swift.max(smoothing, 0), Double(ignored))
    }

    /// Whether a cross-entropy target holds probabilities (the input's shape) rather than
    /// class indices (the input's shape without its class dimension); checks both shapes.
    static func targetIsProbabilities(_ layout: ClassLayout, _ target: [Int]) throws -> Bool {
        let input = layout.shape
        if target == input { return true }
        guard target == layout.sampleShape else {
            if input.count == 2 && target.count == 1 {
                throw OpError.shape("Expected input batch_size (\(input[0])) to match target batch_size (\(target[0])).")
            }
            if input.count >= 3 {
                throw OpError.shape("Expected target size \(describe(shape: layout.sampleShape)), got \(describe(shape: target))")
            }
            throw OpError.shape("cross_entropy: target of shape \(describe(shape: target)) fits neither class indices (\(describe(shape: layout.sampleShape))) nor class probabilities (\(describe(shape: input)))")
        }
        return false
    }

    /// A class-index target as an integer in [0, classes).
    static func classIndex(_ value: Double, classes: Int) throws -> Int {
        guard value == value.rounded(), Swift.abs(value) < 1e15 else {
            throw OpError.value("cross_entropy: class index targets must be integers, got \(value)")
        }
        guard value >= 0 && Int(value) < classes else { throw OpError.value("Target \(Int(value)) is out of bounds.") }
        return Int(value)
    }
}

extension Variable {
    /// The cross-entropy of scores `self` ([C], [N, C] or [N, C, d1, ...], classes along dim 1)
    /// against class indices or class probabilities (see `Ops.crossEntropy`).
    public func crossEntropy(_ target: Variable, weight: Variable? = nil, ignoreIndex: Int = -100,
                             reduction: String = "mean", labelSmoothing: Double = 0) throws -> Variable {
        try apply(Ops.crossEntropy, [self, target, weight],
                  Attrs(["ignore_index": .int(ignoreIndex), "reduction": .string(reduction),
                         "label_smoothing": .double(labelSmoothing)]))
    }
}
