import Autograd

// Tensor functions PyTorch composes from other ops, composed here the same way: fliplr,
// flipud, movedim, unflatten, tile, tanhshrink, glu, kron, masked_select, take, addmv,
// baddbmm, gumbel_softmax, and dropout without training.

extension Lowering {
    /// The strings Python's float() reads as infinities and NaN.
    static let floatNames = ["inf", "-inf", "+inf", "Inf", "-Inf", "infinity", "-infinity", "Infinity", "-Infinity", "nan", "NaN"]

    static let compositeFunctions: [(String, OpSpec)] = {
        let entry = Lowering.languageEntry
        let input = Param("input", .tensor)
        return [
            entry("fliplr", [input], "input with its columns (dimension 1) reversed"),
            entry("flipud", [input], "input with its rows (dimension 0) reversed"),
            entry("movedim", [input, Param("source", .ints), Param("destination", .ints)], "dimensions source moved to destination"),
            entry("unflatten", [input, Param("dim", .int), Param("sizes", .ints)], "dimension dim viewed as sizes"),
            entry("tile", [input, Param("dims", .ints)], "input repeated dims times along each dimension (leading 1s added)"),
            entry("tanhshrink", [input], "input - tanh(input)"),
            entry("glu", [input, Param("dim", .int, default: .int(-1))], "a * sigmoid(b), a and b the halves of input along dim"),
            entry("kron", [input, Param("other", .tensor)], "the Kronecker product"),
            entry("masked_select", [input, Param("mask", .tensor)], "the entries of input where mask (broadcast) is true, as a vector"),
            entry("take", [input, Param("index", .tensor)], "entries of input flattened, at index"),
            entry("addmv", [input, Param("mat", .tensor), Param("vec", .tensor), Param("beta", .double, default: .double(1), keywordOnly: true),
                            Param("alpha", .double, default: .double(1), keywordOnly: true)], "beta * input + alpha * (mat @ vec)"),
            entry("baddbmm", [input, Param("batch1", .tensor), Param("batch2", .tensor), Param("beta", .double, default: .double(1), keywordOnly: true),
                              Param("alpha", .double, default: .double(1), keywordOnly: true)], "beta * input + alpha * bmm(batch1, batch2)"),
            entry("dropout", [input, Param("p", .double, default: .double(0.5)), Param("training", .bool, default: .bool(true)),
                              Param("inplace", .bool, default: .bool(false))], "input times a mask of PyTorch's stream (see --seed), scaled by 1 / (1 - p); input itself with training=False"),
            entry("builtins.float", [Param("x", .order(names: Lowering.floatNames))],
                  "Python's float(): a one-element tensor or 'inf', '-inf', 'nan' as a Python float (a double, without grad)"),
            entry("linalg.diagonal", [input, Param("offset", .int, default: .int(0)), Param("dim1", .int, default: .int(-2)),
                                      Param("dim2", .int, default: .int(-1))], "the diagonals of the last two dimensions (torch.linalg's defaults)"),
            entry("gumbel_softmax", [Param("logits", .tensor), Param("tau", .double, default: .double(1)), Param("hard", .bool, default: .bool(false)),
                                     Param("eps", .double, default: .double(1e-10)), Param("dim", .int, default: .int(-1))],
                  "softmax((logits + g) / tau) with g Gumbel noise from PyTorch's stream (see --seed); hard=True gives the one-hot of its argmax with the soft gradient"),
        ]
    }()

