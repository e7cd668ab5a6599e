import Autograd

// The language functions: PyTorch methods and functions that are not registry ops. Some read a
// tensor's shape or return the tensor itself (`size`, `contiguous`), some build tuples from
// registry ops (`chunk`, `aminmax`), and some are composed from registry ops exactly as PyTorch
// composes them (`normalize`, `layer_norm`), so values, node names and every order of
// derivative are PyTorch's.

extension Lowering {
    // MARK: Language functions

    /// Registry ops under the `grad_fn` name PyTorch gives a function built from them
    /// (`chunk` makes `SplitBackward0` nodes), by op name and node name.
    static let renamedOps: [String: OpSpec] = {
        let pairs = [("slice", "SplitBackward0"), ("slice", "SplitWithSizesBackward0"), ("select", "UnbindBackward0"),
                     ("amin", "AminmaxBackward0"), ("amax", "AminmaxBackward0"), ("std", "StdMeanBackward0"),
                     ("mean", "StdMeanBackward0"), ("var", "VarMeanBackward0"), ("mean", "VarMeanBackward0"),
                     ("select", "IndexBackward0"), ("clone", "AliasBackward0"), ("sub", "RsubBackward1"),
                     ("norm", "NormBackward1"), ("add", "NativeLayerNormBackward0"),
                     ("mul", "NativeLayerNormBackward0"), ("reshape", "NativeGroupNormBackward0"), ("mul", "NativeGroupNormBackward0"),
                     ("add", "NativeGroupNormBackward0"), ("log1p", "SoftMarginLossBackward0"), ("mean", "SoftMarginLossBackward0"),
                     ("sum", "SoftMarginLossBackward0"), ("mul", "GluBackward0"), ("reshape", "UnsafeViewBackward0"),
                     ("reshape", "ViewBackward0"), ("sum", "ViewBackward0"), ("sqrt", "ViewBackward0"), ("norm", "CdistBackward0"), ("sub", "CdistBackward0"),
                     ("reshape", "SqueezeBackward4"), ("add", "AddmvBackward0"), ("add", "BaddbmmBackward0")]
        var table: [String: OpSpec] = [:]
        for (op, gradFn) in pairs {
            guard let spec = Registry.lookup(op) else { continue }
            // `var_mean` and `std_mean` compute both parts in one kernel (Welford's, for float32).
            let isPart = gradFn == "StdMeanBackward0" || gradFn == "VarMeanBackward0"
            let forward = !isPart ? spec.forward
                : op == "mean" ? Ops.varianceMean : Ops.varianceForward(takeSqrt: op == "std", forMean: true)
            table[op + "/" + gradFn] = spec.renamed(gradFn: gradFn, forward: forward)
        }
        return table
    }()

    /// `spec` printing `gradFn` as its node's name.
    static func renamed(_ spec: OpSpec, gradFn: String) -> OpSpec { renamedOps[spec.name + "/" + gradFn] ?? spec }

    /// The entry of a language function: its parameters bind as an op's do, and `dispatch`
    /// computes it (the forward here is never called).
    static func languageEntry(_ name: String, _ params: [Param], _ summary: String) -> (String, OpSpec) {
        (name, OpSpec(name, params: params, gradFn: "", summary: summary,
                      forward: { _ in throw OpError.value("\(name) is evaluated by the language") },
                      derivative: .notDifferentiable("")))
    }

