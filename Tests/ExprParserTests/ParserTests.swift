import Testing
import Autograd
@testable import ExprParser

/// The S-expression of `source`, or the diagnostic message when it does not parse.
func sexpr(_ source: String) -> String {
    do { return try Program.parse(source).sexpr } catch let d as Diagnostic { return "error: \(d.message)" } catch {
        return "unexpected \(error)"
    }
}

@Suite struct ParserTests {
    @Test(arguments: [
        ("1 + 2 * 3", "(+ 1 (* 2 3))"),
        ("-x^2", "(- (^ x 2))"),
        ("2^3^2", "(^ 2 (^ 3 2))"),
        ("2**3**2", "(^ 2 (^ 3 2))"),
        ("a@b+c", "(+ (@ a b) c)"),
        ("a+b@c", "(+ a (@ b c))"),
        ("1-2-3", "(- (- 1 2) 3)"),
        ("8/4/2", "(/ (/ 8 4) 2)"),
        ("x.pow(2).mean()", "(mean (pow x 2))"),
        ("-a*b", "(* (- a) b)"),
        ("2*-3", "(* 2 (- 3))"),
        ("2^-1", "(^ 2 (- 1))"),
        ("--x", "(- (- x))"),
        ("+x", "(+ x)"),
        ("-x.T", "(- (.T x))"),
        ("a@b.T", "(@ a (.T b))"),
        ("2^x[0]", "(^ 2 (index x 0))"),
        ("a < b + 1", "(< a (+ b 1))"),
        ("a + 1 >= b * 2", "(>= (+ a 1) (* b 2))"),
        ("(a == b) != c", "(!= (== a b) c)"),
        ("(1 + 2) * 3", "(* (+ 1 2) 3)"),
        ("a - -b", "(- a (- b))"),
    ])
    func precedenceAndAssociativity(source: String, expected: String) {
        #expect(sexpr(source) == expected)
    }

    @Test(arguments: [
        ("3", "3"), ("3.5", "3.5"), (".5", ".5"), ("1e-3", "1e-3"), ("2E+4", "2E+4"), ("1.", "1."),
        ("x_1", "x_1"), ("'sum'", "'sum'"), ("\"mean\"", "'mean'"),
        ("sum(x, dim=0, keepdim=true)", "(sum x dim=0 keepdim=true)"),
        ("ones()", "(ones)"),
        ("f(x,)", "(f x)"),
        ("x.sum(dim=-1)", "(sum x dim=(- 1))"),
        ("x.T", "(.T x)"),
        ("x.T.T.sum()", "(sum (.T (.T x)))"),
        ("x[0].T", "(.T (index x 0))"),
        ("torch.sum(x)", "(sum x)"),
        ("torch.nn.functional.relu(x)", "(relu x)"),
        ("F.mse_loss(a, b, reduction='sum')", "(mse_loss a b reduction='sum')"),
        ("torch.pi", "pi"),
        ("[1, 2, 3]", "(list 1 2 3)"),
        ("[[1, 2], [3, 4]]", "(list (list 1 2) (list 3 4))"),
        ("[]", "(list)"),
        ("[m[0]^2, m[1]]", "(list (^ (index m 0) 2) (index m 1))"),
        ("reshape(x, (2, 3))", "(reshape x (list 2 3))"),
        ("x[0]", "(index x 0)"),
        ("x[1, -1]", "(index x 1 (- 1))"),
        ("x[:, 0]", "(index x (slice _ _ _) 0)"),
        ("x[1:3]", "(index x (slice 1 3 _))"),
        ("x[::2]", "(index x (slice _ _ 2))"),
        ("x[1:]", "(index x (slice 1 _ _))"),
        ("x[:-1:1]", "(index x (slice _ (- 1) 1))"),
        ("x[0][1]", "(index (index x 0) 1)"),
        ("b = a + 3", "(= b (+ a 3))"),
        ("b = a + 3; c = b*b*3; c.mean()", "(= b (+ a 3))\n(= c (* (* b b) 3))\n(mean c)"),
        ("a = 1\n\n# comment\nb = 2 # trailing\nb", "(= a 1)\n(= b 2)\nb"),
        (";; x ;", "x"),
        ("f(x,\n  y)", "(f x y)"),
        ("[1,\n 2]", "(list 1 2)"),
        ("x +\n y", "(+ x y)"),
        ("a<=b", "(<= a b)"),
        ("a>b", "(> a b)"),
    ])
    func constructs(source: String, expected: String) {
        #expect(sexpr(source) == expected)
    }

