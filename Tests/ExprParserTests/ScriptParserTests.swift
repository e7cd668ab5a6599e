import Testing
@testable import ExprParser

/// The tokenizer and parser of `gradcli run`: CPython's INDENT/DEDENT rules, Python's error
/// wording, and "not supported in gradcli run" for valid Python outside the subset.
@Suite struct ScriptParserTests {
    /// The token kinds of `source`, with names and operators spelled out.
    func kinds(_ source: String) throws -> String {
        try PyLexer.tokenize(source).map { t in
            switch t.kind {
            case .name, .op, .int, .float: return t.text
            case .string: return "'\(t.text)'"
            case .newline: return "NL"
            case .indent: return "IN"
            case .dedent: return "DE"
            case .end: return "END"
            }
        }.joined(separator: " ")
    }

    /// The syntax error message for `source`, or "ok".
    func failure(_ source: String) -> String {
        do { _ = try ScriptParser.parse(source, names: NameTable()); return "ok" } catch let e as ScriptSyntaxError { return e.message } catch { return "\(error)" }
    }

    @Test func blocksBecomeIndentAndDedent() throws {
        #expect(try kinds("if x:\n    y = 1\nz\n") == "if x : NL IN y = 1 NL DE z NL END")
        #expect(try kinds("for i in r:\n    if i:\n        a\nb") == "for i in r : NL IN if i : NL IN a NL DE DE b NL END")
    }

    @Test func commentAndBlankLinesNeverChangeIndentation() throws {
        let source = "for i in r:\n    a\n#   print(i)\n\n    # indented comment\n    b\n"
        #expect(try kinds(source) == "for i in r : NL IN a NL b NL DE END")
    }

    @Test func newlinesInsideBracketsAreIgnored() throws {
        #expect(try kinds("f(1,\n  2)\n") == "f ( 1 , 2 ) NL END")
    }

    @Test func stringsAndNumbers() throws {
        #expect(try kinds("s = 'a\\nb' + \"c\" + 1. + 0.01 + 1e-8 + 3") == "s = 'a\nb' + 'c' + 1. + 0.01 + 1e-8 + 3 NL END")
        #expect(try kinds("'梯度'") == "'梯度' NL END")
    }

    @Test(arguments: [
        ("if x\n    y\n", "expected ':'"),
        ("x = (1, 2\n", "'(' was never closed"),
        ("for i in r:\n    a\n  b\n", "unindent does not match any outer indentation level"),
        ("  x = 1\n", "unexpected indent"),
        ("if x:\ny\n", "expected an indented block after 'if' statement on line 1"),
        ("x = = 2\n", "invalid syntax"),
        ("f() = 3\n", "cannot assign to function call here. Maybe you meant '==' instead of '='?"),
        ("print('a)\n", "unterminated string literal (detected at line 1)"),
        ("f(a=1, 2)\n", "positional argument follows keyword argument"),
    ])
    func pythonsWording(_ source: String, _ message: String) {
        #expect(failure(source) == message)
    }

    @Test(arguments: [
        ("class Net:\n    pass\n", "class definitions are not supported in gradcli run"),
        ("def g():\n    yield 1\n", "generators are not supported in gradcli run"),
        ("import numpy\n", "importing 'numpy' is not supported in gradcli run (only torch is)"),
        ("from os import path\n", "importing 'os' is not supported in gradcli run (only torch is)"),
        ("@decorator\ndef f():\n    pass\n", "decorators are not supported in gradcli run"),
        ("x = {1, 2}\n", "sets are not supported in gradcli run"),
        ("async def f():\n    pass\n", "async code is not supported in gradcli run"),
    ])
    func outsideTheSubset(_ source: String, _ message: String) {
        #expect(failure(source) == message)
    }

    @Test func theCaretCoversTheConstruct() throws {
        do {
            _ = try ScriptParser.parse("x = 1\nclass A:\n    pass\n", names: NameTable())
            Issue.record("a class was accepted")
        } catch let e as ScriptSyntaxError {
            #expect(e.unsupported)
            #expect(e.start == 6 && e.end == 11)
        }
    }

    @Test func nestingBeyondTheLimitIsAnError() {
        let deep = String(repeating: "(", count: 300) + "1" + String(repeating: ")", count: 300)
        #expect(failure(deep + "\n") == "too many nested parentheses")
        let fine = String(repeating: "(", count: 50) + "1" + String(repeating: ")", count: 50)
        #expect(failure(fine + "\n") == "ok")
    }

    @Test func theTutorialSubsetParses() {
        let program = """
        import torch
        from torch.autograd import Variable as v
        def test01(m, lr=0.01):
            z = m * 3 # a comment
            return z
        x = v(torch.zeros(1, 2), requires_grad=True)
        x[0, 1] = x[0 ,0] ** 2
        m.grad = torch.zeros_like(m.grad)
        b -= lr * b.grad
        with torch.no_grad():
            pass
        for i, (a, b) in enumerate(zip(p, q)):
            if loss.data.numpy() < 1:
                break
            elif i > 3: continue
            else:
                print(f"{i:3d} {loss:.4f}", "%d" % i, "{}".format(i), end="")
        f = lambda t: t ** 2
        assert x is not None, "message"
        try:
            y = [k for k in range(3) if k]
        except RuntimeError as e:
            print(e)
        """
        #expect(failure(program) == "ok")
    }

    @Test func fStringFields() throws {
        let parts = try FStringParser.parts(of: "a{x:.4f}b{{c}}{y!r}", token: PyToken(kind: .string, text: "", start: 0, end: 0, line: 1), names: NameTable())
        #expect(parts.count == 4)
        if case .text(let s) = parts[2] { #expect(s == "b{c}") } else { Issue.record("expected text") }
        if case .value(_, let conversion, _) = parts[3] { #expect(conversion == "r") } else { Issue.record("expected a field") }
    }
}
