// The syntax tree of a Python program in the subset `gradcli run` accepts. Every node keeps
// its source line (for tracebacks) and byte range (for caret diagnostics).

/// A binary operator of Python.
enum PyBinaryOp: String {
    case add = "+", sub = "-", mul = "*", div = "/", floorDiv = "//", mod = "%", pow = "**", matmul = "@"
    case bitAnd = "&", bitOr = "|", bitXor = "^", shiftLeft = "<<", shiftRight = ">>"
}

/// A comparison operator of Python (chains such as `a < b < c` are allowed).
enum PyCompareOp: String {
    case less = "<", lessEqual = "<=", greater = ">", greaterEqual = ">=", equal = "==", notEqual = "!="
    case isSame = "is", isNot = "is not", isIn = "in", notIn = "not in"
}

/// One piece of an f-string: literal text, or an expression with its conversion and format spec.
enum FStringPart {
    case text(String)
    case value(PyExpr, conversion: Character?, spec: [FStringPart])
}

/// A call argument: positional, `name=value`, or `*iterable`.
struct PyArgument {
    var keyword: String?
    var value: PyExpr
    var star = false
}

/// A function parameter with an optional default.
struct PyParameter {
    let name: PyName
    let defaultValue: PyExpr?
}

/// The numbers of a program's names, given as the parser meets them: a scope keeps its
/// variables in an array indexed by number, so running a name costs no string hashing. One
/// table serves a program and everything run after it in the same interpreter (the repl's lines).
public final class NameTable {
    private var numbers: [String: Int] = [:]
    private(set) var names: [String] = []

    public init() {}

    /// The number of `name`, given now if it has none yet.
    func number(_ name: String) -> Int {
        if let n = numbers[name] { return n }
        numbers[name] = names.count
        names.append(name)
        return names.count - 1
    }

    func name(_ name: String) -> PyName { PyName(text: name, number: number(name)) }
}

/// A name in the program and its number in the program's `NameTable`.
struct PyName {
    let text: String
    let number: Int
}

/// One index of a subscript: an expression, or a slice `start:stop:step`.
indirect enum PyIndex {
    case value(PyExpr)
    case slice(PyExpr?, PyExpr?, PyExpr?)
}

/// An expression node.
final class PyExpr {
    indirect enum Kind {
        case name(PyName)
        case int(Int)
        case float(Double)
        case string(String)
        case fstring([FStringPart])
        case constant(PyConstant)
        case tuple([PyExpr])
        case list([PyExpr])
        case dict([(PyExpr, PyExpr)])
        case listComprehension(element: PyExpr, target: PyExpr, iterable: PyExpr, conditions: [PyExpr])
        /// `object.name`; the name is numbered like a variable's, so what it means on a tensor is
        /// found once per name (see `Interpreter.tensorMember`).
        case attribute(PyExpr, PyName)
        case item(PyExpr, [PyIndex], isTuple: Bool)
        case call(PyExpr, [PyArgument])
        case unary(String, PyExpr)
        case binary(PyBinaryOp, PyExpr, PyExpr)
        case compare(PyExpr, [(PyCompareOp, PyExpr)])
        case and(PyExpr, PyExpr)
        case or(PyExpr, PyExpr)
        case not(PyExpr)
        case ternary(condition: PyExpr, then: PyExpr, otherwise: PyExpr)
        case lambda([PyParameter], PyExpr)
        case starred(PyExpr)
    }
    let kind: Kind
    let line: Int
    let start: Int
    let end: Int

    init(_ kind: Kind, line: Int, start: Int, end: Int) {
        self.kind = kind
        self.line = line
        self.start = start
        self.end = end
    }
}

/// `True`, `False`, `None`, `...`.
enum PyConstant {
    case `true`, `false`, none, ellipsis
}

/// A statement node.
final class PyStmt {
    indirect enum Kind {
        case expression(PyExpr)
        case assign(targets: [PyExpr], value: PyExpr)
        case augmentedAssign(target: PyExpr, op: PyBinaryOp, value: PyExpr)
        case `if`(branches: [(PyExpr, [PyStmt])], otherwise: [PyStmt]?)
        case `while`(PyExpr, [PyStmt], otherwise: [PyStmt]?)
        case `for`(target: PyExpr, iterable: PyExpr, body: [PyStmt], otherwise: [PyStmt]?)
        case `break`, `continue`, pass
        case `return`(PyExpr?)
        case def(name: String, parameters: [PyParameter], body: [PyStmt])
        case with(items: [(PyExpr, PyExpr?)], body: [PyStmt])
        case `try`(body: [PyStmt], handlers: [PyExceptHandler], otherwise: [PyStmt]?, finally: [PyStmt]?)
        case raise(PyExpr?)
        case assert(PyExpr, message: PyExpr?)
        case `import`(module: String, alias: String?)
        case fromImport(module: String, names: [(String, String?)])
        case delete([PyExpr])
        case global([String])
    }
    let kind: Kind
    let line: Int
    let start: Int
    let end: Int

    init(_ kind: Kind, line: Int, start: Int, end: Int) {
        self.kind = kind
        self.line = line
        self.start = start
        self.end = end
    }
}

/// `except TYPE as NAME:` with its body; a bare `except:` has no type.
struct PyExceptHandler {
    let type: PyExpr?
    let name: String?
    let body: [PyStmt]
}
