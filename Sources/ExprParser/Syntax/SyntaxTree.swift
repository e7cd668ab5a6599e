import Autograd

/// A prefix operator.
enum UnaryOp {
    case negate, plus

    var symbol: String { self == .negate ? "-" : "+" }
}

/// An infix operator, with the registry op it lowers to.
enum BinaryOp {
    case add, subtract, multiply, divide, floorDivide, remainder, matmul, power
    case equal, notEqual, less, lessEqual, greater, greaterEqual

    /// The spelling used in S-expressions and messages (`**` prints as `^`).
    var symbol: String {
        switch self {
        case .add: return "+"
        case .subtract: return "-"
        case .multiply: return "*"
        case .divide: return "/"
        case .floorDivide: return "//"
        case .remainder: return "%"
        case .matmul: return "@"
        case .power: return "^"
        case .equal: return "=="
        case .notEqual: return "!="
        case .less: return "<"
        case .lessEqual: return "<="
        case .greater: return ">"
        case .greaterEqual: return ">="
        }
    }

    /// The registry op the operator means.
    var opName: String {
        switch self {
        case .add: return "add"
        case .subtract: return "sub"
        case .multiply: return "mul"
        case .divide: return "div"
        case .floorDivide: return "floor_divide"
        case .remainder: return "remainder"
        case .matmul: return "matmul"
        case .power: return "pow"
        case .equal: return "eq"
        case .notEqual: return "ne"
        case .less: return "lt"
        case .lessEqual: return "le"
        case .greater: return "gt"
        case .greaterEqual: return "ge"
        }
    }

    /// The registry entry of `opName`, without a lookup by name: operators run on every request.
    var spec: OpSpec {
        switch self {
        case .add: return Ops.add
        case .subtract: return Ops.sub
        case .multiply: return Ops.mul
        case .divide: return Ops.div
        case .floorDivide: return Ops.floorDivide
        case .remainder: return Ops.remainder
        case .matmul: return Ops.matmul
        case .power: return Ops.pow
        case .equal: return Ops.eq
        case .notEqual: return Ops.ne
        case .less: return Ops.lt
        case .lessEqual: return Ops.le
        case .greater: return Ops.gt
        case .greaterEqual: return Ops.ge
        }
    }

    var isComparison: Bool {
        switch self {
        case .equal, .notEqual, .less, .lessEqual, .greater, .greaterEqual: return true
        default: return false
        }
    }
}

/// What a syntax node is. Payloads are 32-bit indices into the tree's side tables (symbols,
/// numbers) or operators: children live in the arena, so no node owns another, the tree never
/// recurses to build, walk or free, and a node is 32 bytes with nothing to reference-count.
enum NodeKind {
    /// A number literal: `tree.number(of:)` has its value.
    case number(Int32)
    case name(Symbol)
    case string(Symbol)
    /// One child, the operand.
    case unary(UnaryOp)
    /// Two children, left and right.
    case binary(BinaryOp)
    /// Children are the arguments: positional ones, then `.keyword` nodes. A method call
    /// `x.f(a)` is the call `f(x, a)`.
    case call(Symbol)
    /// One child, the argument's value.
    case keyword(Symbol)
    /// A tensor literal `[a, b]` (or a tuple `(a, b)`); children are the elements.
    case list
    /// Children are the indexed value, then one child per index or `.slice`.
    case index
    /// Three children: start, end, step, each `.omitted` when left out.
    case slice
    /// A part of a slice that was left out.
    case omitted
    /// `name = value`; one child, the value.
    case binding(Symbol)
    /// `x.T`; one child, `x`. All its dimensions reversed: PyTorch's `permute` with the
    /// dims in reverse order (not `t`, which stops at 2-D).
    case reversedDims
    /// `x.name` without a call: a tensor attribute (`x.shape`, `x.mT`) or a field of a named
    /// tuple (`x.max(dim=1).values`); one child, `x`.
    case attribute(Symbol)
    /// `*value` as a call argument: the elements of a tuple (`ones(*x.shape)`); one child.
    case starred
}

/// A number literal's value, and whether it was written as an integer (digits only), which
/// makes it a Python int.
struct NumberLiteral {
    let value: Double
    let isInteger: Bool
}

/// One node of the arena. Offsets are 32-bit: `Program.parse` takes sources of at most
/// `Program.maxSourceBytes`.
struct Node {
    let kind: NodeKind
    /// A method call `x.f(a)`: its first child is the receiver, PyTorch's `self`.
    let isMethodCall: Bool
    /// The node and everything below it are operators, names and literals. Such a subtree
    /// occupies the arena indices just below its root, in the post-order its evaluation follows.
    let isOperatorTree: Bool
    private let first: UInt32, count: UInt32
    private let rangeStart: UInt32, rangeEnd: UInt32
    private let detailStart: UInt32, detailEnd: UInt32

