import Autograd

// The catalog: every message the front end can produce, in one place.
// Wording follows rustc and Python where they have one; names are in backticks.

extension Diagnostic {
    // MARK: Lexing and parsing

    /// A character that starts no token.
    public static func unexpectedCharacter(_ text: String, at range: SourceRange) -> Diagnostic {
        Diagnostic(code: .parseError, message: "unexpected character `\(text)`", range: range)
    }

    /// A string literal without its closing quote.
    public static func unterminatedString(at range: SourceRange) -> Diagnostic {
        Diagnostic(code: .parseError, message: "unterminated string literal", range: range,
                   hint: "close it with the same quote it starts with, on the same line")
    }

    /// A malformed number such as `1e`.
    public static func invalidNumber(_ text: String, at range: SourceRange) -> Diagnostic {
        Diagnostic(code: .parseError, message: "invalid number `\(text)`", range: range,
                   hint: "numbers look like `3`, `3.5`, `.5` or `1e-3`")
    }

    /// An operand was expected.
    public static func expectedExpression(found: String, at range: SourceRange) -> Diagnostic {
        Diagnostic(code: .parseError, message: "expected an expression, found \(found)", range: range)
    }

    /// A specific token was expected.
    public static func expected(_ what: String, found: String, at range: SourceRange, hint: String? = nil) -> Diagnostic {
        Diagnostic(code: .parseError, message: "expected \(what), found \(found)", range: range, hint: hint)
    }

    /// An opening bracket reached the end of the input unclosed.
    public static func unclosed(_ open: String, close: String, at range: SourceRange) -> Diagnostic {
        Diagnostic(code: .parseError, message: "unclosed `\(open)`", range: range, hint: "add `\(close)` to close it")
    }

    /// Two statements with nothing between them, as in `2x`.
    public static func expectedSeparator(found: String, at range: SourceRange, implicitProduct: Bool) -> Diagnostic {
        Diagnostic(code: .parseError, message: "expected `;` or a newline after the expression, found \(found)",
                   range: range, hint: implicitProduct ? "write multiplication explicitly, with `*`" : nil)
    }

    /// `a < b < c`.
    public static func chainedComparison(at range: SourceRange) -> Diagnostic {
        Diagnostic(code: .parseError, message: "comparison operators cannot be chained", range: range,
                   hint: "multiply the masks instead: `(a < b) * (b < c)`")
    }

    /// `(x + 1)(2)`.
    public static func notCallable(at range: SourceRange) -> Diagnostic {
        Diagnostic(code: .parseError, message: "only a function name can be called", range: range)
    }

    /// `x.sum` without parentheses.
    public static func methodNotCalled(_ name: String, at range: SourceRange) -> Diagnostic {
        Diagnostic(code: .parseError, message: "expected `(` after the method `\(name)`", range: range,
                   hint: "call it: `.\(name)()`")
    }

    /// `x[0] = 1`.
    public static func invalidAssignmentTarget(at range: SourceRange) -> Diagnostic {
        Diagnostic(code: .parseError, message: "can only assign to a name", range: range)
    }

    /// `f(dim=0, x)`.
    public static func positionalAfterKeyword(at range: SourceRange) -> Diagnostic {
        Diagnostic(code: .parseError, message: "positional argument follows keyword argument", range: range)
    }

    /// `f(x, dim=0, dim=1)`.
    public static func repeatedKeyword(_ name: String, at range: SourceRange) -> Diagnostic {
        Diagnostic(code: .parseError, message: "keyword argument `\(name)` repeated", range: range)
    }

    /// A program with no statements.
    public static func emptyProgram(at range: SourceRange) -> Diagnostic {
        Diagnostic(code: .parseError, message: "empty expression", range: range,
                   hint: "write an expression such as `mean(x^2)`")
    }

    // MARK: Limits

    /// Nesting deeper than `Program.maxNestingDepth`.
    public static func nestingTooDeep(limit: Int, at range: SourceRange) -> Diagnostic {
        Diagnostic(code: .limitError, message: "expression nested more than \(limit) levels deep", range: range,
                   hint: "split it into bindings, such as `t = ...; f(t)`")
    }

    /// A source longer than `Program.maxSourceBytes`.
    public static func programTooLong(limit: Int) -> Diagnostic {
        Diagnostic(code: .limitError, message: "the program is larger than \(limit >> 30) GiB, the most gradcli parses",
                   range: SourceRange(start: 0, end: 0))
    }

    // MARK: Names

