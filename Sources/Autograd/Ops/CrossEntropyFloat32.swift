// float32 cross_entropy as PyTorch composes it, each step a float32 op: nll_loss of the
// float32 log_softmax for class indices (plus its label-smoothing term), and
// -(log_softmax * target [* weight]).sum() for probabilities. Reductions are PyTorch's float sums.

extension Ops {
    /// A float32 tensor of `f` over two tensors (broadcasting), each result a float operation.
    static func float32Zip(_ a: Tensor, _ b: Tensor, _ f: (Float, Float) -> Float) throws -> Tensor {
        let out = try Tensor.zip(a, b) { Double(f(Float($0), Float($1))) }
        return Tensor(shape: out.shape, data: out.data, dtype: .float32)
    }

    /// The float32 sum over `dims` in PyTorch's order.
    static func float32Sum(_ x: Tensor, _ dims: [Int]) -> Tensor {
        Tensor(shape: x.shape, data: x.data, dtype: .float32).summed(dims: dims, keepdim: false)
    }

    /// cross_entropy of a float32 input, or nil where gradcli computes it in double (class
    /// indices on inputs of rank 3 and up, whose nll_loss2d sum order is not reproduced).
    static func float32CrossEntropy(_ args: ForwardArgs, _ layout: ClassLayout, probabilities: Bool, smoothing: Double) throws -> Tensor? {
        let x = args[0], t = args[1], weight = args.optional("weight")
        guard probabilities || x.rank <= 2 else { return nil }
        let logp = TorchFloat32Math.softmax(x, dim: layout.classDim, log: true)
        let reduction = try reductionName(args.attrs), classes = layout.classes
        let classWeight = try weight?.reshaped(layout.weightShape)
        if probabilities {
            var target = t
            if smoothing > 0 {
                target = try float32Zip(t, Tensor(Double(Float(1 - smoothing)))) { $0 * $1 }
                target = try float32Zip(target, Tensor(Double(Float(smoothing / Double(classes))))) { $0 + $1 }
            }
            var product = try float32Zip(logp, target) { $0 * $1 }
            if let classWeight { product = try float32Zip(product, classWeight) { $0 * $1 } }
            if reduction == "none" { return float32Sum(product, [layout.classDim]).map { -$0 } }
            let total = -Float(float32Sum(product, Array(0..<x.rank)).data[0])
            return Tensor(Double(reduction == "sum" ? total : total / Float(layout.samples)))
        }
        let picks = try nllPicks(layout, t, weight, args.attrs)
        var nll: Tensor
        if reduction == "none" {
            var losses = [Double](repeating: 0, count: layout.samples)
            for (s, offset, w) in picks.terms { losses[s] = Double(-Float(logp.data[offset]) * Float(w)) }
            nll = Tensor(shape: layout.sampleShape, data: losses, dtype: .float32)
        } else {
            nll = Tensor(Double(float32NllReduction(logp, picks.terms, weighted: weight != nil, samples: layout.samples, mean: reduction == "mean")))
        }
        guard smoothing > 0 else { return nll }
        // PyTorch's label smoothing: (1 - s) * nll + smooth * (s / C), where smooth is
        // -(log_softmax [* weight]).sum(class dim), 0 at ignored targets, reduced as nll is.
        let weighted = try classWeight.map { try float32Zip(logp, $0) { $0 * $1 } } ?? logp
        var smooth = float32Sum(weighted, [layout.classDim]).map { -$0 }
        let counted = Set(picks.terms.map(\.sample))
        for s in 0..<smooth.count where !counted.contains(s) { smooth.data[s] = 0 }
        smooth = Tensor(shape: smooth.shape, data: smooth.data, dtype: .float32)
        switch reduction {
        case "none": break
        case "sum": smooth = float32Sum(smooth, Array(0..<smooth.rank))
        default:
            let sum = Float(float32Sum(smooth, Array(0..<smooth.rank)).data[0])
            let divisor: Float
            if weight != nil {
                let gathered = Tensor(shape: [picks.terms.count], data: picks.terms.map(\.weight), dtype: .float32)
                divisor = Float(float32Sum(gathered, [0]).data[0])
            } else {
                divisor = Float(picks.terms.count)
            }
            smooth = Tensor(Double(sum / divisor))
        }
        let first = try float32Zip(nll, Tensor(Double(Float(1 - smoothing)))) { $0 * $1 }
        let second = try float32Zip(smooth, Tensor(Double(Float(smoothing / Double(classes))))) { $0 * $1 }
        return try float32Zip(second.reshaped(first.shape), first) { $1 + $0 }
    }
}
