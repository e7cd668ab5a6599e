import Autograd

/// The outcome of one batch line: its JSON record and what the summary counts.
struct BatchRecord {
    enum Status { case ok, checkFailed, error }
    let line: Int
    /// The request's `id` as JSON text, or nil when it has none.
    let id: String?
    /// The record as one line of JSON Lines (UTF-8), serialised on the worker that ran it.
    /// Only the text is kept, so the JSON tree is freed on the worker too.
    let text: [UInt8]
    let status: Status
    /// For check requests: one entry per comparison, for TAP and JUnit.
    let checks: [(name: String, passed: Bool, detail: String)]
    /// The request's expression, or the error message, for reports.
    let title: String
    /// For a request that could not run: its error code and message, for reports.
    let error: (code: String, message: String)?

    init(line: Int, id: String?, text: [UInt8], status: Status, checks: [(name: String, passed: Bool, detail: String)],
         title: String, error: (code: String, message: String)?) {
        self.line = line
        self.id = id
        self.text = text
        self.status = status
        self.checks = checks
        self.title = title
        self.error = error
    }

    /// A record whose line is `json`, serialised here.
    init(line: Int, id: JSON, json: JSON, status: Status, checks: [(name: String, passed: Bool, detail: String)], title: String,
         error: (code: String, message: String)? = nil) {
        var text: [UInt8] = []
        text.reserveCapacity(256)
        json.write(to: &text)
        text.append(UInt8(ascii: "\n"))
        self.init(line: line, id: id == .null ? nil : id.serialized, text: text, status: status, checks: checks,
                  title: title, error: error)
    }
}

extension Request {
    /// The fields of a batch request.
    static let knownFields = ["id", "command", "expr", "inputs", "wrt", "grad_output", "expect", "rtol", "atol", "eps",
                              "seed", "retain_grad", "dtype", "equal_nan"]

    /// Reads a batch request object (schema in DESIGN.md, "Batch").
    static func fromJSON(_ json: JSON, files: FileAccess) throws -> Request {
        guard case .object(let fields) = json else { throw CLIError.usage("a request must be a JSON object") }
        try rejectDuplicateKeys(fields, in: "the request")
        var request = Request()
        // An unknown field is most likely a typo (`rtoll`): it is ignored, with a warning.
        for (name, _) in fields where !knownFields.contains(name) {
            request.notes.append(Warning(message: "unknown request field `\(name)` ignored"))
        }
        if let command = json["command"], command != .null {
            guard case .string(let name) = command, let parsed = Command(rawValue: name),
                  ![.batch, .help].contains(parsed) else {
                throw CLIError.usage("\"command\" must be one of grad, eval, jacobian, hessian, check, graph")
            }
            request.command = parsed
        }
        guard case .string(let expr)? = json["expr"] else { throw CLIError.usage("a request needs \"expr\", a string") }
        request.source = expr
        if let seed = json["seed"], seed != .null {
            // As torch.manual_seed: a negative seed wraps to its 64-bit two's complement.
            guard let value = seed.integerValue else { throw CLIError.usage("\"seed\" must be an integer") }
            request.seed = UInt64(bitPattern: Int64(value))
        }
        manualSeed(request.seed)
        if let dtype = json["dtype"], dtype != .null {
            guard case .string(let name) = dtype else { throw CLIError.usage("\"dtype\" must be a string: float64 or float32") }
            request.dtype = try Request.defaultDType(named: name, place: "\"dtype\"")
        }
        // Set for this request only: a request without "dtype" is float64.
        DefaultDType.current = request.dtype
        if let inputs = json["inputs"], inputs != .null {
            guard case .object(let pairs) = inputs else { throw CLIError.usage("\"inputs\" must be an object of name -> value") }
            try rejectDuplicateKeys(pairs, in: "\"inputs\"")
            request.inputs.reserveCapacity(pairs.count)
            for (name, value) in pairs {
                guard Inputs.isIdentifier(name) else { throw CLIError.usage("\"inputs\": '\(name)' is not a valid input name") }
                // Names are unique (checked above), so each is appended without a search.
                request.inputs.append((name, try Inputs.tensor(fromJSON: value, name: name, files: files)))
            }
        }
        if let wrt = json["wrt"], wrt != .null {
            request.wrt = try strings(wrt, field: "wrt")
            guard request.wrt?.isEmpty == false else { throw CLIError.usage("\"wrt\" must name at least one input") }
        }
        if let retain = json["retain_grad"], retain != .null { request.retainGrad = try strings(retain, field: "retain_grad") }
        if let g = json["grad_output"], g != .null {
            request.gradOutput = g.stringValue ?? g.serialized
        }
        if let expect = json["expect"], expect != .null {
            guard case .object(let pairs) = expect else { throw CLIError.usage("\"expect\" must be an object of name -> expression") }
            try rejectDuplicateKeys(pairs, in: "\"expect\"")
            request.expects = pairs.map { ($0.0, $0.1.stringValue ?? $0.1.serialized) }
        }
        if let flag = json["equal_nan"], flag != .null {
            guard case .bool(let value) = flag else { throw CLIError.usage("\"equal_nan\" must be true or false") }
            request.equalNaN = value
        }
        for (field, keyPath) in [("rtol", \Request.rtol), ("atol", \Request.atol), ("eps", \Request.eps)] {
            guard let value = json[field], value != .null else { continue }
            guard let x = value.doubleValue, x > 0, x.isFinite else { throw CLIError.usage("\"\(field)\" must be a positive number") }
            request[keyPath: keyPath] = x
        }
        return request
    }