    init(kind: NodeKind, range: SourceRange, detail: SourceRange, firstChild: Int, childCount: Int, isMethodCall: Bool,
         isOperatorTree: Bool) {
        self.kind = kind
        self.isMethodCall = isMethodCall
        self.isOperatorTree = isOperatorTree
        first = UInt32(firstChild)
        count = UInt32(childCount)
        rangeStart = UInt32(range.start)
        rangeEnd = UInt32(range.end)
        detailStart = UInt32(detail.start)
        detailEnd = UInt32(detail.end)
    }

    /// The source the node covers.
    var range: SourceRange { SourceRange(start: Int(rangeStart), end: Int(rangeEnd)) }
    /// The operator of a unary or binary node, the name of a call, keyword or binding;
    /// otherwise equal to `range`. Diagnostics about the operation point here.
    var detail: SourceRange { SourceRange(start: Int(detailStart), end: Int(detailEnd)) }
    var firstChild: Int { Int(first) }
    var childCount: Int { Int(count) }
}

/// The syntax tree as an arena: nodes in an array, children by index. Children are always
/// added before their parent, so every child index is smaller than its parent's.
struct SyntaxTree {
    private(set) var nodes: [Node] = []
    private var childIndices: [UInt32] = []
    /// The top-level statements, in order.
    var statements: [Int] = []
    /// The spellings of names, keywords and strings.
    var symbols = SymbolTable()
    private var numbers: [NumberLiteral] = []

    /// Room for about `count` nodes, so that a long program is not copied as its arrays grow.
    mutating func reserve(_ count: Int) {
        nodes.reserveCapacity(count)
        childIndices.reserveCapacity(count)
    }

    /// Adds a node whose children are `children` and returns its index.
    mutating func add(_ kind: NodeKind, range: SourceRange, detail: SourceRange? = nil, children: [Int] = [],
                      isMethodCall: Bool = false) -> Int {
        var isOperatorTree: Bool
        switch kind {
        case .number, .name, .string, .unary, .binary: isOperatorTree = true
        default: isOperatorTree = false
        }
        for child in children {
            childIndices.append(UInt32(child))
            isOperatorTree = isOperatorTree && nodes[child].isOperatorTree
        }
        nodes.append(Node(kind: kind, range: range, detail: detail ?? range, firstChild: childIndices.count - children.count,
                          childCount: children.count, isMethodCall: isMethodCall, isOperatorTree: isOperatorTree))
        return nodes.count - 1
    }

    /// Adds an operator node with children `lhs` and `rhs`, without an array for them.
    mutating func add(_ kind: NodeKind, range: SourceRange, detail: SourceRange, _ lhs: Int, _ rhs: Int) -> Int {
        let isOperatorTree: Bool
        if case .binary = kind { isOperatorTree = nodes[lhs].isOperatorTree && nodes[rhs].isOperatorTree } else { isOperatorTree = false }
        nodes.append(Node(kind: kind, range: range, detail: detail, firstChild: childIndices.count, childCount: 2,
                          isMethodCall: false, isOperatorTree: isOperatorTree))
        childIndices.append(UInt32(lhs))
        childIndices.append(UInt32(rhs))
        return nodes.count - 1
    }

    /// Adds a number literal's node.
    mutating func addNumber(_ literal: NumberLiteral, range: SourceRange) -> Int {
        numbers.append(literal)
        return add(.number(Int32(numbers.count - 1)), range: range)
    }

    subscript(index: Int) -> Node { nodes[index] }

    /// The spelling of a symbol.
    subscript(symbol: Symbol) -> String { symbols[symbol] }

    /// The literal of a `.number` node's payload.
    func number(of literal: Int32) -> NumberLiteral { numbers[Int(literal)] }

    /// The children of node `index`, in order.
    func children(of index: Int) -> Children {
        let node = nodes[index]
        return Children(indices: childIndices[node.firstChild..<(node.firstChild + node.childCount)])
    }

    /// Child `i` of node `index`, without making an array: operators read theirs this way.
    func child(_ index: Int, _ i: Int) -> Int {
        Int(childIndices[nodes[index].firstChild + i])
    }
}

/// A node's children as node indices, indexed from 0.
struct Children: RandomAccessCollection {
    fileprivate let indices: ArraySlice<UInt32>

    var startIndex: Int { 0 }
    var endIndex: Int { indices.count }
    subscript(position: Int) -> Int { Int(indices[indices.startIndex + position]) }
}
