import Testing
@testable import Autograd

/// One registry entry and one of its samples, named for the test report.
struct RegistryCase: CustomTestStringConvertible, Sendable {
    let op: String
    let sample: Int
    var testDescription: String { "\(op) sample \(sample)" }

    /// Every sample of every differentiable entry.
    static var all: [RegistryCase] {
        (Registry.all + Registry.parts).filter(\.isDifferentiable).flatMap { spec in
            spec.samples.indices.map { RegistryCase(op: spec.name, sample: $0) }
        }
    }
}

/// A seed fixed by the op's name and sample (FNV-1a; `hashValue` changes between runs).
private func seed(_ c: RegistryCase) -> UInt64 {
    var h: UInt64 = 0xcbf2_9ce4_8422_2325
    for byte in c.op.utf8 { h = (h ^ UInt64(byte)) &* 0x100_0000_01b3 }
    return h &+ UInt64(c.sample)
}

/// Uniform random inputs in the sample's range, with its fixed values in place.
private func inputs(for sample: OpSample, seed: UInt64) -> [Tensor] {
    var generator = RandomGenerator(seed: seed)
    let lo = sample.range.lowerBound, width = sample.range.upperBound - sample.range.lowerBound
    return sample.shapes.enumerated().map { i, shape in
        sample.fixed[i] ?? Tensor(shape: shape, data: (0..<Tensor.count(of: shape)).map { _ in
            lo + width * generator.nextUniform()
        })
    }
}

/// What a failed check looked like, for the test report.
private func explain(_ result: GradcheckResult, _ xs: [Tensor]) -> String {
    var lines = ["inputs: " + xs.map(\.description).joined(separator: "; ")]
    for r in result.inputs where !r.passed {
        let offset = r.worstIndex.isEmpty ? 0 : zip(r.worstIndex, Tensor.strides(of: r.analytical.shape)).map(*).reduce(0, +)
        lines.append("input \(r.input): worst index \(r.worstIndex) analytical \(r.analytical.data[offset]) numerical \(r.numerical.data[offset]); max abs error \(r.maxAbsError), max rel error \(r.maxRelError)")
    }
    for k in result.kinks {
        lines.append("kink at input \(k.input) \(k.index): left \(k.leftSlope) right \(k.rightSlope) analytical \(k.analytical)")
    }
    return lines.joined(separator: "\n")
}

@Suite struct RegistryGradcheckTests {
    /// The registry-wide check: every sample of every differentiable op passes gradcheck
    /// (first order) and gradcheck of its VJP (second order, through double backward).
    @Test(arguments: RegistryCase.all)
    func registryEntryPassesGradcheck(_ c: RegistryCase) throws {
        let spec = try #require(Registry.lookup(c.op) ?? Registry.parts.first { $0.name == c.op })
        let sample = spec.samples[c.sample]
        let xs = inputs(for: sample, seed: seed(c))
        let wrt = xs.indices.filter { !sample.constantInputs.contains($0) }
        // A symmetric input is perturbed symmetrically: the op sees (A + A^T) / 2.
        let f = { (vars: [Variable]) throws -> Variable in
            let seen = try vars.enumerated().map { i, v in
                sample.symmetric.contains(i) ? try Variable(0.5) * (v + v.transpose(-2, -1)) : v
            }
            return try apply(spec, seen, sample.attrs)
        }

        let first = try gradcheck(f, at: xs, wrt: wrt)
        #expect(first.passed, "first order: \(explain(first, xs))")
        let second = try gradgradcheck(f, at: xs, wrt: wrt, seed: seed(c))
        #expect(second.passed, "second order: \(explain(second, xs))")
    }

    /// Each name (canonical or alias) belongs to one entry, and looking it up finds that entry,
    /// whichever family it sits in.
    @Test func everyNameIsUniqueAndFindsItsEntry() {
        let names = Registry.allNames
        var seen = Set<String>()
        let repeated = names.filter { !seen.insert($0).inserted }
        #expect(repeated.isEmpty, "names used by two entries: \(repeated)")
        for spec in Registry.all {
            for name in [spec.name] + spec.aliases { #expect(Registry.lookup(name) === spec, "\(name)") }
        }
        #expect(Registry.lookup("no_such_op") == nil)
    }

    /// A new differentiable op cannot skip the check above by having no samples. The random
    /// samplers (`normal`, `bernoulli`) are the exception: each evaluation draws anew, so finite
    /// differences cannot measure them; their gradient is zero by PyTorch's definition, which
    /// `samplersHaveZeroGradients` checks.
    @Test func everyDifferentiableEntryHasASample() {
        let samplers = Ops.randomFactories.filter(\.isDifferentiable)
        #expect(samplers.map(\.name) == ["normal", "bernoulli"])
        let missing = (Registry.all + Registry.parts)
            .filter { spec in spec.isDifferentiable && spec.samples.isEmpty && !samplers.contains { $0 === spec } }.map(\.name)
        #expect(missing.isEmpty, "differentiable ops without samples: \(missing)")
    }

    /// PyTorch's samplers record a node whose gradient is zero for each tensor they draw from
    /// (NormalBackward1-3, BernoulliBackward0); `bernoulli` with `p=` records NotImplemented.
    @Test func samplersHaveZeroGradients() throws {
        let mean = Variable([0.5, -1], requiresGrad: true), std = Variable([1, 2], requiresGrad: true)
        let one = Variable(wrappedNumber: 1, dtype: .float64)
        for (inputs, name) in [([mean, one], "NormalBackward1"), ([one, std], "NormalBackward2"), ([mean, std], "NormalBackward3")] {
            let draw = try apply(Ops.normal, inputs)
            #expect(draw.gradFn?.name == name)
            let grads = try grad(outputs: [draw.sum()], inputs: inputs.filter(\.requiresGrad))
            #expect(grads.allSatisfy { $0?.value == Tensor.zeros([2]) }, "\(name)")
        }
        let p = Variable([0.25, 0.75], requiresGrad: true)
        let draw = try apply(Ops.bernoulli, [p])
        #expect(draw.gradFn?.name == "BernoulliBackward0")
        #expect(try grad(outputs: [draw.sum()], inputs: [p])[0]?.value == Tensor.zeros([2]))
        let withP = try apply(Ops.bernoulli, [p], Attrs(["p": .double(0.5)]))
        #expect(withP.gradFn?.name == "NotImplemented")
        #expect(throws: OpError.autograd("derivative for aten::bernoulli is not implemented")) {
            try withP.sum().backward()
        }
    }

    /// Each sample fits its op: the forward pass runs on it and some input is perturbed.
    @Test func everySampleRunsAndChecksSomething() throws {
        for spec in Registry.all + Registry.parts where spec.isDifferentiable {
            for (i, sample) in spec.samples.enumerated() {
                let xs = inputs(for: sample, seed: 1)
                #expect(throws: Never.self, "\(spec.name) sample \(i)") { _ = try apply(spec, xs.map { Variable($0) }, sample.attrs) }
                #expect(sample.constantInputs.count < sample.shapes.count, "\(spec.name) sample \(i) perturbs no input")
            }
        }
    }

    /// Comparisons are not differentiable: no graph, even from inputs that require grad.
    @Test func comparisonOutputsDoNotRequireGrad() throws {
        for spec in Ops.comparisons {
            let out = try apply(spec, [Variable([1, 2], requiresGrad: true), Variable([2, 1], requiresGrad: true)])
            #expect(!out.requiresGrad && out.gradFn == nil, "\(spec.name)")
        }
    }
}