    /// A key given twice is ambiguous (parsers disagree on which one wins): a usage error.
    private static func rejectDuplicateKeys(_ pairs: [(String, JSON)], in place: String) throws {
        var seen = Set<String>()
        seen.reserveCapacity(pairs.count)
        for (key, _) in pairs where !seen.insert(key).inserted {
            throw CLIError.usage("\(place) has the key \"\(key)\" more than once")
        }
    }

    private static func strings(_ json: JSON, field: String) throws -> [String] {
        guard case .array(let items) = json, let names = Optional(items.compactMap(\.stringValue)), names.count == items.count else {
            throw CLIError.usage("\"\(field)\" must be an array of names")
        }
        return names
    }

    /// Runs one batch line (UTF-8 bytes) and builds its record; never throws.
    /// `files` says which `@path` inputs the request may read (none unless `--allow-files`).
    static func runBatchLine(_ bytes: ArraySlice<UInt8>, line: Int, files: FileAccess, cache: ProgramCache? = nil) -> BatchRecord {
        var id = JSON.null
        var title = ""
        // The work budget and the time limit cover the whole request, its inputs too.
        WorkBudget.startRequest()
        do {
            let json: JSON
            do { json = try JSONParser.parse(bytes) } catch let e as JSONError {
                throw CLIError(code: "parse_error", message: "line \(line), column \(e.column): \(e.message)")
            }
            id = json["id"] ?? .null
            var request = try fromJSON(json, files: files)
            request.programCache = cache
            title = request.source
            let report = try request.run()
            try GradCLI.reserveOutput(of: report)
            let checks = report.check?.results.map { r in
                (name: "d/d\(r.input) (\(r.kind))", passed: r.passed,
                 detail: "max abs error \(r.maxAbsError), max rel error \(r.maxRelError)")
            } ?? []
            return BatchRecord(line: line, id: id, json: stamp(report.json, id: id, line: line),
                               status: report.exitCode == 0 ? .ok : .checkFailed, checks: checks, title: title)
        } catch {
            return errorRecord(GradCLI.cliError(error), line: line, id: id, title: title)
        }
    }

    /// The record of a line whose worker process stopped before reporting it.
    static func workerFailedRecord(_ bytes: ArraySlice<UInt8>, line: Int) -> BatchRecord {
        let failure = CLIError(code: "internal_error", message: "the worker process running this request stopped unexpectedly")
        return errorRecord(failure, line: line, id: (try? JSONParser.parse(bytes))?["id"] ?? .null, title: "")
    }

    /// The record of a line longer than `LineReader.maxLineBytes`, which was not kept.
    static func tooLongRecord(line: Int) -> BatchRecord {
        let failure = CLIError(code: "limit_error", message: "line \(line) is longer than \(LineReader.maxLineBytes >> 20) MiB, the longest request line gradcli reads")
        return errorRecord(failure, line: line, id: .null, title: "")
    }

    /// The record of a line that could not run; its title is the request's expression when known.
    private static func errorRecord(_ failure: CLIError, line: Int, id: JSON, title: String) -> BatchRecord {
        BatchRecord(line: line, id: id, json: stamp(failure.json, id: id, line: line), status: .error,
                    checks: [], title: title.isEmpty ? failure.message : title, error: (failure.code, failure.message))
    }

    /// Adds `id` and `line` right after `schema`.
    static func stamp(_ json: JSON, id: JSON, line: Int) -> JSON {
        guard case .object(var fields) = json else { return json }
        fields.insert(contentsOf: [("id", id), ("line", .integer(line))], at: min(1, fields.count))
        return .object(fields)
    }
}

extension JSON {
    var stringValue: String? {
        if case .string(let s) = self { return s }
        return nil
    }

    var doubleValue: Double? {
        switch self {
        case .number(let x): return x
        case .integer(let i): return Double(i)
        default: return nil
        }
    }

    var integerValue: Int? {
        guard let x = doubleValue, x == x.rounded(), abs(x) < 1e15 else { return nil }
        return Int(x)
    }
}
