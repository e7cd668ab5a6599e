import Foundation
import Testing

/// A work budget per request. `--max-flops` counts floating-point operations
/// from each op's shapes before it runs (2 m n k for a matrix product, one per element
/// otherwise); Jacobians check passes times the forward cost first; `--timeout` bounds the
/// wall-clock time of each request. Exceeding either is a limit_error (exit 65).
@Suite struct RobustnessWorkTests {
    /// Seconds `body` takes.
    func elapsed(_ body: () throws -> Void) rethrows -> Double {
        let start = Date()
        try body()
        return Date().timeIntervalSince(start)
    }

    /// The issue's product, halved in each dimension so a debug build makes the operands in a
    /// moment: 2 * 4096^3 = 1.37e11 operations pass the default budget of 1e11, and the product
    /// is refused before it runs (it would take many seconds).
    @Test func defaultBudgetRefusesAHugeProductBeforeRunningIt() throws {
        var result: CLIResult?
        let seconds = try elapsed { result = try CLI.run(["eval", "sum(ones(4096,4096) @ ones(4096,4096))", "--json"]) }
        let refused = try #require(result)
        #expect(refused.exitCode == 65)
        #expect(refused.stdout.contains("\"code\":\"limit_error\""), "\(refused.stdout)")
        #expect(refused.stdout.contains("needs 1.4e11 floating-point operations, beyond the work budget of 1e11 per request"), "\(refused.stdout)")
        #expect(refused.stdout.contains("--max-flops"))
        // Spent: the two operands (2 x 4096^2 elements) and, for the product, one operation per
        // element of its largest operand and of its result (2 x 4096^2); not the product itself.
        #expect(refused.stdout.contains("(6.7e7 spent"), "\(refused.stdout)")
        #expect(seconds < 60)
    }

    /// Counts derived by hand: `x @ x` for a 10 x 10 x is 2 * 10 * 10 * 10 = 2000 operations.
    @Test func maxFlopsCountsProductsFromShapes() throws {
        let refused = try CLI.run(["eval", "sum(x @ x)", "x=ones(10,10)", "--max-flops", "1500"])
        #expect(refused.exitCode == 65)
        #expect(refused.stderr.contains("this operation needs 2000 floating-point operations, beyond the work budget of 1500"), "\(refused.stderr)")
        #expect(refused.stderr.contains("sum(x @ x)\n  |       ^"), "the caret points at the product: \(refused.stderr)")
        let allowed = try CLI.run(["eval", "sum(x @ x)", "x=ones(10,10)", "--max-flops", "1e4"])
        #expect(allowed.exitCode == 0, "\(allowed.stderr)")
        #expect(allowed.stdout.hasPrefix("value = 1000"))
        // A determinant of order n counts n^3: 30^3 = 27000.
        let det = try CLI.run(["eval", "det(x)", "x=eye(30)", "--max-flops", "20000"])
        #expect(det.exitCode == 65)
        #expect(det.stderr.contains("needs 27000 floating-point operations"), "\(det.stderr)")
    }

    /// A Jacobian is checked whole before its first pass: 4096 backward passes, each about the
    /// forward cost (8.4e7 operations, mostly the 4096 x 4096 product), is 3.4e11.
    @Test func jacobianCostIsCheckedFirst() throws {
        let jacobian = try CLI.run(["jacobian", "ones(4096,4096) @ x", "x=ones(4096)"])
        #expect(jacobian.exitCode == 65, "\(jacobian.stderr)")
        #expect(jacobian.stderr.contains("this Jacobian (4096 backward passes) needs 3.4e11 floating-point operations"), "\(jacobian.stderr)")
        // The issue's [2, 2^26] Jacobian: its 1 GiB result is counted in the memory budget first.
        let wide = try CLI.run(["jacobian", "stack([sum(x), sum(x*x)])", "x=ones(2^26)", "--max-memory", "1G"])
        #expect(wide.exitCode == 65, "\(wide.stderr)")
        #expect(wide.stderr.contains("memory budget of 1 GiB"), "\(wide.stderr)")
        // A Hessian: 300 rows of backward passes through the gradient's graph.
        let hessian = try CLI.run(["hessian", "sum(x^3)", "x=ones(300)", "--max-flops", "200000"])
        #expect(hessian.exitCode == 65, "\(hessian.stderr)")
        #expect(hessian.stderr.contains("this Jacobian (300 backward passes)"), "\(hessian.stderr)")
        let small = try CLI.run(["hessian", "sum(x^3)", "x=[1, 2]", "--max-flops", "20000"])
        #expect(small.exitCode == 0, "\(small.stderr)")
    }

    /// 300 sines of 2^20 elements take seconds in a debug build; a 0.2 s limit stops the request
    /// at the first op after it has passed.
    static let slow = "x=ones(2^20); " + String(repeating: "x=sin(x); ", count: 300) + "sum(x)"

    @Test func timeoutStopsAOneShotRequest() throws {
        var result: CLIResult?
        let seconds = try elapsed { result = try CLI.run(["eval", Self.slow, "--timeout", "0.2", "--json"]) }
        let stopped = try #require(result)
        #expect(stopped.exitCode == 65)
        #expect(stopped.stdout.contains("\"code\":\"limit_error\""), "\(stopped.stdout)")
        #expect(stopped.stdout.contains("the request ran past the time limit of 0.2 s (see --timeout)"), "\(stopped.stdout)")
        #expect(seconds < 20)
        let quick = try CLI.run(["eval", "x*2", "x=3", "--timeout", "5"])
        #expect(quick.exitCode == 0)
        #expect(quick.stdout.hasPrefix("value = 6"))
    }

