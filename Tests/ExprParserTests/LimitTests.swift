import Autograd
import Glibc
import Testing
@testable import ExprParser

/// Runs `body` on a new thread with a 512 KiB stack, as batch mode's workers have, and waits.
func onSmallStack(_ body: @escaping () -> Void) {
    final class Box { let body: () -> Void; init(_ body: @escaping () -> Void) { self.body = body } }
    var attributes = pthread_attr_t()
    pthread_attr_init(&attributes)
    pthread_attr_setstacksize(&attributes, 512 * 1024)
    var thread = pthread_t()
    let box = Unmanaged.passRetained(Box(body)).toOpaque()
    let created = pthread_create(&thread, &attributes, { raw in
        let box = Unmanaged<Box>.fromOpaque(raw!).takeRetainedValue()
        box.body()
        return nil
    }, box)
    precondition(created == 0, "could not start a thread")
    pthread_join(thread, nil)
    pthread_attr_destroy(&attributes)
}

/// The diagnostic code `source` fails to parse with, or nil when it parses.
func parseFailure(_ source: String) -> DiagnosticCode? {
    do { _ = try Program.parse(source); return nil } catch let d as Diagnostic { return d.code } catch { return nil }
}

@Suite struct LimitTests {
    static let bound = Program.maxNestingDepth

    /// Nesting patterns, each `n` levels deep.
    static let patterns: [(String, (Int) -> String)] = [
        ("parentheses", { String(repeating: "(", count: $0) + "x" + String(repeating: ")", count: $0) }),
        ("brackets", { String(repeating: "[", count: $0) + "1" + String(repeating: "]", count: $0) }),
        ("calls", { String(repeating: "exp(", count: $0) + "x" + String(repeating: ")", count: $0) }),
        ("unary minus", { String(repeating: "-", count: $0) + "x" }),
        ("right-associative power", { String(repeating: "2^", count: $0) + "1" }),
        ("indexing", { "x" + String(repeating: "[", count: $0) + "0" + String(repeating: "]", count: $0) }),
    ]

    @Test(arguments: 0..<patterns.count)
    func justUnderTheBoundParses(pattern: Int) {
        let (name, make) = LimitTests.patterns[pattern]
        #expect(parseFailure(make(LimitTests.bound)) == nil, "\(name)")
    }

    @Test(arguments: 0..<patterns.count)
    func justOverTheBoundIsALimitError(pattern: Int) {
        let (name, make) = LimitTests.patterns[pattern]
        #expect(parseFailure(make(LimitTests.bound + 1)) == .limitError, "\(name)")
    }

    @Test func limitErrorIsRenderedWithTheBound() {
        let n = LimitTests.bound + 1
        let source = String(repeating: "(", count: n) + "x" + String(repeating: ")", count: n)
        do { _ = try Program.parse(source); Issue.record("expected a limit error") } catch let d as Diagnostic {
            #expect(d.message == "expression nested more than \(LimitTests.bound) levels deep")
            #expect(d.range.start == n - 1)  // the `(` that opens the level past the bound
        } catch { Issue.record("unexpected \(error)") }
    }

    /// Every kind of nesting at the bound, and far past it, must fit a 512 KiB stack
    /// (as on batch mode's worker threads).
    @Test func deepestProgramsFitASmallThreadStack() {
        let n = LimitTests.bound
        let deep = { (open: String, close: String) in String(repeating: open, count: n) + "x" + String(repeating: close, count: n) }
        let programs = [
            deep("1 < 1 + 1 * -f([", "])"), deep("x[1:", "]"), deep("x[::", "]"), deep("f(x, k=", ")"),
            deep("x.f(", ")"), deep("(1, ", ")"), deep("[", "]"), deep("-", ""), deep("2^", ""),
        ]
        var results: [DiagnosticCode?] = []
        onSmallStack {
            for program in programs { results.append(parseFailure(program)) }
            results.append(parseFailure(String(repeating: "(", count: 100_000)))
            results.append(parseFailure(String(repeating: "-", count: 100_000) + "x"))
        }
        #expect(results.count == programs.count + 2)
        #expect(results.dropLast(2).allSatisfy { $0 == nil || $0 == .limitError })
        #expect(results.suffix(2).allSatisfy { $0 == .limitError })
    }

    // The 10^6-term chain (parse, print, evaluate, backward) runs the release binary in
    // scripts/stress.sh, which .ci/run runs: in a debug test build it took about 50 s.
}
