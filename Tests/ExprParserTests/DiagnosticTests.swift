import Autograd
import Testing
@testable import ExprParser

/// The first diagnostic of `source` (or its warnings), rendered without colour.
func rendered(_ source: String, inputs: [(String, Tensor)] = [("x", Tensor([1, 2, 3]))]) -> String {
    do {
        let result = try Evaluator(inputs: inputs.map { ($0.0, Variable($0.1)) }).evaluate(Program.parse(source))
        return result.warnings.map { DiagnosticRenderer.render($0, source: source, color: false) }.joined()
    } catch let d as Diagnostic {
        return DiagnosticRenderer.render(d, source: source, color: false)
    } catch {
        return "unexpected \(error)"
    }
}

/// A rendered snapshot of every message in the catalog (nesting depth is in LimitTests).
@Suite struct DiagnosticTests {
    @Test(arguments: [
        ("x $ 1", """
        error: unexpected character `$`
         --> 1:3
          |
        1 | x $ 1
          |   ^

        """),
        ("'abc", """
        error: unterminated string literal
         --> 1:1
          |
        1 | 'abc
          | ^^^^
          = help: close it with the same quote it starts with, on the same line

        """),
        ("1e+x", """
        error: invalid number `1e+x`
         --> 1:1
          |
        1 | 1e+x
          | ^^^^
          = help: numbers look like `3`, `3.5`, `.5` or `1e-3`

        """),
        ("1 +", """
        error: expected an expression, found end of input
         --> 1:4
          |
        1 | 1 +
          |    ^

        """),
        ("f(x y)", """
        error: expected `,` or `)`, found name `y`
         --> 1:5
          |
        1 | f(x y)
          |     ^

        """),
        ("(1 + 2", """
        error: unclosed `(`
         --> 1:1
          |
        1 | (1 + 2
          | ^
          = help: add `)` to close it

        """),
        ("2x", """
        error: expected `;` or a newline after the expression, found name `x`
         --> 1:2
          |
        1 | 2x
          |  ^
          = help: write multiplication explicitly, with `*`

        """),
        ("a < b < c", """
        error: comparison operators cannot be chained
         --> 1:7
          |
        1 | a < b < c
          |       ^
          = help: multiply the masks instead: `(a < b) * (b < c)`

        """),
        ("(x)(2)", """
        error: only a function name can be called
         --> 1:2
          |
        1 | (x)(2)
          |  ^

        """),
        ("x.sum", """
        error: expected `(` after the method `sum`
         --> 1:3
          |
        1 | x.sum
          |   ^^^
          = help: call it: `.sum()`

        """),
        ("x[0] = 1", """
        error: can only assign to a name
         --> 1:1
          |
        1 | x[0] = 1
          | ^^^^

        """),
        ("f(dim=0, x)", """
        error: positional argument follows keyword argument
         --> 1:10
          |
        1 | f(dim=0, x)
          |          ^

        """),
        ("f(x, dim=0, dim=1)", """
        error: keyword argument `dim` repeated
         --> 1:13
          |
        1 | f(x, dim=0, dim=1)
          |             ^^^

        """),
        ("  # nothing", """
        error: empty expression
         --> 1:1
          |
        1 |   # nothing
          | ^^^^^^^^^^^
          = help: write an expression such as `mean(x^2)`

        """),
        ("y + 1", """
        error: unknown variable `y`
         --> 1:1
          |
        1 | y + 1
          | ^
          = help: did you mean `x`?

        """),
        ("sqr(x)", """
        error: unknown function `sqr`
         --> 1:1
          |
        1 | sqr(x)
          | ^^^
          = help: did you mean `sqrt`?

        """),
        ("sqrt + 1", """
        error: `sqrt` is a function, not a value
         --> 1:1
          |
        1 | sqrt + 1
          | ^^^^
          = help: call it: `sqrt(...)`

        """),
        ("x(2)", """
        error: `x` is a variable, not a function
         --> 1:1
          |
        1 | x(2)
          | ^
          = help: write multiplication explicitly: `x*(...)`

        """),
        ("sum(x, dm=0)", """
        error: `sum` has no argument named `dm`
         --> 1:8
          |
        1 | sum(x, dm=0)
          |        ^^
          = help: did you mean `dim`?

        """),
        ("e * x", """
        warning: `e` refers to the variable, not the constant `e`
         --> 1:1
          |
        1 | e * x
          | ^
          = help: rename the variable to use the constant

        """),
        ("pow(x)", """
        error: `pow` is missing the argument `exponent`
         --> 1:1
          |
        1 | pow(x)
          | ^^^^^^

        """),
        ("exp(x, x)", """
        error: `exp` takes 1 positional argument but 2 were given
         --> 1:8
          |
        1 | exp(x, x)
          |        ^

        """),
        ("sum(x, 0, dim=0)", """
        error: `sum` got multiple values for the argument `dim`
         --> 1:11
          |
        1 | sum(x, 0, dim=0)
          |           ^^^^^

        """),
        ("sum(x, dim=1.5)", """
        error: argument `dim` of `sum` must be an integer or a list of integers, got 1.5
         --> 1:12
          |
        1 | sum(x, dim=1.5)
          |            ^^^

        """),
        ("x[0.5]", """
        error: an index must be an integer, got 0.5
         --> 1:3
          |
        1 | x[0.5]
          |   ^^^

        """),
        ("x + 'a'", """
        error: a string is not a tensor
         --> 1:5
          |
        1 | x + 'a'
          |     ^^^
          = help: strings are only for arguments such as `reduction='sum'`

        """),
        ("mse_loss(x, x, reduction='summ')", """
        error: argument `reduction` of `mse_loss` must be one of 'none', 'mean', 'sum', got 'summ'
         --> 1:26
          |
        1 | mse_loss(x, x, reduction='summ')
          |                          ^^^^^^
          = help: did you mean 'sum'?

        """),
        ("cat(x)", """
        error: argument `tensors` of `cat` must be a list of tensors
         --> 1:5
          |
        1 | cat(x)
          |     ^
          = help: write the tensors in brackets: `cat([a, b])`

        """),
        ("[[1, 2], [3]]", """
        error: tensor literal elements must have equal shapes: element 1 has shape [1], element 0 has [2]
         --> 1:10
          |
        1 | [[1, 2], [3]]
          |          ^^^

        """),
        ("ones(2,3) @ ones(2,3)", """
        error: mat1 and mat2 shapes cannot be multiplied (2x3 and 2x3)
         --> 1:11
          |
        1 | ones(2,3) @ ones(2,3)
          |           ^
          = help: the operands of `@` have shapes [2, 3] and [2, 3]

        """),
        ("reshape(x, 4)", """
        error: shape '[4]' is invalid for input of size 3
         --> 1:1
          |
        1 | reshape(x, 4)
          | ^^^^^^^^^^^^^

        """),
        ("a = 1\nb = a +\n  sqr(a)", """
        error: unknown function `sqr`
         --> 3:3
          |
        3 |   sqr(a)
          |   ^^^
          = help: did you mean `sqrt`?

        """),
        ("x.T", """
        warning: `.T` on a 1-D tensor returns it unchanged; PyTorch deprecates `.T` on tensors that are not 2-D
         --> 1:3
          |
        1 | x.T
          |   ^
          = help: use `permute` to reverse dimensions, or `transpose(x, -2, -1)` for batches of matrices

        """),
        ("mse_loss(None, x)", """
        error: argument `input` of `mse_loss` must be a tensor, got None
         --> 1:10
          |
        1 | mse_loss(None, x)
          |          ^^^^

        """),
        ("sum(x, keepdim='yes')", """
        error: argument `keepdim` of `sum` must be `true` or `false`, got a string
         --> 1:16
          |
        1 | sum(x, keepdim='yes')
          |                ^^^^^

        """),
    ])
    func catalogSnapshot(source: String, expected: String) {
        let inputs: [(String, Tensor)] = source.hasPrefix("e *") ? [("e", Tensor(2)), ("x", Tensor([1, 2, 3]))]
            : [("x", Tensor([1, 2, 3]))]
        #expect(rendered(source, inputs: inputs) == expected)
    }

