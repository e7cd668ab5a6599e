import Testing
@testable import Autograd

/// The VJP rule texts `gradcli trace` prints: one for every differentiable registry op, none
/// for the others, and none under a name the registry does not have.
@Suite struct VJPRuleTextTests {
    /// Ops the language builds outside the registry that still appear as trace nodes.
    let languageOnly: [OpSpec] = [Ops.index]

    @Test func everyDifferentiableOpHasOneLineOfASCII() {
        for spec in Registry.all + Registry.parts where spec.isDifferentiable {
            let rule = spec.vjpRule ?? ""
            #expect(!rule.isEmpty, "\(spec.name) has no rule text")
            #expect(rule.allSatisfy { $0.isASCII && $0 != "\n" }, "\(spec.name): \(rule)")
        }
    }

    @Test func noNonDifferentiableOpHasARule() {
        for spec in Registry.all where !spec.isDifferentiable {
            #expect(spec.vjpRule == nil, "\(spec.name) has no gradient but a rule text")
            #expect(Ops.vjpRuleTexts[spec.name] == nil, "\(spec.name) has no gradient but a table entry")
        }
    }

    @Test func everyKeyIsTheCanonicalNameOfAnOp() {
        let languageNames = Set(languageOnly.map(\.name) + Registry.parts.map(\.name))
        for key in Ops.vjpRuleTexts.keys {
            let canonical = Registry.lookup(key)?.name == key
            #expect(canonical || languageNames.contains(key), "'\(key)' names no registry op (renamed, or an alias?)")
        }
        for spec in languageOnly {
            #expect(Registry.lookup(spec.name) == nil, "\(spec.name) is in the registry now")
            #expect(spec.vjpRule?.isEmpty == false, "\(spec.name) has no rule text")
        }
    }

    /// A node's rule comes from its op: `x^2` and `x^y` share `pow`'s text, whatever grad_fn
    /// name the inputs choose.
    @Test func aNodeFindsItsRuleThroughItsSpec() throws {
        let x = Variable(Tensor([2, 3]), requiresGrad: true)
        let y = try x * x
        #expect(y.gradFn?.spec.vjpRule == "grad_self = grad * other, grad_other = grad * self")
        let p = try x.pow(Variable(Tensor([1, 2]), requiresGrad: true))
        #expect(p.gradFn?.name == "PowBackward1")
        #expect(p.gradFn?.spec.vjpRule?.contains("grad_exponent = grad * result * log(self)") == true)
    }
}
