import Autograd

/// A value of the Python subset: the numbers, strings and containers of Python, and PyTorch's
/// tensors and graph nodes. Everything else (modules, loss objects, dtypes, context managers,
/// exceptions) is a `PyObject`.
enum PyValue {
    case none
    case bool(Bool)
    case int(Int)
    case float(Double)
    case str(String)
    case tuple([PyValue])
    case list(PyList)
    case dict(PyDict)
    case tensor(Variable)
    case node(GradFn)
    case function(PyFunction)
    case native(NativeFunction)
    case object(PyObject)

    /// The tensor this value is, if it is one.
    var tensorValue: Variable? {
        if case .tensor(let t) = self { return t }
        return nil
    }

    /// Python's type name, for messages: `int`, `Tensor`, `builtin_function_or_method`.
    var typeName: String {
        switch self {
        case .none: return "NoneType"
        case .bool: return "bool"
        case .int: return "int"
        case .float: return "float"
        case .str: return "str"
        case .tuple: return "tuple"
        case .list: return "list"
        case .dict: return "dict"
        case .tensor: return "Tensor"
        case .node(let fn): return fn.name
        case .function: return "function"
        case .native: return "builtin_function_or_method"
        case .object(let o): return o.typeName
        }
    }
}

/// A Python list: a reference type, so aliases see `append`.
final class PyList {
    var items: [PyValue]
    init(_ items: [PyValue]) { self.items = items }
}

/// A Python dict with string, int or bool keys, in insertion order.
final class PyDict {
    var keys: [DictKey] = []
    var values: [DictKey: PyValue] = [:]

    subscript(key: DictKey) -> PyValue? {
        get { values[key] }
        set {
            if let newValue {
                if values.updateValue(newValue, forKey: key) == nil { keys.append(key) }
            } else if values.removeValue(forKey: key) != nil {
                keys.removeAll { $0 == key }
            }
        }
    }
}

/// The keys a dict accepts.
enum DictKey: Hashable {
    case str(String)
    case int(Int)

    var value: PyValue {
        switch self {
        case .str(let s): return .str(s)
        case .int(let i): return .int(i)
        }
    }
}

/// A function defined with `def` or `lambda`, with the scope it was defined in.
final class PyFunction {
    let name: String
    let parameters: [PyParameter]
    let defaults: [PyValue?]
    let body: [PyStmt]
    /// For a lambda: its expression (the body is empty).
    let expression: PyExpr?
    let scope: Scope

    init(name: String, parameters: [PyParameter], defaults: [PyValue?], body: [PyStmt], expression: PyExpr?, scope: Scope) {
        self.name = name
        self.parameters = parameters
        self.defaults = defaults
        self.body = body
        self.expression = expression
        self.scope = scope
    }
}

/// Keyword arguments of a call, in the order written.
typealias Keywords = [(name: String, value: PyValue)]

/// A function implemented by the interpreter: a builtin, a torch function or a bound method.
final class NativeFunction {
    let name: String
    let body: ([PyValue], Keywords) throws -> PyValue

    init(_ name: String, _ body: @escaping ([PyValue], Keywords) throws -> PyValue) {
        self.name = name
        self.body = body
    }
}

/// Any other object: modules and namespaces, dtypes, loss objects, context managers,
/// exceptions, types, ranges. Subclasses override what they support.
class PyObject {
    /// Python's name of the object's type.
    var typeName: String { "object" }
    /// `repr(obj)`.
    var repr: String { "<\(typeName) object at \(address(of: self))>" }
    /// `obj.name`, or nil when there is no such attribute.
    func attribute(_ name: String) throws -> PyValue? { nil }
    /// `obj.name = value`: false when the object has no such writable attribute.
    func setAttribute(_ name: String, _ value: PyValue) throws -> Bool { false }
    /// `obj(...)`, for callable objects.
    func call(_ arguments: [PyValue], _ keywords: Keywords) throws -> PyValue {
        throw PyException("TypeError", "'\(typeName)' object is not callable")
    }
}