    @Test func codesClassifyTheProblem() throws {
        func code(_ source: String) -> DiagnosticCode? {
            do { _ = try Evaluator(inputs: [("x", Variable(Tensor([1, 2])))]).evaluate(Program.parse(source)); return nil }
            catch let d as Diagnostic { return d.code } catch { return nil }
        }
        #expect(code("x +") == .parseError)
        #expect(code("sqr(x)") == .nameError)
        #expect(code("x + ones(3)") == .shapeError)
        #expect(code("sum(x, dim=5)") == .valueError)
    }

    @Test func colourOnlyWhenAsked() {
        let d = Diagnostic.unknownFunction("sqr", suggestion: "sqrt", at: SourceRange(start: 0, end: 3))
        let plain = DiagnosticRenderer.render(d, source: "sqr(x)", color: false)
        let coloured = DiagnosticRenderer.render(d, source: "sqr(x)", color: true)
        #expect(!plain.contains("\u{1B}"))
        #expect(coloured.contains("\u{1B}[1;31merror\u{1B}[0m"))
        #expect(coloured.replacingAnsi() == plain)
    }

    @Test func columnsAreOneBasedAndCountCharacters() {
        #expect(DiagnosticRenderer.lineColumn(of: 0, in: "abc") == (1, 1))
        #expect(DiagnosticRenderer.lineColumn(of: 4, in: "ab\ncd") == (2, 2))
        #expect(DiagnosticRenderer.lineColumn(of: 5, in: "\u{e9}\u{e9} + y") == (1, 4))  // two 2-byte letters
    }

    @Test func underlineFollowsTabsAndWideCharacters() {
        let source = "\t\u{e9} + y"
        let d = Diagnostic.unknownVariable("y", suggestion: nil, at: SourceRange(start: 6, end: 7))
        #expect(DiagnosticRenderer.render(d, source: source, color: false).contains("  | \t    ^\n"))  // tab, then é + space + `+` + space
    }

    @Test(arguments: [
        ("sqr", ["sqrt", "square", "exp"], "sqrt"),
        ("Sqrt", ["sqrt"], "sqrt"),
        ("mena", ["mean", "max"], "mean"),
        ("dm", ["input", "dim", "keepdim"], "dim"),
        ("xyz", ["sqrt", "mean"], nil),
        ("ab", ["abs"], "abs"),
        ("logsoftmax", ["log_softmax", "softmax"], "log_softmax"),
    ] as [(String, [String], String?)])
    func suggestionsFollowRustcDistanceRule(name: String, candidates: [String], expected: String?) {
        #expect(Suggestions.closest(to: name, among: candidates) == expected)
    }

    @Test func editDistance() {
        #expect(Suggestions.editDistance("kitten", "sitting") == 3)
        #expect(Suggestions.editDistance("", "abc") == 3)
        #expect(Suggestions.editDistance("sum", "sum") == 0)
        #expect(Suggestions.editDistance("mena", "mean") == 1)
    }
}

extension String {
    /// The text without ANSI escape sequences.
    func replacingAnsi() -> String {
        var out = ""
        var inEscape = false
        for c in self {
            if c == "\u{1B}" { inEscape = true; continue }
            if inEscape { if c == "m" { inEscape = false }; continue }
            out.append(c)
        }
        return out
    }
}