    /// The value of a composite function, or nil when `name` is not one.
    func composite(_ name: String, _ inputs: [Variable], _ attrs: Attrs, node: Node) throws -> Value? {
        guard Lowering.compositeFunctions.contains(where: { $0.0 == name }) else { return nil }
        func run(_ op: String, _ operands: [Variable], _ attrs: Attrs = [:], gradFn: String? = nil) throws -> Variable {
            let spec = try registryOp(op, at: node.detail)
            return try runOp(gradFn.map { Lowering.renamed(spec, gradFn: $0) } ?? spec, operands, attrs, node: node)
        }
        func fail(_ message: String) -> Diagnostic { Diagnostic.opFailed(.value(message), at: node.range) }
        func dim(_ d: Int, _ rank: Int) throws -> Int {
            do { return try Ops.normalizedDim(d, rank: rank) } catch let error as OpError { throw Diagnostic.opFailed(error, at: node.range) }
        }
        if name == "builtins.float" {
            // The only composite without a tensor input: its argument arrives as a number or a name.
            if case .string(let text) = attrs["x"] {
                return .tensor(Variable(wrappedNumber: Double(text.lowercased()) ?? .nan, dtype: .float64))
            }
            return .tensor(Variable(wrappedNumber: try attrs.double("x"), dtype: .float64))
        }
        let x = inputs[0], shape = x.shape
        switch name {
        case "fliplr":
            guard shape.count >= 2 else { throw fail("Input must be >= 2-d.") }
            return .tensor(try run("flip", [x], ["dims": .ints([1])]))
        case "flipud":
            guard shape.count >= 1 else { throw fail("Input must be >= 1-d.") }
            return .tensor(try run("flip", [x], ["dims": .ints([0])]))
        case "movedim":
            let source = try (attrs.optionalInts("source") ?? []).map { try dim($0, shape.count) }
            let destination = try (attrs.optionalInts("destination") ?? []).map { try dim($0, shape.count) }
            guard source.count == destination.count else {
                throw fail("movedim: Invalid source or destination dims: source (\(AttrValue.ints(source)) dims) should contain the same number of dims as destination (\(AttrValue.ints(destination)) dims)")
            }
            guard Set(source).count == source.count, Set(destination).count == destination.count else { throw fail("movedim: repeated dim in source or destination") }
            var order = [Int?](repeating: nil, count: shape.count)
            for (s, d) in zip(source, destination) { order[d] = s }
            var rest = (0..<shape.count).filter { !source.contains($0) }.makeIterator()
            let dims = order.map { $0 ?? rest.next()! }
            return .tensor(try run("permute", [x], ["dims": .ints(dims)]))
        case "unflatten":
            guard !shape.isEmpty else { throw fail("Dimension specified as \(try attrs.int("dim")) but tensor has no dimensions") }
            let d = try dim(try attrs.int("dim"), shape.count), sizes = attrs.optionalInts("sizes") ?? []
            return .tensor(try run("view", [x], ["shape": .ints(Array(shape[..<d]) + sizes + Array(shape[(d + 1)...]))]))
        case "tile":
            let dims = attrs.optionalInts("dims") ?? []
            let full = [Int](repeating: 1, count: Swift.max(0, shape.count - dims.count)) + dims
            return .tensor(try run("repeat", [x], ["sizes": .ints(full)]))
        case "tanhshrink":
            return .tensor(try run("sub", [x, try run("tanh", [x])]))
        case "glu":
            guard !shape.isEmpty else { throw fail("glu does not support scalars because halving size must be even") }
            let d = try dim(try attrs.int("dim"), shape.count)
            guard shape[d] % 2 == 0 else { throw fail("Halving dimension must be even, but dimension \(d) is size \(shape[d])") }
            let half = shape[d] / 2
            let a = try run("slice", [x], ["dim": .int(d), "start": .int(0), "end": .int(half), "step": .int(1)])
            let b = try run("slice", [x], ["dim": .int(d), "start": .int(half), "end": .int(shape[d]), "step": .int(1)])
            return .tensor(try run("mul", [a, try run("sigmoid", [b])], gradFn: "GluBackward0"))
        case "kron":
            let other = inputs[1], rank = Swift.max(shape.count, other.shape.count)
            let a = [Int](repeating: 1, count: rank - shape.count) + shape, b = [Int](repeating: 1, count: rank - other.shape.count) + other.shape
            let left = try run("reshape", [x], ["shape": .ints(a.flatMap { [$0, 1] })])
            let right = try run("reshape", [other], ["shape": .ints(b.flatMap { [1, $0] })])
            return .tensor(try run("reshape", [try run("mul", [left, right])], ["shape": .ints(zip(a, b).map { $0 * $1 })],
                                   gradFn: "UnsafeViewBackward0"))
        case "masked_select", "take":
            var operand = x, index = inputs[1]
            if name == "masked_select" {
                // PyTorch broadcasts the mask with the input, in that order.
                let shape: [Int]
                do { shape = try Tensor.broadcastShapeOrThrow(index.shape, x.shape) } catch let error as OpError { throw Diagnostic.opFailed(error, at: node.range) }
                operand = try run("expand", [x], ["size": .ints(shape)])
                var flat = try index.value.converted(to: .bool).expanded(to: shape).reshaped([Tensor.count(of: shape)])
                flat.dtype = .bool  // a mask, not positions
                index = Variable(flat)
            }
            operand = try run("reshape", [operand], ["shape": .ints([x.value.count == 0 ? 0 : operand.value.count])])
            let renamedPick = Ops.index.renamed(gradFn: name == "take" ? "TakeBackward0" : "MaskedSelectBackward0")
            return .tensor(try runOp(renamedPick, [operand, index], ["dim": .int(0)], node: node))
        case "addmv", "baddbmm":
            let product = try run(name == "addmv" ? "mv" : "bmm", [inputs[1], inputs[2]])
            let scaled = try run("mul", [product, Variable(try attrs.double("alpha"))])
            let base = try run("mul", [x, Variable(try attrs.double("beta"))])
            return .tensor(try run("add", [base, scaled], gradFn: name == "addmv" ? "AddmvBackward0" : "BaddbmmBackward0"))
        case "linalg.diagonal":
            return .tensor(try run("diagonal", [x], ["offset": attrs["offset"], "dim1": attrs["dim1"], "dim2": attrs["dim2"]]))
        case "gumbel_softmax":
            // F.gumbel_softmax: g = -log(exponential_()), drawn as PyTorch draws it.
            let draws = TorchGenerator.current.fillExponential(count: x.value.count, dtype: x.value.dtype)
            let noise = try withNoGrad { try run("neg", [try run("log", [Variable(Tensor(shape: shape, data: draws, dtype: x.value.dtype))])]) }
            let scaled = try run("div", [try run("add", [x, noise]), Variable(wrappedNumber: try attrs.double("tau"), dtype: .float64)])
            let d = try attrs.int("dim")
            let soft = try run("softmax", [scaled], ["dim": .int(d)])
            guard attrs.bool("hard") else { return .tensor(soft) }
            let index = try withNoGrad { try runOp(Ops.maxIndices, [soft], ["dim": .int(d), "keepdim": .bool(true)], node: node) }
            let hard = try withNoGrad {
                try run("scatter", [Variable(Tensor.zeros(shape)), index, Variable(wrappedNumber: 1, dtype: .float64)], ["dim": .int(d)])
            }
            return .tensor(try run("add", [try run("sub", [hard, soft.detached()]), soft]))
        case "dropout":
            let p = try attrs.double("p")
            guard p >= 0 && p <= 1 else { throw fail("dropout probability has to be between 0 and 1, but got \(p)") }
            guard attrs.bool("training"), p > 0, x.value.count > 0 else { return .tensor(x) }
            guard x.value.dtype.isFloatingPoint else { throw fail("result type Float can't be cast to the desired output type \(x.value.dtype.pytorchTypeName)") }
            // PyTorch's CPU dropout: input * noise, noise = bernoulli_(1 - p) / (1 - p) in input's dtype.
            let keep = 1 - p
            let draws = p == 1 ? [Double](repeating: 0, count: x.value.count) : TorchGenerator.current.bernoulli(count: x.value.count, p: keep)
            let scale = x.value.dtype.isFloat32 ? { (v: Double) in Double(Float(v) / Float(keep)) } : { (v: Double) in v / keep }
            let noise = Tensor(shape: shape, data: p == 1 ? draws : draws.map(scale), dtype: x.value.dtype)
            return .tensor(try run("mul", [x, Variable(noise)]))
        default:
            return nil
        }
    }
}
