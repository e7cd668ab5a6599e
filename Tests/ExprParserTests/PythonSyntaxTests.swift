import Testing
@testable import ExprParser
import Autograd

/// The parts of Python syntax pasted PyTorch code uses: attributes, `...`, namespaces,
/// method calls that pass `self`, and CPython's preference in suggestions. Values are checked
/// against PyTorch through the binary in GradcliTests' PastedTests; these pin the front end.
@Suite struct PythonSyntaxTests {
    @Test(arguments: [
        ("x.max(dim=1).values", "(.values (max x dim=1))"),
        ("x.shape[0]", "(index (.shape x) 0)"),
        ("x[..., None]", "(index x ... None)"),
        ("torch.linalg.norm(x)", "(linalg.norm x)"),
        ("torch.nn.functional.relu(x)", "(relu x)"),
        ("F.relu(x)", "(relu x)"),
        ("torch.special.expit(x).sum()", "(sum (special.expit x))"),
        ("x.where(x > 0, 0)", "(where x (> x 0) 0)"),
    ])
    func parses(source: String, expected: String) {
        #expect(sexpr(source) == expected)
    }

    @Test func methodCallsAreMarked() throws {
        let program = try Program.parse("x.where(c, y) + where(c, x, y)")
        let calls = program.tree.nodes.filter { if case .call = $0.kind { return true } else { return false } }
        #expect(calls.map(\.isMethodCall) == [true, false])
    }

    @Test func aMethodPassesSelfAsInputWhereverItSits() throws {
        // torch.tensor([-1., 2.]).where(torch.tensor([-1., 2.]) > 0, 0) -> tensor([0., 2.])
        let inputs = [("x", Variable(Tensor([-1, 2])))]
        let out = try Evaluator(inputs: inputs).evaluate(Program.parse("x.where(x > 0, 0)")).output.value
        #expect(out.data == [0, 2])
    }

    @Test func overloadsFollowPythonTypes() throws {
        let inputs = [("x", Variable(Tensor(shape: [2, 2], data: [1, 4, 3, 2]))), ("y", Variable(Tensor(shape: [2, 2], data: [2, 2, 2, 2])))]
        func run(_ source: String) throws -> [Double] { try Evaluator(inputs: inputs).evaluate(Program.parse(source)).output.value.data }
        // torch.max(x, y) is elementwise; torch.max(x, 1)[0] reduces; d = 1 is a Python int.
        #expect(try run("torch.max(x, y)") == [2, 4, 3, 2])
        #expect(try run("torch.max(x, 1)[0]") == [4, 3])
        #expect(try run("d = 1; torch.max(x, d)[0]") == [4, 3])
        #expect(try run("torch.max(x, x.dim() - 1)[0]") == [4, 3])
    }

    @Test func suggestionsPreferDeletionOverSubstitution() {
        // CPython: `sinn` suggests `sin` (a deletion), not `sign` (a substitution), at distance 1 each.
        #expect(Suggestions.closest(to: "sinn", among: ["sign", "sin"]) == "sin")
        #expect(Suggestions.closest(to: "sinn", among: Registry.allNames) == "sin")
        #expect(Suggestions.closest(to: "tanhh", among: Registry.allNames) == "tanh")
    }

    @Test func unsupportedTorchFunctionsAreNamed() {
        let message = rendered("torch.fft.fft(x)")
        #expect(message.hasPrefix("error: `torch.fft.fft` is not supported by gradcli\n --> 1:1"), "\(message)")
        #expect(message.contains("^^^^^^^^^^^^^"))
    }

    @Test func aTupleWhereATensorIsNeededSaysSo() {
        let message = rendered("max(x, dim=0) + 1")
        #expect(message.hasPrefix("error: expected a tensor, found a tuple of 2 (from `max`)"), "\(message)")
    }
}