    /// A name that is neither an input, a binding nor a constant.
    public static func unknownVariable(_ name: String, suggestion: String?, at range: SourceRange) -> Diagnostic {
        Diagnostic(code: .nameError, message: "unknown variable `\(name)`", range: range,
                   hint: suggestion.map { "did you mean `\($0)`?" } ?? "give it a value as an input, or bind it first: `\(name) = ...`")
    }

    /// A call of a function the registry does not know.
    public static func unknownFunction(_ name: String, suggestion: String?, at range: SourceRange) -> Diagnostic {
        Diagnostic(code: .nameError, message: "unknown function `\(name)`", range: range,
                   hint: suggestion.map { "did you mean `\($0)`?" })
    }

    /// A function name used as a value, as in `sqrt + 1`.
    public static func functionUsedAsValue(_ name: String, at range: SourceRange) -> Diagnostic {
        Diagnostic(code: .nameError, message: "`\(name)` is a function, not a value", range: range,
                   hint: "call it: `\(name)(...)`")
    }

    /// A variable called like a function, as in `x(2)`.
    public static func variableCalled(_ name: String, at range: SourceRange) -> Diagnostic {
        Diagnostic(code: .nameError, message: "`\(name)` is a variable, not a function", range: range,
                   hint: "write multiplication explicitly: `\(name)*(...)`")
    }

    /// A keyword argument the function does not have.
    public static func unknownKeyword(_ name: String, function: String, suggestion: String?, at range: SourceRange) -> Diagnostic {
        Diagnostic(code: .nameError, message: "`\(function)` has no argument named `\(name)`", range: range,
                   hint: suggestion.map { "did you mean `\($0)`?" })
    }

    /// A warning: an input or binding hides the constant of the same name.
    public static func constantShadowed(_ name: String, at range: SourceRange) -> Diagnostic {
        Diagnostic(code: .nameError, message: "`\(name)` refers to the variable, not the constant `\(name)`",
                   range: range, hint: "rename the variable to use the constant", severity: .warning)
    }

    /// A warning: `x.T` on a tensor that is not a matrix, which PyTorch deprecates (it
    /// reverses all dimensions, and is the identity below 2-D).
    public static func transposeNotMatrix(rank: Int, at range: SourceRange) -> Diagnostic {
        Diagnostic(code: .shapeError,
                   message: "`.T` on a \(rank)-D tensor \(rank < 2 ? "returns it unchanged" : "reverses all its dimensions"); PyTorch deprecates `.T` on tensors that are not 2-D",
                   range: range, hint: "use `permute` to reverse dimensions, or `transpose(x, -2, -1)` for batches of matrices",
                   severity: .warning)
    }

    // MARK: Arguments

    /// A required argument was not given.
    public static func missingArgument(_ param: String, function: String, at range: SourceRange) -> Diagnostic {
        Diagnostic(code: .valueError, message: "`\(function)` is missing the argument `\(param)`", range: range)
    }

    /// More positional arguments than parameters.
    public static func tooManyArguments(function: String, accepted: Int, given: Int, at range: SourceRange) -> Diagnostic {
        let noun = accepted == 1 ? "argument" : "arguments"
        return Diagnostic(code: .valueError,
                          message: "`\(function)` takes \(accepted) positional \(noun) but \(given) were given", range: range)
    }

    /// A parameter given both by position and by keyword.
    public static func duplicateArgument(_ param: String, function: String, at range: SourceRange) -> Diagnostic {
        Diagnostic(code: .valueError, message: "`\(function)` got multiple values for the argument `\(param)`", range: range)
    }

    /// An argument of the wrong kind, such as `dim=1.5`.
    public static func wrongArgumentKind(_ param: String, function: String, expected: String, found: String,
                                         at range: SourceRange) -> Diagnostic {
        Diagnostic(code: .valueError, message: "argument `\(param)` of `\(function)` must be \(expected), got \(found)",
                   range: range)
    }

    /// An index or slice bound that is not an integer.
    public static func invalidIndex(found: String, at range: SourceRange) -> Diagnostic {
        Diagnostic(code: .valueError, message: "an index must be an integer, got \(found)", range: range)
    }

    /// A string where a tensor or a number is needed.
    public static func dtypeNotTensor(_ dtype: DType, at range: SourceRange) -> Diagnostic {
        Diagnostic(code: .valueError, message: "a dtype (\(dtype.torchName)) is not a tensor", range: range,
                   hint: "dtypes are for arguments such as `dtype=torch.float32` and `x.to(torch.float64)`, and for `==`")
    }