    /// Methods and functions of PyTorch that are not graph ops: they read a tensor's shape,
    /// return the tensor itself, or build a tuple from registry ops. Their parameters bind as
    /// an op's do; `callValue` computes them.
    static let languageFunctions: [String: OpSpec] = {
        let entry = Lowering.languageEntry
        let input = Param("input", .tensor), other = Param("other", .tensor)
        let dim0 = Param("dim", .int, default: .int(0)), optionalDim = Param("dim", .ints, default: AttrValue.none)
        let keepdim = Param("keepdim", .bool, default: .bool(false))
        return Dictionary(uniqueKeysWithValues: [
            entry("size", [input, Param("dim", .int, default: AttrValue.none)], "the shape, or its size at dim"),
            entry("dim", [input], "the number of dimensions"),
            entry("ndimension", [input], "the number of dimensions"),
            entry("numel", [input], "the number of elements"),
            entry("nelement", [input], "the number of elements"),
            entry("item", [input], "the value of a one-element tensor"),
            entry("contiguous", [input], "the tensor itself"),
            entry("view_as", [input, other], "input viewed in other's shape"),
            entry("reshape_as", [input, other], "input reshaped to other's shape"),
            entry("expand_as", [input, other], "input expanded to other's shape"),
            entry("type_as", [input, other], "input (one floating dtype here)"),
            entry("aminmax", [input, Param("dim", .int, default: AttrValue.none), keepdim], "(min, max)"),
            entry("std_mean", [input, optionalDim, Param("unbiased", .bool, default: AttrValue.none), keepdim,
                               Param("correction", .double, default: AttrValue.none)], "(std, mean)"),
            entry("var_mean", [input, optionalDim, Param("unbiased", .bool, default: AttrValue.none), keepdim,
                               Param("correction", .double, default: AttrValue.none)], "(var, mean)"),
            entry("chunk", [input, Param("chunks", .int), dim0], "a tuple of chunks along dim"),
            entry("split", [input, Param("split_size_or_sections", .ints), dim0], "a tuple of pieces along dim"),
            entry("unbind", [input, dim0], "a tuple of the slices along dim"),
            // Functions PyTorch composes from other ops, composed here the same way, so the
            // output's node and every order of derivative are PyTorch's.
            entry("normalize", [input, Param("p", .double, default: .double(2)), Param("dim", .int, default: .int(1)),
                                Param("eps", .double, default: .double(1e-12))], "input / max(norm(input, p, dim), eps)"),
            entry("cosine_similarity", [Param("x1", .tensor), Param("x2", .tensor), Param("dim", .int, default: .int(1)),
                                        Param("eps", .double, default: .double(1e-8))],
                  "sum(x1 / max(|x1|, eps) * x2 / max(|x2|, eps), dim)"),
            entry("pairwise_distance", [Param("x1", .tensor), Param("x2", .tensor), Param("p", .double, default: .double(2)),
                                        Param("eps", .double, default: .double(1e-6)), keepdim],
                  "norm(x1 - x2 + eps, p) over the last dimension"),
            entry("kl_div", [input, Param("target", .tensor), Param("size_average", .bool, default: AttrValue.none),
                             Param("reduce", .bool, default: AttrValue.none),
                             Param("reduction", .string(choices: ["none", "mean", "sum", "batchmean"]), default: .string("mean")),
                             Param("log_target", .bool, default: .bool(false))],
                  "target * (log(target) - input), reduced (input holds log-probabilities)"),
            entry("einsum", [Param("equation", .string(choices: [])), Param("a", .tensor), Param("b", .tensor, default: AttrValue.none)],
                  "Einstein summation of one or two operands: einsum('ij,jk->ik', a, b)"),
            entry("softmin", [input, Param("dim", .int, default: AttrValue.none)], "softmax(-input) along dim"),
            // The decompositions' tuples: one registry op per element (see `decompositionTuples`).
            entry("eigh", [input, Param("UPLO", .string(choices: ["L", "U"]), default: .string("L"))],
                  "(eigenvalues, eigenvectors) of a symmetric matrix, eigenvalues ascending"),
            entry("linalg.svd", [input, Param("full_matrices", .bool, default: .bool(true))], "(U, S, Vh) with A = U diag(S) Vh, S descending"),
            entry("svd", [input, Param("some", .bool, default: .bool(true)), Param("compute_uv", .bool, default: .bool(true))],
                  "torch.svd: (U, S, V) with A = U diag(S) V^T"),
            entry("linalg.qr", [input, Param("mode", .string(choices: ["reduced", "complete"]), default: .string("reduced"))],
                  "(Q, R) with A = Q R, R upper triangular (LAPACK's signs)"),
            entry("qr", [input, Param("some", .bool, default: .bool(true))], "torch.qr: (Q, R); some=False is mode='complete'"),
            entry("matrix_power", [input, Param("n", .int)], "input @ input @ ... n times (n < 0: of the inverse), as PyTorch multiplies"),
            entry("linalg.cross", [input, other, Param("dim", .int, default: .int(-1))], "the cross product along dim (default the last)"),
            entry("layer_norm", [input, Param("normalized_shape", .ints), Param("weight", .tensor, default: AttrValue.none),
                                 Param("bias", .tensor, default: AttrValue.none), Param("eps", .double, default: .double(1e-5))],
                  "(input - mean) / sqrt(var + eps) over the last dims, times weight plus bias"),
        ] + Lowering.composedFunctions + Lowering.compositeFunctions + Lowering.normFunctions
            + Lowering.contractionFunctions + Lowering.quantileFunctions)
    }()

