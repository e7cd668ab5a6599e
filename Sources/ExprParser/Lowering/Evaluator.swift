import Autograd

/// The result of evaluating a program.
public struct Evaluation {
    /// The value of the last statement (its first element when it is a tuple).
    public let output: Variable
    /// The elements when the last statement is a tuple (`max(x, dim)`) and the evaluator
    /// allows it; nil otherwise.
    public var tupleOutput: [Variable]?
    /// The dtype when the last statement is one (`x.dtype`) and the evaluator allows it
    /// (`output` is then a placeholder); nil otherwise.
    public var dtypeOutput: DType?
    /// The program's bindings in the order they were first made, with their final values.
    public let bindings: [(name: String, value: Variable)]
    /// Things the user may want to know, such as an input hiding a constant.
    public let warnings: [Diagnostic]

    /// True when no value the evaluation shows (the output, a tuple's elements, the bindings)
    /// holds NaN or infinity.
    public var isFinite: Bool {
        output.value.isFinite && (tupleOutput ?? []).allSatisfy(\.value.isFinite) && bindings.allSatisfy(\.value.value.isFinite)
    }
}

/// Evaluates programs with Autograd variables, through the op registry.
///
/// Every operator and call becomes one `apply` of a registry op, so the result carries the
/// graph for `backward()`. Each variable the evaluation creates is tagged with the
/// `SourceRange` of the expression that made it.
public struct Evaluator {
    /// The program's inputs by name; the caller decides which of them require grad.
    public let inputs: [(name: String, value: Variable)]
    /// Whether the program's output may be a tuple (`eval` prints each element); otherwise a
    /// tuple output is a `Diagnostic` that says how to pick one element.
    public var allowsTupleOutput = false

    /// Creates an evaluator for programs over `inputs`.
    public init(inputs: [(name: String, value: Variable)]) {
        self.inputs = inputs
    }

    /// Evaluates `program`, throwing the first `Diagnostic` found.
    public func evaluate(_ program: Program) throws -> Evaluation {
        var lowering = Lowering(program: program, inputs: inputs)
        lowering.allowsTupleOutput = allowsTupleOutput
        return try lowering.run()
    }
}

/// Evaluates a constant expression such as `[2,3]`, `randn(5,3)`, `eye(5)` or `2*pi`, as used
/// for `NAME=VALUE` inputs: no variables, no graph. Throws a `Diagnostic`. Inputs are
/// differentiated, so an integer or bool value (`[1, 2]`) comes back in the default dtype.
public func evaluateConstant(_ source: String) throws -> Tensor {
    let program = try Program.parse(source)
    let value = try withNoGrad { try Evaluator(inputs: []).evaluate(program).output.value }
    return value.dtype.isFloatingPoint ? value : value.converted(to: DefaultDType.current)
}

/// The value of a node during lowering. The cases with large payloads are indirect, so a
/// value is one word and the per-node results of a long program stay small.
enum Value {
    case tensor(Variable)
    indirect case string(String)
    /// A dtype: `torch.float32`, `x.dtype`. As an argument it reads as the dtype's name.
    case dtype(DType)
    /// The elements of a list literal passed to a tensor-list parameter.
    case list([Variable])
    /// A tuple of tensors: what `max(x, dim)`, `sort`, `chunk`... return (`names` for a named
    /// tuple such as `(values, indices)`), or a shape (Python integers as 0-d tensors).
    indirect case tuple([Variable], names: [String], origin: String)
    /// Python's `None`, as an index (`x[None]`) or an argument.
    case none
    /// Python's `...`, as an index (`x[..., 0]`).
    case ellipsis
}

/// One evaluation of a program: walks each statement's arena in post-order with an
/// explicit stack, so no Swift recursion depends on the program.
struct Lowering {
    let tree: SyntaxTree
    var environment: [String: Variable] = [:]
    var bindingOrder: [String] = []
    var warnings: [Diagnostic] = []
    /// Per symbol of the tree, what its name means (see `NameState`).
    var names: [NameState]
    /// Whether `x.T` of a tensor that is not 2-D has been warned about (once per program).
    var warnedTranspose = false
    var results: [Value?]
    /// The plans of the calls being evaluated, innermost last: a call is expanded after every
    /// call that encloses it and computed before them, so its plan is always on top.
    var callPlans: [CallPlan] = []
    var allowsTupleOutput = false
    /// Per node, once computed: whether it is a Python number (see `isPythonNumber`).
    var pythonNumbers: [Bool]
    /// The `+` and `*` nodes inside `tensor(...)`'s data that are Python's list operators
    /// (`torch.tensor([10] * 3)`, `torch.tensor([1, 2] + [3])`), not tensor arithmetic.
    var pythonListNodes: Set<Int> = []
    /// Whether results carry the source range of their expression (for `trace`'s carets);
    /// not for calls from `gradcli run`, whose source this evaluator does not hold.
    var tagsSources = true