    /// The last statement is a dtype, for a command that needs a tensor.
    public static func dtypeOutput(_ dtype: DType, at range: SourceRange) -> Diagnostic {
        Diagnostic(code: .valueError, message: "the output is a dtype (\(dtype.torchName)), not a tensor", range: range,
                   hint: "`gradcli eval` prints it; other commands need a tensor output")
    }

    public static func unexpectedString(at range: SourceRange) -> Diagnostic {
        Diagnostic(code: .valueError, message: "a string is not a tensor", range: range,
                   hint: "strings are only for arguments such as `reduction='sum'`")
    }

    /// A string argument outside its set of choices.
    public static func invalidChoice(_ value: String, param: String, function: String, choices: [String],
                                     suggestion: String?, at range: SourceRange) -> Diagnostic {
        let listed = choices.map { "'\($0)'" }.joined(separator: ", ")
        return Diagnostic(code: .valueError,
                          message: "argument `\(param)` of `\(function)` must be one of \(listed), got '\(value)'",
                          range: range, hint: suggestion.map { "did you mean '\($0)'?" })
    }

    /// A tensor-list parameter given something other than a list literal.
    public static func expectedTensorList(_ param: String, function: String, at range: SourceRange) -> Diagnostic {
        Diagnostic(code: .valueError, message: "argument `\(param)` of `\(function)` must be a list of tensors",
                   range: range, hint: "write the tensors in brackets: `\(function)([a, b])`")
    }

    /// Tensor literal elements of different shapes.
    public static func raggedLiteral(element: Int, shape: [Int], expected: [Int], at range: SourceRange) -> Diagnostic {
        Diagnostic(code: .shapeError,
                   message: "tensor literal elements must have equal shapes: element \(element) has shape \(describe(shape: shape)), element 0 has \(describe(shape: expected))",
                   range: range)
    }

    /// An op failed in its forward pass; `operator` and `shapes` describe an infix operator's operands.
    public static func opFailed(_ error: OpError, operator symbol: String? = nil, shapes: [[Int]] = [],
                                at range: SourceRange) -> Diagnostic {
        let code: DiagnosticCode
        switch error.kind {
        case .shape: code = .shapeError
        case .limit: code = .limitError
        case .value, .autograd: code = .valueError
        }
        guard let symbol, shapes.count == 2, error.kind == .shape else {
            return Diagnostic(code: code, message: error.message, range: range)
        }
        return Diagnostic(code: code, message: error.message, range: range,
                          hint: "the operands of `\(symbol)` have shapes \(describe(shape: shapes[0])) and \(describe(shape: shapes[1]))")
    }
}

// MARK: Python values

extension Diagnostic {
    /// The program's last statement is a tuple, which gradcli's output cannot be yet.
    public static func tupleOutput(count: Int, origin: String, at range: SourceRange) -> Diagnostic {
        Diagnostic(code: .valueError, message: "the output is a tuple of \(count) tensors (from `\(origin)`), not a tensor",
                   range: range, hint: "`gradcli eval` prints every element; to differentiate, pick one: `[0]`, or a field such as `.values`")
    }

    /// A tuple where a tensor is needed: `max(x, dim=0) + 1`.
    public static func tupleNotTensor(count: Int, origin: String, at range: SourceRange) -> Diagnostic {
        Diagnostic(code: .valueError, message: "expected a tensor, found a tuple of \(count) (from `\(origin)`)", range: range,
                   hint: "pick one: `[0]`, or a field such as `.values`")
    }

    /// A PyTorch function or namespace gradcli does not have: `torch.fft.fft`.
    public static func notSupported(_ name: String, at range: SourceRange) -> Diagnostic {
        Diagnostic(code: .nameError, message: "`\(name)` is not supported by gradcli", range: range,
                   hint: "`gradcli help functions` lists the functions it has")
    }

    /// `x.f()` where `f` takes no tensor first: `x.ones(2)`.
    public static func notAMethod(_ name: String, at range: SourceRange) -> Diagnostic {
        Diagnostic(code: .nameError, message: "`\(name)` is not a tensor method", range: range,
                   hint: "call it as a function: `\(name)(...)`")
    }

    /// `x.name` that is no attribute.
    public static func unknownAttribute(_ name: String, of what: String, suggestion: String?, at range: SourceRange) -> Diagnostic {
        Diagnostic(code: .nameError, message: "\(what) has no attribute `\(name)`", range: range,
                   hint: suggestion.map { "did you mean `\($0)`?" })
    }
}
