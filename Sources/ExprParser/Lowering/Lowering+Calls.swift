import Autograd

/// How a call's arguments map onto its op's parameters.
struct CallPlan {
    /// Where a parameter's value comes from.
    enum Source {
        /// One argument expression.
        case node(Int)
        /// Trailing positional integers collected into the last `.ints` parameter.
        case trailing([Int])
    }

    let spec: OpSpec
    /// The function name as written, for messages.
    let name: String
    /// Each parameter's source, by parameter index; nil for those left to their defaults.
    let sources: [Source?]

    /// Pushes the argument expressions to evaluate, in parameter order: tensors as the call
    /// is, everything else without grad.
    func pushArguments(noGrad: Bool, onto stack: inout [Lowering.Frame]) {
        for (param, source) in zip(spec.params, sources) {
            switch source {
            case .node(let n)?:
                stack.append(Lowering.Frame(node: n, noGrad: param.isTensor ? noGrad : true,
                                            asList: param.kind == .tensorList))
            case .trailing(let nodes)?:
                for n in nodes { stack.append(Lowering.Frame(node: n, noGrad: true)) }
            case nil:
                break
            }
        }
    }
}

extension Lowering {
    /// Resolves a call's op and maps its arguments onto the op's parameters: positional ones
    /// in order, keywords by name, surplus trailing positionals into the last `.ints` parameter.
    func bindArguments(of index: Int) throws -> CallPlan {
        let node = tree[index]
        guard case .call(let symbol) = node.kind else { preconditionFailure("bindArguments on a non-call") }
        let name = try resolvedName(tree[symbol], call: index)
        guard let spec = variant(of: name, call: index) ?? Lowering.languageFunctions[name] ?? Registry.lookup(name) else {
            if environment[name] != nil { throw Diagnostic.variableCalled(name, at: node.detail) }
            throw Diagnostic.unknownFunction(name, suggestion: Suggestions.closest(to: name, among: Registry.allNames),
                                             at: node.detail)
        }
        let params = spec.params
        var positional: [Int] = []
        var keywords: [(param: Int, node: Int, value: Int)] = []
        var arguments = Array(tree.children(of: index))
        var selfParam: Int?
        if node.isMethodCall {
            // A method passes the tensor as PyTorch's `self`: the `input` parameter, which is
            // not always the first (`x.where(cond, y)` is `where(cond, x, y)`).
            let receiver = arguments.removeFirst()
            guard let p = params.firstIndex(where: { $0.name == "input" }) ?? params.firstIndex(where: { $0.kind == .tensor }),
                  p == 0 || params[p].name == "input" else {
                throw Diagnostic.notAMethod(name, at: node.detail)
            }
            if p == 0 { arguments.insert(receiver, at: 0) } else {
                keywords.append((p, receiver, receiver))
                selfParam = p
            }
        }
        for argument in arguments {
            guard case .keyword(let symbol) = tree[argument].kind else { positional.append(argument); continue }
            let written = tree[symbol]
            // `vector_norm(x, ord=1)` names norm's `p` as torch.linalg does.
            // `keepdims` is NumPy's spelling, which PyTorch accepts too.
            let keyword = name == "norm" && written == "ord" ? "p" : written == "keepdims" ? "keepdim" : written
            guard let p = params.firstIndex(where: { $0.name == keyword }) else {
                throw Diagnostic.unknownKeyword(keyword, function: name,
                                                suggestion: Suggestions.closest(to: keyword, among: params.map(\.name)),
                                                at: tree[argument].detail)
            }
            keywords.append((p, argument, tree.children(of: argument).first!))
        }
        // `std(x, False)` is PyTorch's `std(input, unbiased)` overload: a bool second argument
        // is `unbiased`, not `dim`.
        if ["std", "var", "std_mean", "var_mean"].contains(name), positional.count == 2,
           case .name(let symbol) = tree[positional[1]].kind, case let flag = tree[symbol], ["True", "False", "true", "false"].contains(flag),
           environment[flag] == nil, let p = params.firstIndex(where: { $0.name == "unbiased" }) {
            keywords.append((p, positional[1], positional[1]))
            positional.removeLast()
        }
        let byKeyword = Set(keywords.map(\.param))
        let lastInts = params.lastIndex { $0.kind == .ints }
        var sources = [CallPlan.Source?](filling: nil, count: params.count)
        var a = 0, p = 0
        while a < positional.count {
            // The method's signature has no `self` slot; `dtype=` and the like are keyword-only.
            if p == selfParam || (p < params.count && params[p].isKeywordOnly) {
                p += 1
                continue
            }
            guard p < params.count else {
                throw Diagnostic.tooManyArguments(function: name, accepted: params.count, given: positional.count,
                                                  at: tree[positional[a]].range)
            }
            let starred: Bool
            if case .starred = tree[positional[a]].kind { starred = true } else { starred = false }
            if starred && p != lastInts {
                // The count a `*` gives is known only once it is evaluated: only a size list takes it.
                throw Diagnostic.notSupported("*` unpacking into `\(params[p].name)` of `\(name)", at: tree[positional[a]].detail)
            }
            if p == lastInts {
                let laterFree = (p + 1 ..< params.count).filter { !byKeyword.contains($0) && !params[$0].isKeywordOnly }.count
                let surplus = Swift.max((positional.count - a) - (1 + laterFree), starred ? 0 : -1)
                if surplus > 0 || starred {
                    sources[p] = .trailing(Array(positional[a ... a + surplus]))
                    a += surplus + 1
                    p += 1
                    continue
                }
            }
            if let clash = keywords.first(where: { $0.param == p }) {
                throw Diagnostic.duplicateArgument(params[p].name, function: name, at: tree[clash.node].range)
            }
            sources[p] = .node(positional[a])
            a += 1
            p += 1
        }
        for keyword in keywords { sources[keyword.param] = .node(keyword.value) }
        // `None` (unless an input has that name) leaves a parameter that defaults to None
        // out, as pasted PyTorch code does: `clamp(x, None, 1)`, `cross_entropy(x, t, None)`.
        for (i, source) in sources.enumerated() {
            guard case .node(let n)? = source, case .name(let symbol) = tree[n].kind, tree[symbol] == "None",
                  environment["None"] == nil else { continue }
            guard params[i].defaultValue == AttrValue.none else {
                throw Diagnostic.wrongArgumentKind(params[i].name, function: name, expected: params[i].isTensor ? "a tensor" : "a value",
                                                   found: "None", at: tree[n].range)
            }
            sources[i] = nil
        }
        for (i, param) in params.enumerated() where sources[i] == nil && param.defaultValue == nil {
            throw Diagnostic.missingArgument(param.name, function: name, at: node.range)
        }
        return CallPlan(spec: spec, name: name, sources: sources)
    }

