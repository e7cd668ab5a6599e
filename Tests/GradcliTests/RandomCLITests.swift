import Testing

/// `--seed N` is `torch.manual_seed(N)`: the built binary prints PyTorch 2.13's numbers.
/// Each expected list was printed by PyTorch with the snippet in the comment next to it.
@Suite struct RandomCLITests {
    /// The flat "value" list of a JSON result line, as doubles (ints and floats alike), read
    /// with Double(_:) so every digit counts.
    static func values(_ line: Substring) throws -> [Double] {
        let start = try #require(line.range(of: #""value":["#))
        let end = try #require(line[start.upperBound...].firstIndex(of: "]"))
        return try line[start.upperBound..<end].split(separator: ",").map { try #require(Double($0)) }
    }

    static func eval(_ arguments: [String]) throws -> [Double] {
        let result = try CLI.run(["eval"] + arguments + ["--json"])
        #expect(result.exitCode == 0, "\(result.stderr)")
        return try values(Substring(result.stdout.trimmingCharacters(in: .newlines)))
    }

    @Test func seedZeroPrintsTorchsRandn() throws {
        // torch.manual_seed(0); torch.randn(3, dtype=torch.float64).tolist()
        #expect(try Self.eval(["randn(3)", "--seed", "0"]) == [1.5409961082440433, -0.2934289057609464, -2.1787893820745574])
        // The seed defaults to 0.
        #expect(try Self.eval(["randn(3)"]) == [1.5409961082440433, -0.2934289057609464, -2.1787893820745574])
    }

    @Test func inputsShareOneStreamWithTheCachedNormal() throws {
        // torch.manual_seed(0); x = torch.randn(5, 3, dtype=torch.float64); torch.randn(3, dtype=torch.float64).tolist()
        #expect(try Self.eval(["y", "x=randn(5, 3)", "y=randn(3)", "--seed", "0"])
                == [0.12270123916331216, -0.5663174751548546, 0.37311463418249957])
    }

    @Test func gumbelSoftmaxDrawsPyTorchsNoise() throws {
        func close(_ a: [Double], _ b: [Double]) -> Bool {
            a.count == b.count && zip(a, b).allSatisfy { Swift.abs($0 - $1) <= 1e-12 * Swift.max(1e-3, Swift.abs($1)) }
        }
        // torch.manual_seed(3); F.gumbel_softmax(torch.tensor([1, 2, 0.5], dtype=torch.float64), tau=0.7).tolist()
        let soft = try Self.eval(["F.gumbel_softmax(x, tau=0.7)", "x=1,2,0.5", "--seed", "3"])
        #expect(close(soft, [0.859202271534467, 0.13882778339979202, 0.0019699450657408176]), "\(soft)")
        // torch.manual_seed(5); F.gumbel_softmax(torch.tensor([1, 2, 0.5, -1], dtype=torch.float64), hard=True).tolist()
        #expect(try Self.eval(["F.gumbel_softmax(x, hard=True)", "x=1,2,0.5,-1", "--seed", "5"]) == [0, 1, 0, 0])
    }

    @Test func dropoutDrawsPyTorchsMask() throws {
        // torch.manual_seed(0); F.dropout(torch.tensor([1., 2, 3, 4, 5, 6], dtype=torch.float64), 0.3).tolist()
        #expect(try Self.eval(["F.dropout(x, 0.3)", "x=1,2,3,4,5,6", "--seed", "0"])
                == [0.0, 0.0, 4.285714285714286, 0.0, 7.142857142857143, 0.0])
        // torch.manual_seed(0); F.dropout(torch.tensor([1., 2, 3, 4, 5, 6]), 0.3).tolist()   (float32)
        #expect(try Self.eval(["F.dropout(x, 0.3)", "x=1,2,3,4,5,6", "--seed", "0", "--dtype", "float32"])
                == [0.0, 0.0, 4.285714149475098, 0.0, 7.142857551574707, 0.0])
    }

    @Test func vectorisedNormalsAndIntegers() throws {
        // torch.manual_seed(42); torch.randn(20, dtype=torch.float64)[-3:].tolist()
        #expect(try Self.eval(["randn(20)[-3:]", "--seed", "42"]) == [0.2615836907112959, -1.526543923410825, -0.33113931395169954])
        // torch.manual_seed(7); torch.randint(0, 10, (6,)).tolist()
        #expect(try Self.eval(["randint(0, 10, (6,))", "--seed", "7"]) == [5, 2, 1, 6, 3, 7])
        // torch.manual_seed(7); torch.randperm(6).tolist()
        #expect(try Self.eval(["randperm(6)", "--seed", "7"]) == [3, 0, 1, 5, 2, 4])
    }

    @Test func negativeSeedsWrapAsInTorch() throws {
        // torch.manual_seed(-1); torch.rand(2, dtype=torch.float64).tolist()
        let expected = [0.9503951604874923, 0.5600645841090078]
        #expect(try Self.eval(["rand(2)", "--seed=-1"]) == expected)
        let batch = try CLI.run(["batch"], stdin: #"{"command": "eval", "expr": "rand(2)", "seed": -1}"# + "\n")
        #expect(batch.exitCode == 0)
        #expect(try Self.values(batch.stdout.split(separator: "\n")[0]) == expected)
    }

    @Test func badRandomInputExits65WithTorchsMessage() throws {
        let cases: [([String], String)] = [
            (["randint(5, 5, (3,))"], "random_ expects 'from' to be less than 'to', but got from=5 >= to=5"),
            (["rand(-2)"], "Trying to create tensor with negative dimension -2: [-2]"),
            (["randn(2, 2)", "--seed=18446744073709551616"], "Overflow when unpacking long long"),
            (["rand(1)", "--seed=-9223372036854775809"], "Overflow when unpacking long long"),
        ]
        for (arguments, message) in cases {
            let plain = try CLI.run(["eval"] + arguments)
            #expect(plain.exitCode == 65, "\(arguments)")
            #expect(plain.stdout.isEmpty && plain.stderr.contains(message), "\(arguments): \(plain.stderr)")
            let json = try CLI.run(["eval"] + arguments + ["--json"])
            #expect(json.exitCode == 65)
            let lines = json.stdout.split(separator: "\n")
            #expect(lines.count == 1 && lines[0].contains(#""code":"value_error""#) && lines[0].contains(message), "\(json.stdout)")
        }
    }
}
