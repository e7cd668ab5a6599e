import Autograd

// `einsum` of one or two operands, composed from registry ops the way PyTorch computes it:
// a sum over indices only one operand has, then a broadcast product (no contraction) or a
// matrix product of the operands permuted to (batch, free, contracted) order, viewed back
// and permuted to the output's order. So the output's node is PyTorch's (`ViewBackward0`
// after a contraction, `MulBackward0` for an outer product, `SumBackward1` for a reduction),
// a matrix product costs one `matmul`, and every order of derivative is exact.

extension Lowering {
    /// The letters of each operand and of the output of an einsum equation.
    static func parseEinsum(_ equation: String, operands: Int) throws -> (inputs: [[Character]], output: [Character]) {
        let text = equation.filter { $0 != " " }
        // Split at "->" (a lone '-' or '>' is an invalid subscript below).
        var sides = [String(text)]
        if let arrow = text.firstRange(of: "->") {
            sides = [String(text[..<arrow.lowerBound]), String(text[arrow.upperBound...])]
        }
        guard !text.contains(".") else {
            throw OpError.value("einsum(): gradcli supports equations of letters without '...', such as 'ij,jk->ik'")
        }
        let inputs = sides[0].split(separator: ",", omittingEmptySubsequences: false).map(Array.init)
        guard inputs.count == operands else {
            throw OpError.value("einsum(): more operands were provided than specified in the equation")
        }
        for (letters, name) in (inputs.map { ($0, "an operand") }) + [(sides.count == 2 ? Array(sides[1]) : [], "the output")] {
            guard letters.allSatisfy(\.isLetter) else { throw OpError.value("einsum(): invalid subscript given at \(name)") }
            guard Set(letters).count == letters.count else {
                throw OpError.value("einsum(): gradcli does not support a repeated subscript (a diagonal) in \(name)")
            }
        }
        let output: [Character]
        if sides.count == 2 {
            output = Array(sides[1])
            for c in output where !inputs.joined().contains(c) {
                throw OpError.value("einsum(): output subscript \(c) does not appear in the equation for any input operand")
            }
        } else {
            // Implicit output: the letters that appear once, in alphabetical order.
            let all = inputs.joined()
            output = Set(all).filter { c in all.filter { $0 == c }.count == 1 }.sorted()
        }
        return (inputs, output)
    }

    func einsum(_ attrs: Attrs, _ operands: [Variable], node: Node) throws -> Variable {
        func run(_ name: String, _ inputs: [Variable], _ attrs: Attrs) throws -> Variable {
            try runOp(try registryOp(name, at: node.detail), inputs, attrs, node: node)
        }
        let parsed: (inputs: [[Character]], output: [Character])
        do { parsed = try Lowering.parseEinsum(attrs.string("equation") ?? "", operands: operands.count) } catch let error as OpError {
            throw Diagnostic.opFailed(error, at: node.range)
        }
        var sizes: [Character: Int] = [:]
        for (letters, operand) in zip(parsed.inputs, operands) {
            guard letters.count == operand.shape.count else {
                throw Diagnostic.opFailed(.value("einsum(): the number of subscripts in the equation (\(letters.count)) does not match the number of dimensions (\(operand.shape.count)) for operand \(operands.firstIndex { $0 === operand } ?? 0)"), at: node.range)
            }
            for (c, size) in zip(letters, operand.shape) {
                if let known = sizes[c], known != size {
                    throw Diagnostic.opFailed(.shape("einsum(): operands do not broadcast with remapped shapes (subscript \(c) has sizes \(known) and \(size))"), at: node.range)
                }
                sizes[c] = size
            }
        }
        let output = parsed.output
        /// `value` with letters `have` permuted to `want` (no node when already in order).
        func arrange(_ value: Variable, _ have: [Character], _ want: [Character]) throws -> Variable {
            have == want ? value : try run("permute", [value], ["dims": .ints(want.map { have.firstIndex(of: $0)! })])
        }
        /// Sums away the letters of one operand that appear nowhere else.
        func reduce(_ value: Variable, _ letters: [Character], keeping others: [Character]) throws -> (Variable, [Character]) {
            let summed = letters.indices.filter { !others.contains(letters[$0]) && !output.contains(letters[$0]) }
            guard !summed.isEmpty else { return (value, letters) }
            return (try run("sum", [value], ["dim": .ints(summed)]), letters.enumerated().filter { !summed.contains($0.offset) }.map(\.element))
        }
        if operands.count == 1 {
            let (value, letters) = try reduce(operands[0], parsed.inputs[0], keeping: [])
            return try arrange(value, letters, output)
        }
        let (a, lettersA) = try reduce(operands[0], parsed.inputs[0], keeping: parsed.inputs[1])
        let (b, lettersB) = try reduce(operands[1], parsed.inputs[1], keeping: parsed.inputs[0])
        let batch = lettersA.filter { lettersB.contains($0) && output.contains($0) }
        let contracted = lettersA.filter { lettersB.contains($0) && !output.contains($0) }
        let freeA = lettersA.filter { !lettersB.contains($0) }, freeB = lettersB.filter { !lettersA.contains($0) }
        let resultLetters = batch + freeA + freeB
        let count = { (letters: [Character]) in letters.reduce(1) { $0 * sizes[$1]! } }
        let product: Variable
        if contracted.isEmpty {
            // A broadcast product: [batch, freeA, 1...] * [batch, 1..., freeB].
            let left = try run("reshape", [try arrange(a, lettersA, batch + freeA)],
                               ["shape": .ints((batch + freeA).map { sizes[$0]! } + freeB.map { _ in 1 })])
            let right = try run("reshape", [try arrange(b, lettersB, batch + freeB)],
                                ["shape": .ints(batch.map { sizes[$0]! } + freeA.map { _ in 1 } + freeB.map { sizes[$0]! })])
            product = try run("mul", [left, right], [:])
        } else {
            let lead = batch.isEmpty ? [] : [count(batch)]
            let left = try arrange(a, lettersA, batch + freeA + contracted)
            let right = try arrange(b, lettersB, batch + contracted + freeB)
            // Operands already of the matrix shapes need no view (their node is not the output's).
            func matrix(_ v: Variable, _ shape: [Int]) throws -> Variable { v.shape == shape ? v : try run("reshape", [v], ["shape": .ints(shape)]) }
            let leftMatrix = try matrix(left, lead + [count(freeA), count(contracted)])
            let rightMatrix = try matrix(right, lead + [count(contracted), count(freeB)])
            product = try run("reshape", [try run("matmul", [leftMatrix, rightMatrix], [:])],
                              ["shape": .ints(resultLetters.map { sizes[$0]! })])
        }
        return try arrange(product, resultLetters, output)
    }
}