    /// Runs a bound call on its evaluated arguments.
    mutating func call(_ plan: CallPlan, node: Node) throws -> Variable {
        let (inputs, attrs) = try arguments(plan, node: node)
        do {
            return tagged(try apply(plan.spec, inputs, attrs), node.range)
        } catch let error as OpError {
            throw Diagnostic.opFailed(error, at: node.range)
        }
    }

    /// `clamp_min(x, t)` and `clamp_max(x, t)` with a tensor bound `t` (not a Python number):
    /// PyTorch's Tensor overloads, where the bound broadcasts and gets its own gradient. They
    /// are `clamp(x, min=t)` and `clamp(x, max=t)`; a number bound keeps the number op.
    mutating func clampToTensorBound(_ plan: CallPlan, node: Node) throws -> Variable? {
        guard plan.spec.name == "clamp_min" || plan.spec.name == "clamp_max", plan.sources.count == 2,
              case .node(let x)? = plan.sources[0], case .node(let b)? = plan.sources[1],
              case .tensor(let bound)? = results[b], Lowering.isTensorBound(bound) else { return nil }
        let input = try takeTensor(x), limit = try takeTensor(b)
        do {
            return tagged(try Lowering.clamp(input, toTensorBound: limit, isMin: plan.spec.name == "clamp_min"), node.range)
        } catch let error as OpError {
            throw Diagnostic.opFailed(error, at: node.range)
        }
    }

    /// Whether `bound` makes `clamp_min`/`clamp_max` PyTorch's Tensor overload: a tensor
    /// that requires grad or is not a single number.
    static func isTensorBound(_ bound: Variable) -> Bool {
        !bound.isWrappedNumber && (bound.requiresGrad || !bound.value.isScalar)
    }

