import Autograd

// The losses and the layer PyTorch composes from other ops (aten's CompositeImplicit
// functions and torch.nn.functional's Python), composed here the same way so that values,
// the output's node and every order of derivative are PyTorch's: margin_ranking_loss,
// hinge_embedding_loss, soft_margin_loss, poisson_nll_loss, gaussian_nll_loss,
// cosine_embedding_loss, triplet_margin_loss, multilabel_soft_margin_loss, group_norm.

extension Lowering {
    /// Their parameters, in PyTorch's positional order (the deprecated `size_average` and
    /// `reduce` included where PyTorch has them: `legacyReduction` reads them).
    static let composedFunctions: [(String, OpSpec)] = {
        let entry = Lowering.languageEntry
        func tensor(_ name: String) -> Param { Param(name, .tensor) }
        func number(_ name: String, _ value: Double) -> Param { Param(name, .double, default: .double(value)) }
        let legacy = [Param("size_average", .bool, default: AttrValue.none), Param("reduce", .bool, default: AttrValue.none)]
        let reduction = Param("reduction", .string(choices: ["none", "mean", "sum"]), default: .string("mean"))
        let optionalWeight = Param("weight", .tensor, default: AttrValue.none)
        return [
            entry("margin_ranking_loss", [tensor("input1"), tensor("input2"), tensor("target"), number("margin", 0)] + legacy + [reduction],
                  "max(0, -target * (input1 - input2) + margin), reduced"),
            entry("hinge_embedding_loss", [tensor("input"), tensor("target"), number("margin", 1)] + legacy + [reduction],
                  "input where target is 1, max(0, margin - input) where it is -1, reduced"),
            entry("soft_margin_loss", [tensor("input"), tensor("target")] + legacy + [reduction], "log(1 + exp(-target * input)), reduced"),
            entry("poisson_nll_loss", [tensor("input"), tensor("target"), Param("log_input", .bool, default: .bool(true)),
                                       Param("full", .bool, default: .bool(false)), legacy[0], number("eps", 1e-8), legacy[1], reduction],
                  "exp(input) - target * input (log_input=False: input - target * log(input + eps)), reduced"),
            entry("gaussian_nll_loss", [tensor("input"), tensor("target"), tensor("var"), Param("full", .bool, default: .bool(false)),
                                        number("eps", 1e-6), reduction],
                  "0.5 * (log(var) + (input - target)^2 / var), var clamped to eps without gradient effect, reduced"),
            entry("cosine_embedding_loss", [tensor("input1"), tensor("input2"), tensor("target"), number("margin", 0)] + legacy + [reduction],
                  "1 - cos where target is 1, max(0, cos - margin) where it is -1, reduced"),
            entry("triplet_margin_loss", [tensor("anchor"), tensor("positive"), tensor("negative"), number("margin", 1), number("p", 2),
                                          number("eps", 1e-6), Param("swap", .bool, default: .bool(false))] + legacy + [reduction],
                  "max(0, margin + d(anchor, positive) - d(anchor, negative)), reduced"),
            entry("multilabel_soft_margin_loss", [tensor("input"), tensor("target"), optionalWeight] + legacy + [reduction],
                  "-(target * logsigmoid(input) + (1 - target) * logsigmoid(-input)), averaged over classes, reduced"),
            entry("group_norm", [tensor("input"), Param("num_groups", .int), optionalWeight, Param("bias", .tensor, default: AttrValue.none),
                                 number("eps", 1e-5)],
                  "(input - mean) / sqrt(var + eps) over each group of channels, times weight plus bias (per channel)"),
        ]
    }()