    /// The language functions in help order, for `gradcli help functions`.
    static var languageFunctionList: [OpSpec] { languageFunctions.values.sorted { $0.name < $1.name } }

    /// The tuple-returning ops: the indices op that completes each, and the field names.
    /// `max`, `min`, `median` and `nanmedian` return a tuple only with a `dim`.
    /// A switch rather than a table: every call asks, and a table would build the sorting
    /// family's entries on every run.
    static func tupleOp(_ name: String) -> (indices: OpSpec, needsDim: Bool)? {
        switch name {
        case "max": return (Ops.maxIndices, true)
        case "min": return (Ops.minIndices, true)
        case "median": return (Ops.medianIndices, true)
        case "nanmedian": return (Ops.nanmedianIndices, true)
        case "sort": return (Ops.sortIndices, false)
        case "topk": return (Ops.topkIndices, false)
        case "kthvalue": return (Ops.kthvalueIndices, false)
        case "mode": return (Ops.modeIndices, false)
        case "cummax": return (Ops.cummaxIndices, false)
        case "cummin": return (Ops.cumminIndices, false)
        default: return nil
        }
    }

    /// Runs a bound call: a registry op, a tuple-returning op, or a language function.
    mutating func callValue(_ plan: CallPlan, node: Node) throws -> Value {
        if let bounded = try clampToTensorBound(plan, node: node) { return .tensor(bounded) }
        let (inputs, bound) = try arguments(plan, node: node)
        return try dispatch(plan.spec, inputs, bound, node: node)
    }

    /// Runs function `spec` on bound arguments (optional tensors marked in `bound`, as
    /// `apply` takes them): a registry op, a tuple-returning op, or a language function.
    /// Expressions and `gradcli run` both call here, so a name means the same in both.
    func dispatch(_ spec: OpSpec, _ inputs: [Variable], _ bound: Attrs, node: Node) throws -> Value {
        let attrs = Lowering.legacyReduction(bound)
        let name = spec.name
        func run(_ spec: OpSpec, _ inputs: [Variable], _ attrs: Attrs) throws -> Variable {
            try runOp(spec, inputs, attrs, node: node)
        }
        if Lowering.languageFunctions[name] === spec || name == "slogdet" {
            var filled = attrs
            for param in spec.params where !param.isTensor && !filled.contains(param.name) {
                if let value = param.defaultValue { filled[param.name] = value }
            }
            if let value = try decomposition(name, inputs, filled, node: node) { return value }
            if let value = try composed(name, inputs, filled, node: node) { return value }
            if let value = try composite(name, inputs, filled, node: node) { return value }
            if let value = try norm(name, inputs, filled, node: node) { return value }
            if let value = try contraction(name, inputs, filled, node: node) { return value }
            if let value = try quantile(name, inputs, filled, node: node) { return value }
            return try languageFunction(name, inputs, filled, node: node)
        }
        if name == "norm", case .string(let order) = attrs["p"] {
            return .tensor(try namedOrderNorm(order, inputs[0], attrs, node: node))
        }
        if let tuple = Lowering.tupleOp(name), !tuple.needsDim || attrs["dim"] != .none {
            let values = try run(spec, inputs, attrs)
            let indices = try withNoGrad { try run(tuple.indices, inputs, attrs) }
            return .tuple([values, indices], names: ["values", "indices"], origin: name)
        }
        return .tensor(try run(spec, inputs, attrs))
    }

