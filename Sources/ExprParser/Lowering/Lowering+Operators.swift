import Autograd

// Unary and infix operators: most nodes of a long expression, so they read their children by
// index and touch no name or dictionary.

extension Lowering {
    /// `-x` or `+x`, from its evaluated operand.
    mutating func unaryValue(_ op: UnaryOp, id: Int, node: Node) throws -> Value {
        let operand = try takeTensor(tree.child(id, 0))
        guard op == .negate else { return .tensor(operand) }
        // A negative literal (`x ** -0.5`) stays a Python number, as in PyTorch, where it
        // picks the op's number overload and kernel.
        if operand.isWrappedNumber, let number = operand.value.scalar {
            return .tensor(tagged(Variable(wrappedNumber: -number, dtype: operand.value.dtype), node.range))
        }
        return .tensor(try applyOperator(Ops.neg, symbol: "-", [operand], node: node))
    }

    /// `a op b`, from its evaluated operands.
    mutating func binaryValue(_ op: BinaryOp, id: Int, node: Node) throws -> Value {
        let c0 = tree.child(id, 0), c1 = tree.child(id, 1)
        if op == .equal || op == .notEqual, case .dtype(let a)? = results[c0], case .dtype(let b)? = results[c1] {
            // `x.dtype == torch.float32`: a Python bool, as a bool tensor like `x.requires_grad`.
            _ = (takeResult(c0), takeResult(c1))
            return .tensor(tagged(Variable(Tensor(shape: [], data: [(a == b) == (op == .equal) ? 1 : 0], dtype: .bool)), node.range))
        }
        let lhs = try takeTensor(c0), rhs = try takeTensor(c1)
        if !pythonListNodes.isEmpty, pythonListNodes.contains(id),
           let joined = try listOperator(op, [c0, c1], lhs, rhs, node: node) {
            return .tensor(joined)
        }
        // PyTorch: a number minus a tensor (`2.5 - y`) is rsub (RsubBackward1); a number over
        // a tensor (`1 / x`) is reciprocal(x) * number (MulBackward0).
        if op == .subtract || op == .divide, isComputedPythonNumber(c0), !isComputedPythonNumber(c1) {
            let spec = op.spec
            do {
                // Computed as PyTorch computes them, so values and gradients agree to the last bit.
                if op == .divide { return .tensor(tagged(try apply(Ops.reciprocal, [rhs]) * lhs, node.range)) }
                let renamed = Lowering.renamed(spec, gradFn: "RsubBackward1")
                return .tensor(tagged(try apply(renamed, [lhs, rhs], Attrs()), node.range))
            } catch let error as OpError {
                throw Diagnostic.opFailed(error, operator: op.symbol, shapes: [lhs.shape, rhs.shape], at: node.detail)
            }
        }
        return .tensor(try applyOperator(op.spec, symbol: op.symbol, [lhs, rhs], node: node, isComparison: op.isComparison))
    }

    /// Applies the registry op of an operator, pointing failures at the operator.
    func applyOperator(_ spec: OpSpec, symbol: String, _ operands: [Variable], node: Node,
                       isComparison: Bool = false) throws -> Variable {
        do {
            let result = try apply(spec, operands, Attrs())
            // A comparison gives a boolean tensor (a mask for `x[x > 0]`), as in PyTorch.
            if isComparison {
                return tagged(Variable(Tensor(shape: result.shape, data: result.value.data, dtype: .bool)), node.range)
            }
            return tagged(result, node.range)
        } catch let error as OpError {
            throw Diagnostic.opFailed(error, operator: operands.count == 2 ? symbol : nil,
                                      shapes: operands.map(\.shape), at: node.detail)
        }
    }
}
