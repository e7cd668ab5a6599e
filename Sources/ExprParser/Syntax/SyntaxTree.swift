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

/// What a syntax node is. Payloads are names and numbers only: children live in the arena,
/// so no node owns another and the tree never recurses to build, walk or free.
enum NodeKind {
    case number(Double)
    case name(String)
    case string(String)
    /// One child, the operand.
    case unary(UnaryOp)
    /// Two children, left and right.
    case binary(BinaryOp)
    /// Children are the arguments: positional ones, then `.keyword` nodes. A method call
    /// `x.f(a)` is the call `f(x, a)`.
    case call(String)
    /// One child, the argument's value.
    case keyword(String)
    /// A tensor literal `[a, b]` (or a tuple `(a, b)`); children are the elements.
    case list
    /// Children are the indexed value, then one child per index or `.slice`.
    case index
    /// Three children: start, end, step, each `.omitted` when left out.
    case slice
    /// A part of a slice that was left out.
    case omitted
    /// `name = value`; one child, the value.
    case binding(String)
    /// `x.T`; one child, `x`. All its dimensions reversed: PyTorch's `permute` with the
    /// dims in reverse order (not `t`, which stops at 2-D).
    case reversedDims
    /// `x.name` without a call: a tensor attribute (`x.shape`, `x.mT`) or a field of a named
    /// tuple (`x.max(dim=1).values`); one child, `x`.
    case attribute(String)
    /// `*value` as a call argument: the elements of a tuple (`ones(*x.shape)`); one child.
    case starred
}

/// One node of the arena.
struct Node {
    let kind: NodeKind
    /// The source the node covers.
    let range: SourceRange
    /// The operator of a unary or binary node, the name of a call, keyword or binding;
    /// otherwise equal to `range`. Diagnostics about the operation point here.
    let detail: SourceRange
    let firstChild: Int
    let childCount: Int
    /// A method call `x.f(a)`: its first child is the receiver, PyTorch's `self`.
    var isMethodCall = false
}

/// The syntax tree as an arena: nodes in an array, children by index. Children are always
/// added before their parent, so every child index is smaller than its parent's.
struct SyntaxTree {
    private(set) var nodes: [Node] = []
    private var childIndices: [Int] = []
    /// The top-level statements, in order.
    var statements: [Int] = []

    /// Adds a node whose children are `children` and returns its index.
    mutating func add(_ kind: NodeKind, range: SourceRange, detail: SourceRange? = nil, children: [Int] = [],
                      isMethodCall: Bool = false) -> Int {
        nodes.append(Node(kind: kind, range: range, detail: detail ?? range,
                          firstChild: childIndices.count, childCount: children.count, isMethodCall: isMethodCall))
        childIndices.append(contentsOf: children)
        return nodes.count - 1
    }

    subscript(index: Int) -> Node { nodes[index] }

    /// The children of node `index`, in order.
    func children(of index: Int) -> ArraySlice<Int> {
        let node = nodes[index]
        return childIndices[node.firstChild..<(node.firstChild + node.childCount)]
    }

    /// Child `i` of node `index`, without making a slice: operators read theirs this way.
    func child(_ index: Int, _ i: Int) -> Int {
        childIndices[nodes[index].firstChild + i]
    }
}