    /// `attrs` with PyTorch's deprecated `size_average` and `reduce` turned into the
    /// `reduction` they mean (`_Reduction.legacy_get_string`): either given overrides it.
    static func legacyReduction(_ attrs: Attrs) -> Attrs {
        guard attrs["size_average"] != .none || attrs["reduce"] != .none else { return attrs }
        var result = attrs
        let sizeAverage = attrs["size_average"] == .none || attrs.bool("size_average")
        let reduce = attrs["reduce"] == .none || attrs.bool("reduce")
        result["reduction"] = .string(sizeAverage && reduce ? "mean" : reduce ? "sum" : "none")
        result["size_average"] = AttrValue.none
        result["reduce"] = AttrValue.none
        return result
    }

    /// A Python integer as a 0-d tensor.
    func pythonInt(_ i: Int, _ node: Node) -> Variable {
        tagged(Variable(Tensor(shape: [], data: [Double(i)], dtype: .int64)), node.range)
    }

    /// Applies `spec`, pointing a failure at the call.
    func runOp(_ spec: OpSpec, _ inputs: [Variable], _ attrs: Attrs, node: Node) throws -> Variable {
        do {
            return tagged(try apply(spec, inputs, attrs), node.range)
        } catch let error as OpError {
            throw Diagnostic.opFailed(error, at: node.range)
        }
    }

