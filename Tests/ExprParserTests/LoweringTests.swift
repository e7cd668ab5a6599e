import Autograd
import Testing
@testable import ExprParser

/// The value of `source` with `x` = [[1, 2, 3], [4, 5, 6]] and `v` = [1, 2, 3, 4] as constants.
func value(_ source: String) throws -> Tensor {
    let x = Variable(Tensor(shape: [2, 3], data: [1, 2, 3, 4, 5, 6]))
    let v = Variable(Tensor([1, 2, 3, 4]))
    return try Evaluator(inputs: [("x", x), ("v", v)]).evaluate(Program.parse(source)).output.value
}

@Suite struct LoweringTests {
    @Test(arguments: [
        ("sum(x, dim=0)", Tensor([5, 7, 9])),
        ("x.sum(1, true)", Tensor(shape: [2, 1], data: [6, 15])),
        ("sum(x, dim=[0, 1], keepdim=false)", Tensor(21)),
        ("reshape(x, 3, 2)", Tensor(shape: [3, 2], data: [1, 2, 3, 4, 5, 6])),
        ("reshape(x, [3, 2])", Tensor(shape: [3, 2], data: [1, 2, 3, 4, 5, 6])),
        ("torch.reshape(x, (3, 2))", Tensor(shape: [3, 2], data: [1, 2, 3, 4, 5, 6])),
        ("x.reshape(-1)", Tensor([1, 2, 3, 4, 5, 6])),
        ("ones(2, 3)", Tensor.ones([2, 3])),
        ("full(2, 2, 1.5)", Tensor(repeating: 1.5, shape: [2, 2])),
        ("x.T", Tensor(shape: [3, 2], data: [1, 4, 2, 5, 3, 6])),
        ("clamp(v, None, 2)", Tensor([1, 2, 2, 2])),
        ("sum(x, dim=None)", Tensor(21)),
        ("torch.clamp(v, min=None, max=3)", Tensor([1, 2, 3, 3])),
        ("x[1]", Tensor([4, 5, 6])),
        ("x[1, -1]", Tensor(6)),
        ("x[:, 0]", Tensor([1, 4])),
        ("v[1:3]", Tensor([2, 3])),
        ("v[::2]", Tensor([1, 3])),
        ("v[-2:]", Tensor([3, 4])),
        ("x[:, 1:][0]", Tensor([2, 3])),
        ("cat([v, v])", Tensor([1, 2, 3, 4, 1, 2, 3, 4])),
        ("stack([v[0:2], v[2:4]])", Tensor(shape: [2, 2], data: [1, 2, 3, 4])),
        ("[[1, 2], [3, -4]]", Tensor(shape: [2, 2], data: [1, 2, 3, -4], dtype: .int64)),
        ("[v[0], 2*v[1]]", Tensor([1, 4])),
        ("[]", Tensor(shape: [0], data: [])),
        ("v > 2", Tensor(shape: [4], data: [0, 0, 1, 1], dtype: .bool)),
        ("where(v >= 3, v, -v)", Tensor([-1, -2, 3, 4])),
        ("(v == 2) + (v != 2) * 10", Tensor(shape: [4], data: [10, 1, 10, 10], dtype: .int64)),
        ("mse_loss(v, 0*v, reduction='sum')", Tensor(30)),
        ("F.mse_loss(v, 0*v, reduction=\"none\")", Tensor([1, 4, 9, 16])),
        ("torch.nn.functional.relu(v - 2)", Tensor([0, 0, 1, 2])),
        ("-2^2", Tensor(shape: [], data: [-4], dtype: .int64)),  // Python ints stay int64
        ("2**3**2", Tensor(shape: [], data: [512], dtype: .int64)),
        ("1 - 2 - 3", Tensor(shape: [], data: [-4], dtype: .int64)),
        ("true + false * 2", Tensor(shape: [], data: [1], dtype: .int64)),
        ("a = 2; b = a * a\nb + a", Tensor(shape: [], data: [6], dtype: .int64)),
        ("+v", Tensor([1, 2, 3, 4])),
    ])
    func lowersToTheRightValue(source: String, expected: Tensor) throws {
        #expect(try value(source) == expected)
    }

    @Test func constants() throws {
        #expect(try value("pi") == Tensor(Double.pi))
        #expect(try value("e") == Tensor(2.718281828459045))
        #expect(try value("-inf") == Tensor(-Double.infinity))
        #expect(try value("nan").data[0].isNaN)
    }

    @Test func anInputHidesAConstantWithAWarning() throws {
        let program = try Program.parse("e + e")
        let result = try Evaluator(inputs: [("e", Variable(1))]).evaluate(program)
        #expect(result.output.value == Tensor(2))
        #expect(result.warnings.count == 1)  // once per name
        #expect(result.warnings.first?.severity == .warning)
        #expect(result.warnings.first?.range == SourceRange(start: 0, end: 1))
    }

    @Test func aChainReportsItsFirstUnknownName() throws {
        do {
            _ = try value("x + nope + also_nope")
            Issue.record("expected an error")
        } catch let diagnostic as Diagnostic {
            #expect(diagnostic.message == "unknown variable `nope`")
            #expect(diagnostic.range == SourceRange(start: 4, end: 8))
        }
    }