    /// `clamp_min(input, bound)` or `clamp_max` with a tensor bound, run as `clamp` under
    /// PyTorch's node name, so that the bound broadcasts and gets its gradient.
    static func clamp(_ input: Variable, toTensorBound bound: Variable, isMin: Bool) throws -> Variable {
        let attrs = Attrs(["min": .bool(isMin), "max": .bool(!isMin),
                           "grad_fn": .string(isMin ? "ClampMinBackward1" : "ClampMaxBackward1")])
        return try apply(Ops.clamp, [input, bound], attrs)
    }

    /// A bound call's evaluated arguments: the tensor inputs and the attributes.
    mutating func arguments(_ plan: CallPlan, node: Node) throws -> ([Variable], Attrs) {
        var inputs: [Variable] = []
        var attrs = Attrs()
        for (i, param) in plan.spec.params.enumerated() {
            switch (param.kind, plan.sources[i]) {
            case (.tensor, .node(let n)?):
                var v = try takeTensor(n)
                // A computed Python number (`-1.`, `2 * pi`) is still a Python number to the op,
                // as it is to PyTorch (`normal(x, -1.)` is the number-std overload).
                if !v.isWrappedNumber, !v.requiresGrad, v.value.rank == 0, isComputedPythonNumber(n) {
                    v = Variable(wrappedNumber: v.value.data[0], dtype: v.value.dtype)
                }
                inputs.append(v)
                if param.isOptionalTensor { attrs[param.name] = .bool(true) }
            case (.tensor, _) where param.isOptionalTensor:
                attrs[param.name] = .bool(false)  // tells the op which optional tensors it got
            case (.tensor, _):
                // A tensor parameter left out; its default must be a number.
                guard let value = param.defaultValue, let number = Attrs(["v": value]).optionalDouble("v") else {
                    throw Diagnostic.missingArgument(param.name, function: plan.name, at: node.range)
                }
                let isInt: Bool
                if case .int = value { isInt = true } else { isInt = false }
                inputs.append(Variable(wrappedNumber: number, dtype: isInt ? .int64 : .float64))
            case (.tensorList, .node(let n)?):
                guard case .list(let elements)? = takeResult(n) else {
                    throw Diagnostic.expectedTensorList(param.name, function: plan.name, at: tree[n].range)
                }
                inputs += elements
            case (.tensorList, _):
                throw Diagnostic.missingArgument(param.name, function: plan.name, at: node.range)
            case (_, .node(let n)?):
                attrs[param.name] = try attribute(param, from: n, function: plan.name)
            case (_, .trailing(let nodes)?):
                attrs[param.name] = .ints(try nodes.flatMap { n -> [Int] in
                    if case .starred = tree[n].kind { return try unpackedIntegers(n, param: param.name, function: plan.name) }
                    let v = try takeTensor(n)
                    guard let i = integer(v) else {
                        throw Diagnostic.wrongArgumentKind(param.name, function: plan.name, expected: "a list of integers",
                                                           found: describe(v), at: tree[n].range)
                    }
                    return [i]
                })
            case (_, nil):
                break  // the op fills in its default
            }
        }
        return (inputs, attrs)
    }

    /// The integers `*value` gives: a tuple of them (`*x.shape`) or a 1-D integer tensor.
    mutating func unpackedIntegers(_ n: Int, param: String, function: String) throws -> [Int] {
        let value = takeResult(n)
        var elements: [Variable]?
        if case .tuple(let items, _, _)? = value { elements = items }
        if case .tensor(let v)? = value, v.value.rank == 1 { elements = v.value.data.map { Variable($0) } }
        let ints = elements?.compactMap(integer) ?? []
        guard let elements, ints.count == elements.count else {
            throw Diagnostic.wrongArgumentKind(param, function: function, expected: "a tuple of integers after `*`",
                                               found: "something else", at: tree[n].range)
        }
        return ints
    }