    func languageFunction(_ name: String, _ inputs: [Variable], _ attrs: Attrs, node: Node) throws -> Value {
        func run(_ spec: OpSpec, _ inputs: [Variable], _ attrs: Attrs) throws -> Variable {
            try runOp(spec, inputs, attrs, node: node)
        }
        let x = inputs[0]
        let shape = x.shape
        // The node names PyTorch gives the parts.
        let nodeName = ["chunk": "SplitBackward0", "split": "SplitBackward0", "unbind": "UnbindBackward0",
                        "aminmax": "AminmaxBackward0", "std_mean": "StdMeanBackward0", "var_mean": "VarMeanBackward0"][name]
        func op(_ op: String) throws -> OpSpec {
            let spec = try registryOp(op, at: node.detail)
            guard let nodeName, ["slice", "select", "amin", "amax", "std", "var", "mean"].contains(op) else { return spec }
            if name == "split", case .ints = attrs["split_size_or_sections"] { return Lowering.renamed(spec, gradFn: "SplitWithSizesBackward0") }
            return Lowering.renamed(spec, gradFn: nodeName)
        }
        func dimension() throws -> Int {
            do { return try Ops.normalizedDim(attrs.int("dim"), rank: shape.count) } catch let error as OpError {
                throw Diagnostic.opFailed(error, at: node.range)
            }
        }
        func pieces(_ sizes: [Int], dim: Int) throws -> Value {
            var start = 0
            var parts: [Variable] = []
            for size in sizes {
                parts.append(try run(op("slice"), [x], ["dim": .int(dim), "start": .int(start), "end": .int(start + size), "step": .int(1)]))
                start += size
            }
            return .tuple(parts, names: [], origin: name)
        }
        switch name {
        case "size":
            if attrs["dim"] == .none { return .tuple(shape.map { pythonInt($0, node) }, names: [], origin: "size") }
            return .tensor(pythonInt(shape[try dimension()], node))
        case "dim", "ndimension": return .tensor(pythonInt(shape.count, node))
        case "numel", "nelement": return .tensor(pythonInt(x.value.count, node))
        case "item":
            guard x.value.count == 1 else {
                throw Diagnostic.opFailed(.value("a Tensor with \(x.value.count) elements cannot be converted to Scalar"), at: node.range)
            }
            return .tensor(tagged(Variable(x.value.data[0]), node.range))
        case "contiguous", "type_as": return .tensor(x)
        case "view_as": return .tensor(try run(op("view"), [x], ["shape": .ints(inputs[1].shape)]))
        case "reshape_as": return .tensor(try run(op("reshape"), [x], ["shape": .ints(inputs[1].shape)]))
        case "expand_as": return .tensor(try run(op("expand"), [x], ["size": .ints(inputs[1].shape)]))
        case "aminmax":
            var reduce = Attrs(["keepdim": attrs["keepdim"]])
            if attrs["dim"] != .none { reduce["dim"] = attrs["dim"] }
            return .tuple([try run(op("amin"), [x], reduce), try run(op("amax"), [x], reduce)], names: ["min", "max"], origin: name)
        case "std_mean", "var_mean":
            // PyTorch names the pair in its refusal of an integer input.
            guard x.value.dtype.isFloatingPoint else {
                throw Diagnostic.opFailed(.value("\(name) only support floating point and complex dtypes"), at: node.range)
            }
            let spread = try run(op(name == "std_mean" ? "std" : "var"), [x], attrs)
            let mean = try run(op("mean"), [x], ["dim": attrs["dim"], "keepdim": attrs["keepdim"]])
            return .tuple([spread, mean], names: [], origin: name)
        case "chunk":
            guard !shape.isEmpty else { throw Diagnostic.opFailed(.value("chunk expects at least a 1-dimensional tensor"), at: node.range) }
            let dim = try dimension(), chunks = try attrs.int("chunks")
            guard chunks > 0 else { throw Diagnostic.opFailed(.value("chunk expects `chunks` to be greater than 0, got: \(chunks)"), at: node.range) }
            let size = shape.isEmpty ? 0 : (shape[dim] + chunks - 1) / chunks
            let count = size == 0 ? 1 : (shape[dim] + size - 1) / size
            return try pieces((0..<count).map { Swift.min(size, shape[dim] - $0 * size) }, dim: dim)
        case "split":
            guard !shape.isEmpty else { throw Diagnostic.opFailed(.value("split expects at least a 1-dimensional tensor"), at: node.range) }
            let dim = try dimension()
            let sizes = attrs.optionalInts("split_size_or_sections") ?? []
            if case .int(let size) = attrs["split_size_or_sections"] {
                guard size > 0 else { throw Diagnostic.opFailed(.value("split expects split_size be non-negative, but got split_size=\(size)"), at: node.range) }
                let count = Swift.max(1, (shape[dim] + size - 1) / size)
                return try pieces((0..<count).map { Swift.min(size, shape[dim] - $0 * size) }, dim: dim)
            }
            guard sizes.reduce(0, +) == shape[dim] else {
                throw Diagnostic.opFailed(.value("split_with_sizes expects split_sizes to sum exactly to \(shape[dim]) (input tensor's size at dimension \(dim)), but got split_sizes=\(AttrValue.ints(sizes))"), at: node.range)
            }
            return try pieces(sizes, dim: dim)
        case "normalize":
            let norm = try run(op("norm"), [x], ["p": attrs["p"], "dim": attrs["dim"], "keepdim": .bool(true)])
            let denominator = try run(op("clamp_min"), [norm], ["min": attrs["eps"]])
            return .tensor(try run(op("div"), [x, try run(op("expand"), [denominator], ["size": .ints(shape)])], [:]))
        case "cosine_similarity":
            let broadcast: [Int]
            do { broadcast = try Tensor.broadcastShapeOrThrow(x.shape, inputs[1].shape) } catch let error as OpError { throw Diagnostic.opFailed(error, at: node.range) }
            func unit(_ v: Variable) throws -> Variable {
                let expanded = v.shape == broadcast ? v : try run(op("expand"), [v], ["size": .ints(broadcast)])
                let norm = try run(op("norm"), [expanded], ["p": .double(2), "dim": attrs["dim"], "keepdim": .bool(true)])
                return try run(op("div"), [expanded, try run(op("clamp_min"), [norm], ["min": attrs["eps"]])], [:])
            }
            let product = try run(op("mul"), [try unit(x), try unit(inputs[1])], [:])
            return .tensor(try run(op("sum"), [product], ["dim": attrs["dim"]]))
        case "pairwise_distance":
            let difference = try run(op("add"), [try run(op("sub"), [x, inputs[1]], [:]), Variable(try attrs.double("eps"))], [:])
            return .tensor(try run(Lowering.renamed(try op("norm"), gradFn: "NormBackward1"), [difference],
                                   ["p": attrs["p"], "dim": .int(-1), "keepdim": attrs["keepdim"]]))
        case "kl_div":
            // Loss.cpp's kl_div; PyTorch's build computes the right operand first, so its node
            // is the older one and backward reaches it last (the gradients add in that order).
            let target = inputs[1]
            let pointwise: Variable
            if attrs.bool("log_target") {
                let difference = try run(op("sub"), [target, x], [:])
                pointwise = try run(op("mul"), [try run(op("exp"), [target], [:]), difference], [:])
            } else {
                let product = try run(op("mul"), [target, x], [:])
                pointwise = try run(op("sub"), [try run(op("xlogy"), [target, target], [:]), product], [:])
            }
            switch attrs.string("reduction") ?? "mean" {
            case "none": return .tensor(pointwise)
            case "sum": return .tensor(try run(op("sum"), [pointwise], [:]))
            case "batchmean":
                let total = try run(op("sum"), [pointwise], [:])
                // Divided by the batch size as a Python int: the loss keeps its dtype.
                return .tensor(try run(op("div"), [total, Variable(wrappedNumber: Double(shape.first ?? 1), dtype: .int64)], [:]))
            default: return .tensor(try run(op("mean"), [pointwise], [:]))
            }
        case "layer_norm":
            let normalized = attrs.optionalInts("normalized_shape") ?? []
            guard normalized.count <= shape.count, Array(shape.suffix(normalized.count)) == normalized else {
                throw Diagnostic.opFailed(.shape("Given normalized_shape=\(Autograd.describe(shape: normalized)), expected input with shape [*, \(normalized.map(String.init).joined(separator: ", "))], but got input of size\(Autograd.describe(shape: shape))"), at: node.range)
            }
            guard x.value.dtype.isFloatingPoint else {  // PyTorch's kernel, not mean's message
                throw Diagnostic.opFailed(.value("\"LayerNormKernelImpl\" not implemented for '\(x.value.dtype.pytorchTypeName)'"), at: node.range)
            }
            let dims = AttrValue.ints(Array((shape.count - normalized.count)..<shape.count))
            let mean = try run(op("mean"), [x], ["dim": dims, "keepdim": .bool(true)])
            let centered = try run(op("sub"), [x, mean], [:])
            let variance = try run(op("mean"), [try run(op("mul"), [centered, centered], [:])], ["dim": dims, "keepdim": .bool(true)])
            let rstd = try run(op("rsqrt"), [try run(op("add"), [variance, Variable(try attrs.double("eps"))], [:])], [:])
            let weight = attrs.bool("weight") ? inputs[1] : nil
            let bias = attrs.bool("bias") ? inputs[weight == nil ? 1 : 2] : nil
            let final = { (name: String) throws -> OpSpec in Lowering.renamed(try op(name), gradFn: "NativeLayerNormBackward0") }
            var y = try run(weight == nil && bias == nil ? try final("mul") : try op("mul"), [centered, rstd], [:])
            if let weight { y = try run(bias == nil ? try final("mul") : try op("mul"), [y, weight], [:]) }
            if let bias { y = try run(try final("add"), [y, bias], [:]) }
            return .tensor(y)
        case "einsum":
            return .tensor(try einsum(attrs, inputs, node: node))
        case "softmin":
            return .tensor(try run(op("softmax"), [try run(op("neg"), [x], [:])], ["dim": attrs["dim"]]))
        case "unbind":
            guard !shape.isEmpty else {
                throw Diagnostic.opFailed(.value("Dimension specified as \(attrs.optionalInt("dim") ?? 0) but tensor has no dimensions"), at: node.range)
            }
            let dim = try dimension()
            return .tuple(try (0..<shape[dim]).map { try run(op("select"), [x], ["dim": .int(dim), "index": .int($0)]) },
                          names: [], origin: name)
        default:
            throw Diagnostic.unknownFunction(name, suggestion: nil, at: node.detail)
        }
    }
}