/// A namespace such as the module `torch`, `torch.nn` or `torch.nn.functional`.
final class PyModule: PyObject {
    let name: String
    var members: [String: PyValue] { didSet { version &+= 1 } }
    /// Counts the changes of `members`, so that a member read once can be reused until the next
    /// change (see `Interpreter.attribute(of:_:line:)`).
    private(set) var version = 0
    /// Looks up members not in `members` (the op registry for `torch` and `F`).
    let fallback: ((String) -> PyValue?)?

    init(_ name: String, members: [String: PyValue] = [:], fallback: ((String) -> PyValue?)? = nil) {
        self.name = name
        self.members = members
        self.fallback = fallback
    }

    override var typeName: String { "module" }
    override var repr: String { "<module '\(name)'>" }
    /// Names refused with a message when read (`torch.int32`: a dtype gradcli lacks).
    var refused: [String: String] = [:]

    override func attribute(_ attribute: String) throws -> PyValue? {
        if let member = members[attribute] { return member }
        if let message = refused[attribute] { throw PyException.torch(message) }
        if let found = fallback?(attribute) { members[attribute] = found; return found }
        return nil
    }
}

/// `torch.float32` and friends.
final class PyDType: PyObject {
    let dtype: DType
    init(_ dtype: DType) { self.dtype = dtype }
    override var typeName: String { "torch.dtype" }
    override var repr: String { dtype.torchName }
    override func attribute(_ name: String) throws -> PyValue? {
        switch name {
        case "is_floating_point": return .bool(dtype.isFloatingPoint)
        case "is_complex": return .bool(false)
        case "is_signed": return .bool(dtype != .bool)
        case "itemsize": return .int(dtype.itemSize)
        default: return nil
        }
    }
}

/// A Python type used as a value: `int`, `float`, `torch.Tensor`, `RuntimeError`...
final class PyType: PyObject {
    let name: String
    /// For exception types: the chain of base classes, innermost first.
    let bases: [String]
    let construct: (([PyValue], Keywords) throws -> PyValue)?

    init(_ name: String, bases: [String] = [], construct: (([PyValue], Keywords) throws -> PyValue)? = nil) {
        self.name = name
        self.bases = bases
        self.construct = construct
    }

    override var typeName: String { "type" }
    override var repr: String { name == "Tensor" ? "<class 'torch.Tensor'>" : "<class '\(name)'>" }
    override func attribute(_ attribute: String) throws -> PyValue? {
        // `type(e).__name__`: the name without its module (`torch.return_types.max` is `max`).
        if attribute == "__name__" { return .str(String(name.split(separator: ".").last ?? Substring(name))) }
        if attribute == "__qualname__" { return .str(name) }
        return nil
    }
    override func call(_ arguments: [PyValue], _ keywords: Keywords) throws -> PyValue {
        if let construct { return try construct(arguments, keywords) }
        throw PyException("TypeError", "cannot create '\(name)' instances")
    }
}

/// `range(start, stop, step)`, iterated lazily.
final class PyRange: PyObject {
    let start: Int, stop: Int, step: Int
    init(_ start: Int, _ stop: Int, _ step: Int) {
        self.start = start
        self.stop = stop
        self.step = step
    }
    override var typeName: String { "range" }
    override var repr: String { step == 1 ? "range(\(start), \(stop))" : "range(\(start), \(stop), \(step))" }
    var count: Int {
        if step > 0 { return stop > start ? (stop - start + step - 1) / step : 0 }
        return start > stop ? (start - stop - step - 1) / -step : 0
    }
}

/// A raised exception as a value (`except RuntimeError as e`).
final class PyExceptionObject: PyObject {
    let exception: PyException
    init(_ exception: PyException) { self.exception = exception }
    override var typeName: String { exception.type }
    override var repr: String { "\(exception.type)(\(pyRepr(.str(exception.message))))" }
    override func attribute(_ name: String) throws -> PyValue? {
        name == "args" ? .tuple([.str(exception.message)]) : nil
    }
}