    /// Converts an evaluated argument to the attribute a non-tensor parameter takes.
    mutating func attribute(_ param: Param, from n: Int, function: String) throws -> AttrValue {
        let range = tree[n].range
        var value = takeResult(n)
        if case .dtype(let dtype)? = value { value = .string(dtype.rawValue) }
        if case .string(let text)? = value {
            // Python's truth of a string, where PyTorch takes any object: `F.mse_loss(x, y, 'sum')`
            // passes 'sum' as the deprecated `size_average`, which PyTorch reads as true.
            if param.kind == .bool && ["size_average", "reduce"].contains(param.name) { return .bool(!text.isEmpty) }
            let choices: [String]
            switch param.kind {
            case .string(let names), .order(let names): choices = names
            default:
                throw Diagnostic.wrongArgumentKind(param.name, function: function, expected: expectation(param.kind),
                                                   found: "a string", at: range)
            }
            guard choices.isEmpty || choices.contains(text) else {
                throw Diagnostic.invalidChoice(text, param: param.name, function: function, choices: choices,
                                               suggestion: Suggestions.closest(to: text, among: choices), at: range)
            }
            return .string(text)
        }
        if case .tuple(let elements, _, _)? = value, param.kind == .ints {
            // A shape or a tuple of integers: `x.view(x.shape)`, `dim=(0, 1)`.
            let ints = elements.compactMap(integer)
            guard ints.count == elements.count else {
                throw Diagnostic.wrongArgumentKind(param.name, function: function, expected: expectation(param.kind),
                                                   found: "a tuple of tensors", at: range)
            }
            return .ints(ints)
        }
        let v = try tensor(of: value, at: range)
        let scalar = v.value.count == 1 && v.value.rank <= 1 ? v.value.data[0] : nil
        var result: AttrValue?
        switch param.kind {
        case .int:
            result = integer(v).map(AttrValue.int)
        case .ints where v.value.dtype == .bool:
            // PyTorch's parser takes no bool for a list of dims (`norm(x, 0, True)`: True is not dim 1).
            result = nil
        case .ints:
            if v.value.rank == 0 {
                result = integer(v).map(AttrValue.int)
            } else if v.value.rank == 1 {
                let ints = v.value.data.compactMap(Lowering.integer)
                result = ints.count == v.value.count ? .ints(ints) : nil
            }
        case .double:
            // A Python int stays an int: `arange(5)` and `full(2, 7)` are int64 in PyTorch.
            result = v.isWrappedNumber && v.value.dtype == .int64 ? integer(v).map(AttrValue.int) : scalar.map(AttrValue.double)
        case .order:
            result = scalar.map(AttrValue.double)
        case .bool:
            result = scalar.map { AttrValue.bool($0 != 0) }
        case .string, .tensor, .tensorList:
            result = nil
        }
        guard let result else {
            throw Diagnostic.wrongArgumentKind(param.name, function: function, expected: expectation(param.kind),
                                               found: describe(v), at: range)
        }
        return result
    }

    /// The integer a one-element variable holds, if it holds one.
    func integer(_ v: Variable) -> Int? {
        guard v.value.count == 1, v.value.rank <= 1 else { return nil }
        return Lowering.integer(v.value.data[0])
    }

    static func integer(_ x: Double) -> Int? {
        x == x.rounded() && Swift.abs(x) < 9.0e15 ? Int(x) : nil
    }

    /// How a value is named in messages: `1.5`, or `a tensor of shape [2, 3]`.
    func describe(_ v: Variable) -> String {
        guard v.value.rank == 0 else { return "a tensor of shape \(Autograd.describe(shape: v.shape))" }
        let x = v.value.data[0]
        if v.value.dtype == .bool { return x != 0 ? "True" : "False" }
        if let i = Lowering.integer(x) { return String(i) }
        return String(x)
    }

    func expectation(_ kind: ParamKind) -> String {
        switch kind {
        case .int: return "an integer"
        case .ints: return "an integer or a list of integers"
        case .double: return "a number"
        case .order(let names): return "a number or " + names.map { "'\($0)'" }.joined(separator: ", ")
        case .bool: return "`true` or `false`"
        case .string(let choices): return choices.isEmpty ? "a string" : "one of " + choices.map { "'\($0)'" }.joined(separator: ", ")
        case .tensor: return "a tensor"
        case .tensorList: return "a list of tensors"
        }
    }
}