    /// The value of a composed loss or layer, or nil when `name` is not one.
    func composed(_ name: String, _ inputs: [Variable], _ attrs: Attrs, node: Node) throws -> Value? {
        guard Lowering.composedFunctions.contains(where: { $0.0 == name }) else { return nil }
        func op(_ name: String) throws -> OpSpec { try registryOp(name, at: node.detail) }
        func run(_ name: String, _ operands: [Variable], _ attrs: Attrs = [:]) throws -> Variable {
            try runOp(try op(name), operands, attrs, node: node)
        }
        func renamedRun(_ name: String, _ gradFn: String, _ operands: [Variable], _ attrs: Attrs = [:]) throws -> Variable {
            try runOp(Lowering.renamed(try op(name), gradFn: gradFn), operands, attrs, node: node)
        }
        func number(_ x: Double) -> Variable { Variable(x) }
        func reduced(_ loss: Variable, renamedTo gradFn: String? = nil) throws -> Value {
            switch attrs.string("reduction") ?? "mean" {
            case "none": return .tensor(loss)
            case let how:
                if let gradFn { return .tensor(try renamedRun(how, gradFn, [loss])) }
                return .tensor(try run(how, [loss]))
            }
        }
        func zerosLike(_ v: Variable) -> Variable { Variable(Tensor.zeros(v.shape)) }
        func equals(_ target: Variable, _ value: Double, _ equal: Bool) -> Variable {
            Variable(Tensor(shape: target.shape, data: target.value.data.map { ($0 == value) == equal ? 1 : 0 }, dtype: .bool))
        }
        let x = inputs[0]
        switch name {
        case "margin_ranking_loss":
            let difference = try run("sub", [x, inputs[1]])
            let unclamped = try run("add", [try run("mul", [try run("neg", [inputs[2]]), difference]), number(try attrs.double("margin"))])
            return try reduced(try run("clamp_min", [unclamped], ["min": .double(0)]))
        case "hinge_embedding_loss":
            let target = inputs[1]
            let marginClamp = try run("clamp_min", [try run("sub", [number(try attrs.double("margin")), x])], ["min": .double(0)])
            let outputMargin = try run("where", [equals(target, 1, false), marginClamp, zerosLike(marginClamp)])
            let outputSelf = try run("where", [equals(target, -1, false), x, zerosLike(x)])
            return try reduced(try run("add", [outputMargin, outputSelf]))
        case "soft_margin_loss":
            // PyTorch's native op has no derivative for target, and says so.
            guard !inputs[1].requiresGrad else {
                throw Diagnostic.opFailed(.value("The function 'soft_margin_loss' is not differentiable with respect to argument 'target'. This input cannot have requires_grad True."), at: node.range)
            }
            let pointwise = try run("exp", [try run("neg", [try run("mul", [x, inputs[1]])])])
            if attrs.string("reduction") == "none" { return .tensor(try renamedRun("log1p", "SoftMarginLossBackward0", [pointwise])) }
            return try reduced(try run("log1p", [pointwise]), renamedTo: "SoftMarginLossBackward0")
        case "poisson_nll_loss":
            let target = inputs[1]
            var loss = attrs.bool("log_input")
                ? try run("sub", [try run("exp", [x]), try run("mul", [target, x])])
                : try run("sub", [x, try run("mul", [target, try run("log", [try run("add", [x, number(try attrs.double("eps"))])])])])
            if attrs.bool("full") {
                let logTarget = try run("log", [target])
                let stirling = try run("add", [try run("sub", [try run("mul", [target, logTarget]), target]),
                                               try run("mul", [number(0.5), try run("log", [try run("mul", [number(2 * Double.pi), target])])])])
                let small = Variable(Tensor(shape: target.shape, data: target.value.data.map { $0 <= 1 ? 1 : 0 }, dtype: .bool))
                loss = try run("add", [loss, try run("masked_fill", [stirling, small, Variable(wrappedNumber: 0, dtype: .float64)])])
            }
            return try reduced(loss)
        case "gaussian_nll_loss":
            let target = inputs[1]
            var variance = inputs[2]
            if variance.shape != x.shape {
                if Array(x.shape.dropLast()) == variance.shape {
                    variance = try run("unsqueeze", [variance], ["dim": .int(-1)])
                } else if !(Array(x.shape.dropLast()) == Array(variance.shape.dropLast()) && variance.shape.last == 1) {
                    throw Diagnostic.opFailed(.value("var is of incorrect size"), at: node.range)
                }
            }
            guard !variance.value.data.contains(where: { $0 < 0 }) else {
                throw Diagnostic.opFailed(.value("var has negative entry/entries"), at: node.range)
            }
            // PyTorch clamps a clone in place without recording it: the value is clamped, the gradient passes as if not.
            let eps = try attrs.double("eps")
            let shift = Variable(Tensor(shape: variance.shape, data: variance.value.data.map { Swift.max($0, eps) - $0 }))
            let clamped = try run("add", [try run("clone", [variance]), shift])
            let difference = try run("sub", [x, target])
            let quotient = try run("div", [try run("pow", [difference, number(2)]), clamped])
            var loss = try run("mul", [number(0.5), try run("add", [try run("log", [clamped]), quotient])])
            if attrs.bool("full") { loss = try run("add", [loss, number(0.9189385332046727)]) }
            return try reduced(loss)
        case "cosine_embedding_loss":
            let target = inputs[2], dim: Attrs = ["dim": .int(target.shape.count)]
            let productSum = try run("sum", [try run("mul", [x, inputs[1]])], dim)
            let magnitude1 = try run("add", [try run("sum", [try run("mul", [x, x])], dim), number(1e-12)])
            let magnitude2 = try run("add", [try run("sum", [try run("mul", [inputs[1], inputs[1]])], dim), number(1e-12)])
            let cosine = try run("div", [productSum, try run("sqrt", [try run("mul", [magnitude1, magnitude2])])])
            let positive = try run("sub", [number(1), cosine])
            let negative = try run("clamp_min", [try run("sub", [cosine, number(try attrs.double("margin"))])], ["min": .double(0)])
            let output = try run("add", [try run("where", [equals(target, 1, true), positive, zerosLike(cosine)]),
                                         try run("where", [equals(target, -1, true), negative, zerosLike(cosine)])])
            return try reduced(output)
        case "triplet_margin_loss":
            func distance(_ a: Variable, _ b: Variable) throws -> Variable {
                guard case .tensor(let d) = try languageFunction("pairwise_distance", [a, b],
                                                                  ["p": attrs["p"], "eps": attrs["eps"], "keepdim": .bool(false)], node: node) else {
                    throw Diagnostic.opFailed(.value("pairwise_distance gave a tuple"), at: node.range)
                }
                return d
            }
            let positive = try distance(x, inputs[1])
            var negative = try distance(x, inputs[2])
            if attrs.bool("swap") { negative = try run("minimum", [negative, try distance(inputs[1], inputs[2])]) }
            let output = try run("clamp_min", [try run("sub", [try run("add", [number(try attrs.double("margin")), positive]), negative])],
                                 ["min": .double(0)])
            return try reduced(output)
        case "multilabel_soft_margin_loss":
            guard !x.shape.isEmpty else {
                throw Diagnostic.opFailed(.value("Dimension specified as -1 but tensor has no dimensions"), at: node.range)
            }
            let target = inputs[1]
            let positive = try run("mul", [target, try run("logsigmoid", [x])])
            let negative = try run("mul", [try run("sub", [number(1), target]), try run("logsigmoid", [try run("neg", [x])])])
            var loss = try run("neg", [try run("add", [positive, negative])])
            if attrs.bool("weight") { loss = try run("mul", [loss, inputs[2]]) }
            let classDim = x.shape.count - 1
            loss = try run("div", [try run("sum", [loss], ["dim": .int(classDim)]), number(Double(x.shape[classDim]))])
            return try reduced(loss)
        case "group_norm":
            let shape = x.shape, groups = try attrs.int("num_groups")
            guard shape.count >= 2, groups > 0, shape[1] % groups == 0 else {
                throw Diagnostic.opFailed(.value("Expected number of channels in input to be divisible by num_groups, but got input of shape \(Autograd.describe(shape: shape)) and num_groups=\(groups)"), at: node.range)
            }
            let grouped = try run("reshape", [x], ["shape": .ints([shape[0], groups, -1])])
            let mean = try run("mean", [grouped], ["dim": .int(-1), "keepdim": .bool(true)])
            let centered = try run("sub", [grouped, mean])
            let variance = try run("mean", [try run("mul", [centered, centered])], ["dim": .int(-1), "keepdim": .bool(true)])
            let normalized = try run("mul", [centered, try run("rsqrt", [try run("add", [variance, number(try attrs.double("eps"))])])])
            let weight = attrs.bool("weight") ? inputs[1] : nil
            let bias = attrs.bool("bias") ? inputs[weight == nil ? 1 : 2] : nil
            let final = "NativeGroupNormBackward0"
            var y = weight == nil && bias == nil ? try renamedRun("reshape", final, [normalized], ["shape": .ints(shape)])
                : try run("reshape", [normalized], ["shape": .ints(shape)])
            let perChannel = AttrValue.ints([shape[1]] + [Int](repeating: 1, count: shape.count - 2))
            if let weight {
                let w = try run("reshape", [weight], ["shape": perChannel])
                y = bias == nil ? try renamedRun("mul", final, [y, w]) : try run("mul", [y, w])
            }
            if let bias { y = try renamedRun("add", final, [y, try run("reshape", [bias], ["shape": perChannel])]) }
            return .tensor(y)
        default:
            return nil
        }
    }
}