    @Test func everyNodeCarriesItsRange() throws {
        let program = try Program.parse("sum(x + y, dim=0)")
        let tree = program.tree
        let text = Array(program.source.utf8)
        func slice(_ r: SourceRange) -> String { String(decoding: text[r.start..<r.end], as: UTF8.self) }
        let spans = tree.nodes.map { slice($0.range) }
        #expect(spans.contains("x + y"))
        #expect(spans.contains("dim=0"))
        #expect(spans.last == "sum(x + y, dim=0)")
        let add = tree.nodes.first { if case .binary = $0.kind { return true } else { return false } }
        #expect(add.map { slice($0.detail) } == "+")
    }

    @Test func eachSpellingIsOneSymbol() throws {
        // x, y and f, whatever the number of uses; the keyword `y` shares the name's symbol.
        let program = try Program.parse("x + y * x - f(x, y=x)")
        #expect(program.tree.symbols.count == 3)
    }

    @Test func theSymbolTableGrowsAndFindsEverySpelling() {
        var table = SymbolTable()
        let symbols = (0..<1000).map { table.intern("n\($0)") }
        #expect(Set(symbols).count == 1000)
        #expect((0..<1000).allSatisfy { table.lookup("n\($0)") == symbols[$0] && table[symbols[$0]] == "n\($0)" })
        #expect(table.intern("n7") == symbols[7])
        #expect(table.lookup("n") == nil)
    }

    @Test func operatorTreesAreMarked() throws {
        // Operators over names and literals, evaluated by arena index; a call is not one.
        let program = try Program.parse("f(x) + x * 2 - -y")
        let tree = program.tree
        let marked = tree.nodes.indices.filter { tree[$0].isOperatorTree }
            .map { SExpression.print(tree, root: $0, source: program.source) }
        #expect(marked == ["x", "x", "2", "(* x 2)", "y", "(- y)"])
    }

    @Test(arguments: [
        ("1 +", "error: expected an expression, found end of input"),
        ("(1 + 2", "error: unclosed `(`"),
        ("f(x y)", "error: expected `,` or `)`, found name `y`"),
        ("2x", "error: expected `;` or a newline after the expression, found name `x`"),
        ("a < b < c", "error: comparison operators cannot be chained"),
        ("(x)(2)", "error: only a function name can be called"),
        ("x.sum", "(.sum x)"),  // an attribute; the lowering says `sum` must be called
        ("x[0] = 1", "error: can only assign to a name"),
        ("f(dim=0, x)", "error: positional argument follows keyword argument"),
        ("f(x, dim=0, dim=1)", "error: keyword argument `dim` repeated"),
        ("", "error: empty expression"),
        ("# only a comment", "error: empty expression"),
        ("x $ y", "error: unexpected character `$`"),
        ("x ! y", "error: unexpected character `!`"),
        ("'abc", "error: unterminated string literal"),
        ("1e+", "error: invalid number `1e+`"),
        ("x.", "error: expected a method name after `.`, found end of input"),
        ("x[", "error: unclosed `[`"),
        ("()", "error: expected an expression, found `)`"),
    ])
    func parseErrors(source: String, expected: String) {
        #expect(sexpr(source) == expected)
    }
}
