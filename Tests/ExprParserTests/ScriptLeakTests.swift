import Glibc
import Testing
@testable import ExprParser

/// A function holds the scope it was defined in, and that scope holds the function: the run of
/// a program must break those cycles, or every program that defines a function leaks its
/// syntax tree and its values (LeakSanitizer reported exactly that under the script fuzzer).
@Suite struct ScriptLeakTests {
    final class WeakStatement { weak var statement: PyStmt? }

    /// Runs `source` the way `gradcli run` does and returns weak references to its statements
    /// and to those of its function bodies, taken before the run.
    func statementsAfterRunning(_ source: String, status expected: Int32 = 0) throws -> [WeakStatement] {
        let names = NameTable()
        var program: [PyStmt]? = try ScriptParser.parse(source, names: names)
        var refs: [WeakStatement] = []
        func note(_ statements: [PyStmt]) {
            for s in statements {
                let ref = WeakStatement()
                ref.statement = s
                refs.append(ref)
                if case .def(_, _, let body) = s.kind { note(body) }
            }
        }
        note(program!)
        let null = fopen("/dev/null", "w")!
        defer { fclose(null) }
        let status = ScriptRunner.execute(program!, names: names, source: source, fileName: "leak.py", output: ScriptOutput(out: null, err: null))
        #expect(status == expected)
        program = nil
        return refs
    }

    @Test func functionsClosuresAndLambdasAreFreedAfterTheRun() throws {
        let refs = try statementsAfterRunning("""
        def make(k):
            def add(x):
                return x + k
            return add
        def fact(n):
            return 1 if n <= 1 else n * fact(n - 1)
        adders = [make(i) for i in [1, 2, 3]]
        square = lambda v: v * v
        table = {"f": fact, "g": square}
        print(adders[2](10), fact(5), table["g"](4))
        """)
        #expect(refs.count == 10)
        for (i, ref) in refs.enumerated() { #expect(ref.statement == nil, "statement \(i) is still alive") }
    }

    @Test func programEndingInAnExceptionIsFreedToo() throws {
        let refs = try statementsAfterRunning("def f():\n    return g()\nf()\n", status: 1)
        #expect(refs.count == 3)
        for ref in refs { #expect(ref.statement == nil) }
    }
}