    @Test func operatorTreesInCallsAndIndicesKeepTheirGradMode() throws {
        // By hand: sum(a*a + a) + a[2] = 2 + 6 + 12 + 3 = 23; d/da = 2a + 1, plus 1 at index 2.
        let a = Variable(Tensor([1, 2, 3]), requiresGrad: true)
        let out = try Evaluator(inputs: [("a", a)]).evaluate(Program.parse("sum(a * a + a) + a[1 + 1]")).output
        #expect(out.value.data == [23])
        try out.backward()
        #expect(a.grad?.value.data == [3, 5, 8])
    }

    @Test func bindingsAreReportedInOrderWithFinalValues() throws {
        let result = try Evaluator(inputs: []).evaluate(Program.parse("a = 1; b = 2; a = a + b; a"))
        #expect(result.bindings.map(\.name) == ["a", "b"])
        #expect(result.bindings.map(\.value.value) == [Tensor(3), Tensor(2)].map { $0.converted(to: .int64) })
    }

    @Test func everyCreatedVariableIsTaggedWithItsSource() throws {
        let source = "mean(3*(a+3)^2)"
        let a = Variable(Tensor([2, 3]), requiresGrad: true)
        let out = try Evaluator(inputs: [("a", a)]).evaluate(Program.parse(source)).output
        let bytes = Array(source.utf8)
        var spans: [String] = []
        var pending = [out.gradFn]
        while let next = pending.popLast() {
            guard let fn = next else { continue }
            if let tag = fn.tag { spans.append(String(decoding: bytes[tag.start..<tag.end], as: UTF8.self)) }
            pending += fn.nextFunctions
        }
        #expect(spans.sorted() == ["(a+3)^2", "3*(a+3)^2", "a+3", "mean(3*(a+3)^2)"])
        #expect(a.tag == nil)  // inputs belong to the caller
    }

    @Test func constantArgumentsRecordNoGraph() throws {
        let n = Variable(2, requiresGrad: true)
        let x = Variable(Tensor([1, 2, 3, 4]), requiresGrad: true)
        let out = try Evaluator(inputs: [("x", x), ("n", n)]).evaluate(Program.parse("reshape(x, n, -1)")).output
        #expect(out.shape == [2, 2])
        #expect(out.gradFn?.nextFunctions.count == 1)  // only x is an input of the reshape node
    }

    @Test func literalsOfConstantsNeedNoGraphButLiteralsOfLeavesDo() throws {
        let m = Variable(Tensor([2, 3]), requiresGrad: true)
        let constant = try Evaluator(inputs: [("m", m)]).evaluate(Program.parse("[1, 2*pi]")).output
        #expect(constant.gradFn == nil)
        let stacked = try Evaluator(inputs: [("m", m)]).evaluate(Program.parse("[m[0], 1]")).output
        #expect(stacked.gradFn?.name == "StackBackward0")
    }

    @Test func evaluateConstantAcceptsInputValues() throws {
        #expect(try evaluateConstant("[2,3]") == Tensor([2, 3]))
        #expect(try evaluateConstant("2*pi") == Tensor(2 * Double.pi))
        #expect(try evaluateConstant("eye(2)") == Tensor(shape: [2, 2], data: [1, 0, 0, 1]))
        #expect(try evaluateConstant("randn(5,3)").shape == [5, 3])
        #expect(throws: Diagnostic.self) { try evaluateConstant("y + 1") }
    }

    @Test func optionalTensorArgumentsMayBeGivenOrLeftOut() throws {
        // x's rows are two samples of three classes; the weight may come by keyword or position.
        let x = Variable(Tensor(shape: [2, 3], data: [1, 2, 3, 4, 5, 6]))
        let weight = Variable([0.5, 2, 1.5])
        let weighted = try x.crossEntropy(Variable([2, 0]), weight: weight).value
        #expect(try value("cross_entropy(x, [2, 0], weight=[0.5, 2, 1.5])") == weighted)
        #expect(try value("cross_entropy(x, [2, 0], [0.5, 2, 1.5])") == weighted)
        #expect(try value("cross_entropy(x, [2, 0], label_smoothing=0.1)")
                == x.crossEntropy(Variable([2, 0]), labelSmoothing: 0.1).value)
        #expect(try value("cross_entropy(x, [2, 0])") == x.crossEntropy(Variable([2, 0])).value)
        #expect(try value("clamp(v, [2, 0, 7, 0], 3)") == Tensor([2, 2, 3, 3]))
        #expect(try value("clamp(v, max=[[0], [2]])") == Tensor(shape: [2, 4], data: [0, 0, 0, 0, 1, 2, 2, 2]))
        // Only the second of two optional tensors: the op must not take it for the first.
        let t = Variable(Tensor(shape: [2, 3], data: [0, 1, 1, 1, 0, 0]))
        #expect(try value("binary_cross_entropy_with_logits(x, [[0, 1, 1], [1, 0, 0]], pos_weight=[3, 0.5, 1])")
                == x.binaryCrossEntropyWithLogits(t, posWeight: Variable([3, 0.5, 1])).value)
        #expect(try x.binaryCrossEntropyWithLogits(t, posWeight: Variable([3, 0.5, 1])).value
                != x.binaryCrossEntropyWithLogits(t, weight: Variable([3, 0.5, 1])).value)
    }
}