    /// A node to visit: first to schedule its children (`expanded` false), then to compute it.
    struct Frame {
        let node: Int
        /// Evaluate without recording a graph (constant arguments, indices).
        let noGrad: Bool
        /// A list literal whose elements are separate tensors (`cat([a, b])`), not stacked.
        var asList = false
        var expanded = false
    }

    init(program: Program, inputs: [(name: String, value: Variable)]) {
        tree = program.tree
        results = [Value?](filling: nil, count: program.tree.nodes.count)
        pythonNumbers = [Bool](filling: false, count: program.tree.nodes.count)
        names = [NameState](repeating: NameState(), count: program.tree.symbols.count)
        bindInputs(inputs)
    }

    mutating func run() throws -> Evaluation {
        var output: Variable?
        var tupleOutput: [Variable]?
        var dtypeOutput: DType?
        for statement in tree.statements {
            // Two steps: `tensor(of: evaluate(...))` would copy the whole evaluator (and its
            // per-node results) once per statement, making long programs quadratic.
            let value = try evaluate(statement)
            if case .tuple(let elements, _, let origin) = value, statement == tree.statements.last {
                guard allowsTupleOutput, let first = elements.first else {
                    throw Diagnostic.tupleOutput(count: elements.count, origin: origin, at: tree[statement].range)
                }
                tupleOutput = elements
                output = first
                break
            }
            if case .dtype(let dtype) = value, statement == tree.statements.last {
                guard allowsTupleOutput else { throw Diagnostic.dtypeOutput(dtype, at: tree[statement].range) }
                dtypeOutput = dtype
                break
            }
            output = try tensor(of: value, at: tree[statement].range)
        }
        // A bare Python number as the result is the tensor PyTorch would make of it
        // (`torch.tensor(2.5)`: the default dtype).
        if let number = output, number.isWrappedNumber {
            let tag = number.tag
            output = Variable(number.value.converted(to: DType.resultType([number])))
            output?.tag = tag
        }
        // The parser guarantees at least one statement.
        return Evaluation(output: output ?? Variable(0), tupleOutput: tupleOutput, dtypeOutput: dtypeOutput,
                          bindings: bindingOrder.map { ($0, environment[$0]!) }, warnings: warnings)
    }

    /// Evaluates the subtree at `root`.
    mutating func evaluate(_ root: Int) throws -> Value {
        var stack = [Frame(node: root, noGrad: false)]
        while var frame = stack.popLast() {
            if frame.expanded {
                let value = try frame.noGrad ? withNoGrad { try compute(frame) } : compute(frame)
                results[frame.node] = value
                switch tree[frame.node].kind {
                case .unary, .binary: pythonNumbers[frame.node] = operatorFlag(frame.node)
                default: break
                }
            } else if tree[frame.node].isOperatorTree {
                try evaluateInOrder(frame)
            } else {
                frame.expanded = true
                if case .call = tree[frame.node].kind {
                    let plan = try bindArguments(of: frame.node)
                    if plan.spec.name == "tensor", case .node(let data)? = plan.sources.first { markPythonLists(data) }
                    callPlans.append(plan)
                }
                stack.append(frame)
                // Pushed in source order, then reversed in place: the first child is popped first.
                var low = stack.count
                pushChildren(of: frame, onto: &stack)
                var high = stack.count - 1
                while low < high {
                    stack.swapAt(low, high)
                    low += 1
                    high -= 1
                }
            }
        }
        return takeResult(root)!
    }

    /// Evaluates an operator tree (`Node.isOperatorTree`) by arena index, from its leftmost
    /// leaf up to its root: the order the stack would visit it in, without a frame per node.
    mutating func evaluateInOrder(_ root: Frame) throws {
        var first = root.node
        while tree[first].childCount > 0 { first = tree.child(first, 0) }
        for n in first...root.node {
            assert(tree[n].isOperatorTree, "an operator tree's nodes are contiguous")
            let frame = Frame(node: n, noGrad: root.noGrad)
            results[n] = try root.noGrad ? withNoGrad { try compute(frame) } : compute(frame)
            switch tree[n].kind {
            case .unary, .binary: pythonNumbers[n] = operatorFlag(n)
            default: break
            }
        }
    }