    /// In batch both limits are per request: the slow and the huge requests get limit_error
    /// records and the others run, in order.
    @Test func batchLimitsArePerRecord() throws {
        func request(_ i: Int, _ expr: String) -> String {
            "{\"id\": \(i), \"command\": \"eval\", \"expr\": \"\(expr)\", \"inputs\": {\"x\": \(i)}}"
        }
        let lines = [request(0, "x*2"), request(1, Self.slow), request(2, "x*2"),
                     request(3, "sum(ones(300,300) @ ones(300,300))"), request(4, "x*2")]
        for jobs in ["1", "2"] {
            // A budget the slow record (1e6 operations an op) cannot exhaust within its time limit.
            let result = try CLI.run(["batch", "--jobs", jobs, "--timeout", "0.2", "--max-flops", "5e7"],
                                     stdin: lines.joined(separator: "\n") + "\n")
            #expect(result.exitCode == 65, "\(result.stderr)")
            let records = try result.stdout.split(separator: "\n").map {
                try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
            }
            try #require(records.count == 5)
            for (i, record) in records.enumerated() {
                #expect(record["id"] as? Int == i)
                let error = record["error"] as? [String: Any]
                switch i {
                case 1:
                    #expect(error?["code"] as? String == "limit_error")
                    #expect((error?["message"] as? String)?.contains("time limit of 0.2 s") == true, "\(record)")
                case 3:
                    // 2 * 300^3 = 5.4e7 operations.
                    #expect((error?["message"] as? String)?.contains("needs 5.4e7 floating-point operations") == true, "\(record)")
                default:
                    #expect(record["value"] as? Double == Double(2 * i), "\(record)")
                }
            }
        }
    }

    /// The budget covers each request whole, its inputs included, and starts afresh for the
    /// next: with 10^7, `ones(2000,2000)` and its sum (8e6) pass; an input of 1500 x 1500 with
    /// its sum (4.5e6) passes after it; an input of 3000 x 3000 (9e6) and its sum do not.
    @Test func budgetCoversInputsAndStartsAfreshPerRequest() throws {
        let lines = [
            #"{"id": 0, "command": "eval", "expr": "sum(ones(2000,2000))"}"#,
            #"{"id": 1, "command": "eval", "expr": "sum(x)", "inputs": {"x": "ones(1500,1500)"}}"#,
            #"{"id": 2, "command": "eval", "expr": "sum(x)", "inputs": {"x": "ones(3000,3000)"}}"#,
        ]
        let result = try CLI.run(["batch", "--jobs", "1", "--max-flops", "1e7"], stdin: lines.joined(separator: "\n") + "\n")
        let records = try result.stdout.split(separator: "\n").map {
            try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
        }
        try #require(records.count == 3)
        #expect(records[0]["value"] as? Double == 4_000_000)
        #expect(records[1]["value"] as? Double == 2_250_000)
        let error = records[2]["error"] as? [String: Any]
        #expect((error?["message"] as? String)?.contains("work budget of 1e7") == true, "\(records[2])")
    }

    @Test func limitValues() throws {
        for good in [["--max-flops", "1e9"], ["--max-flops", "250000"], ["--timeout", "2.5"], ["--timeout", "1"]] {
            let result = try CLI.run(["eval", "1"] + good)
            #expect(result.exitCode == 0, "\(good): \(result.stderr)")
        }
        for bad in ["", "lots", "-1", "0", "1e9x", "0.5"] {
            let result = try CLI.run(["eval", "1", "--max-flops", bad])
            #expect(result.exitCode == 64, "\(bad)")
            #expect(result.stderr.contains("'--max-flops <n>'"), "\(result.stderr)")
        }
        for bad in ["", "soon", "-1", "0", "1s"] {
            let result = try CLI.run(["eval", "1", "--timeout", bad])
            #expect(result.exitCode == 64, "\(bad)")
            #expect(result.stderr.contains("'--timeout <seconds>'"), "\(result.stderr)")
        }
        // Line mode takes both.
        let lines = try CLI.run(["lines", "--command", "eval", "--max-flops", "1500"], stdin: "sum(ones(10,10) @ ones(10,10))\n1+1\n")
        #expect(lines.stdout.hasSuffix("\n2\n"), "\(lines.stdout)")
        #expect(lines.stdout.contains("error: line 1: this operation needs 2000 floating-point operations, beyond the work budget of 1500"), "\(lines.stdout)")
    }
}

/// `plot` and `trace` take the budgets as the expression commands do.
@Suite struct WorkBudgetOnPlotAndTraceTests {
    @Test func plotAndTraceApplyTheWorkBudgetAndCheckItsValues() throws {
        let plot = try CLI.run(["plot", "sum(ones(100) * x)", "x=-1:1", "--max-flops", "10"])
        #expect(plot.exitCode == 65)
        #expect(plot.stderr.contains("beyond the work budget of 10"))
        let trace = try CLI.run(["trace", "sum(x @ x)", "x=ones(30,30)", "--max-flops", "1e3"])
        #expect(trace.exitCode == 65)
        #expect(try CLI.run(["trace", "x^2", "x=1", "--timeout", "0"]).exitCode == 64)
        #expect(try CLI.run(["plot", "x^2", "x=-1:1", "--timeout", "abc"]).exitCode == 64)
        #expect(try CLI.run(["trace", "x^2", "x=1", "--max-memory", "banana"]).exitCode == 64)
    }
}