/// One frame of a traceback: the function and the line running in it.
struct TraceFrame {
    let function: String
    var line: Int
}

/// A Python exception raised while the program runs: its type (`RuntimeError`), message, and the
/// frames it passed through, innermost first.
struct PyException: Error {
    let type: String
    let message: String
    var frames: [TraceFrame] = []
    /// The exception type's bases, for `except` matching.
    var bases: [String] = []

    init(_ type: String, _ message: String, bases: [String] = []) {
        self.type = type
        self.message = message
        self.bases = bases
    }

    /// A PyTorch error with `message`, of the type PyTorch raises it as: IndexError for a
    /// dimension or index out of range, RuntimeError otherwise.
    /// Dtype refusals are NotImplementedError and failed factorizations torch.linalg's
    /// LinAlgError (printed `_LinAlgError`), both RuntimeErrors to `except`.
    static func torch(_ message: String) -> PyException {
        if message.hasPrefix("Dimension out of range") || message.hasPrefix("too many indices") || message == "index out of range in self"
            || (message.contains("(): Expected reduction dim") && !message.contains("Specify the reduction dim with the 'dim' argument")) || (message.hasPrefix("Target ") && message.hasSuffix(" is out of bounds.")) {
            return PyException("IndexError", message)
        }
        if message == "torch.cat(): expected a non-empty list of Tensors" { return PyException("ValueError", message) }
        if message.contains("is not supported in gradcli run") { return PyException("NotImplementedError", message, bases: ["RuntimeError"]) }
        if message.contains("not implemented for '") { return PyException("NotImplementedError", message, bases: ["RuntimeError"]) }
        // The Python binding's refusal of an argument list no overload takes.
        if message.contains("received an invalid combination of arguments") { return PyException("TypeError", message) }
        if message.hasPrefix("linalg.") || message.hasPrefix("torch.linalg."),
           message.contains("singular") || message.contains("not positive-definite") {
            return PyException("_LinAlgError", message, bases: ["RuntimeError"])
        }
        return PyException("RuntimeError", message)
    }

    /// True when `except name:` catches this exception.
    func matches(_ name: String) -> Bool {
        name == type || bases.contains(name) || (name == "Exception" && type != "KeyboardInterrupt" && type != "SystemExit")
            || (name == "BaseException")
    }
}

/// A stable, PyTorch-looking address for an object's repr (`0x7f...`).
func address(of object: AnyObject) -> String {
    "0x" + String(UInt(bitPattern: Unmanaged.passUnretained(object).toOpaque()), radix: 16)
}

/// The node PyTorch shows for a leaf that requires grad in `next_functions`.
final class PyAccumulateGrad: PyObject {
    let variable: Variable
    init(_ variable: Variable) { self.variable = variable }
    override var typeName: String { "AccumulateGrad" }
    override var repr: String { "<AccumulateGrad object at \(address(of: variable))>" }
    override func attribute(_ name: String) throws -> PyValue? {
        switch name {
        case "variable": return .tensor(variable)
        case "next_functions": return .tuple([])
        case "name": return .native(NativeFunction("name") { _, _ in .str("torch::autograd::AccumulateGrad") })
        default: return nil
        }
    }
}

/// `torch.device('cpu')`, the only device.
final class PyDevice: PyObject {
    static let cpu = PyDevice()
    override var typeName: String { "torch.device" }
    override var repr: String { "device(type='cpu')" }
    override func attribute(_ name: String) throws -> PyValue? { name == "type" ? .str("cpu") : nil }
}

/// The 0-d result of `Tensor.numpy()`: comparable with numbers and convertible to a Python
/// number, nothing more (numpy's printing and arithmetic are outside the subset).
final class PyNumpyScalar: PyObject {
    let value: Double
    let dtype: DType
    init(_ value: Double, _ dtype: DType) { self.value = value; self.dtype = dtype }
    override var typeName: String { "numpy.ndarray" }
    override var repr: String { "<numpy array: printing is not supported in gradcli run>" }
}