    /// Pushes the children to evaluate before `frame`, in source order, each with how to
    /// evaluate it.
    func pushChildren(of frame: Frame, onto stack: inout [Frame]) {
        let children = tree.children(of: frame.node)
        switch tree[frame.node].kind {
        case .number, .name, .string, .omitted:
            break
        case .keyword:
            break  // calls evaluate their keyword values directly
        case .unary, .binary, .list, .binding, .reversedDims, .attribute, .starred:
            for child in children { stack.append(Frame(node: child, noGrad: frame.noGrad)) }
        case .index:
            // The indexed value keeps the frame's grad mode; indices are constants.
            for child in children { stack.append(Frame(node: child, noGrad: child == children.first ? frame.noGrad : true)) }
        case .slice:
            for child in children { stack.append(Frame(node: child, noGrad: true)) }
        case .call:
            callPlans.last?.pushArguments(noGrad: frame.noGrad, onto: &stack)
        }
    }

    /// Computes one node from its children's results.
    mutating func compute(_ frame: Frame) throws -> Value? {
        let id = frame.node
        let node = tree[id]
        // Operators, names and literals first: most nodes of a long program, and they need no
        // array of their children.
        switch node.kind {
        case .unary(let op): return try unaryValue(op, id: id, node: node)
        case .binary(let op): return try binaryValue(op, id: id, node: node)
        case .name(let symbol): return try nameValue(symbol, node: node)
        case .number(let literal):
            // A Python number: an int literal is int64, any other a float.
            let number = tree.number(of: literal)
            return .tensor(tagged(Variable(wrappedNumber: number.value, dtype: number.isInteger ? .int64 : .float64), node.range))
        case .string(let text): return .string(tree[text])
        default: break
        }
        let children = Array(tree.children(of: id))
        switch node.kind {
        case .omitted, .keyword:
            return nil
        case .unary, .binary, .name, .number, .string:
            preconditionFailure("computed above")
        case .list:
            let elements = try children.map { try takeTensor($0) }
            return frame.asList ? .list(elements) : .tensor(try stack(elements, children: children, node: node))
        case .index:
            let base = takeResult(children[0])
            if case .tuple(let elements, let names, let origin)? = base {
                return try indexTuple(elements, names: names, origin: origin, items: Array(children.dropFirst()), node: node)
            }
            return .tensor(try index(try tensor(of: base, at: tree[children[0]].range), items: Array(children.dropFirst()), node: node))
        case .slice:
            return nil  // read by the enclosing `.index`
        case .call:
            return try callValue(callPlans.removeLast(), node: node)
        case .attribute(let name):
            return try attribute(tree[name], of: takeResult(children[0]), node: node, child: children[0])
        case .starred:
            return takeResult(children[0])  // the call that takes it unpacks it
        case .reversedDims:
            let operand = try takeTensor(children[0])
            return .tensor(try reverseDimensions(operand, node: node))
        case .binding(let symbol):
            let value = try takeTensor(children[0])
            bind(symbol, value, isPythonNumber: isComputedPythonNumber(children[0]))
            return .tensor(value)
        }
    }

    /// Removes and returns a node's result, so intermediate values are freed as they are used.
    mutating func takeResult(_ index: Int) -> Value? {
        var value: Value? = nil
        swap(&value, &results[index])
        return value
    }

    mutating func takeTensor(_ index: Int) throws -> Variable {
        // Taken first: passing `takeResult(...)` to a method of `self` would copy `self`.
        let value = takeResult(index)
        if case .tensor(let v)? = value { return v }
        return try tensor(of: value, at: tree[index].range)
    }

    func tensor(of value: Value?, at range: SourceRange) throws -> Variable {
        switch value {
        case .tensor(let v)?: return v
        case .string?: throw Diagnostic.unexpectedString(at: range)
        case .dtype(let dtype)?: throw Diagnostic.dtypeNotTensor(dtype, at: range)
        case .list?: throw Diagnostic.expectedExpression(found: "a list of tensors", at: range)
        case .tuple(let elements, _, let origin)?: throw Diagnostic.tupleNotTensor(count: elements.count, origin: origin, at: range)
        case .none?: throw Diagnostic.expectedExpression(found: "`None`", at: range)
        case .ellipsis?: throw Diagnostic.expectedExpression(found: "`...`", at: range)
        case nil: throw Diagnostic.expectedExpression(found: "nothing", at: range)
        }
    }

    func tagged(_ v: Variable, _ range: SourceRange) -> Variable {
        if tagsSources { v.tag = range }
        return v
    }
}
