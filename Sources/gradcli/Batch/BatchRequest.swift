import Autograd
import ExprParser

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
    let error: (code: ErrorCode, message: String)?
    /// The warnings of a request that ran, one line each, for reports.
    let warnings: [String]

    init(line: Int, id: String?, text: [UInt8], status: Status, checks: [(name: String, passed: Bool, detail: String)],
         title: String, error: (code: ErrorCode, message: String)?, warnings: [String] = []) {
        self.line = line
        self.id = id
        self.text = text
        self.status = status
        self.checks = checks
        self.title = title
        self.error = error
        self.warnings = warnings
    }

    /// A record whose line is `json`, serialised here.
    init(line: Int, id: JSON, json: JSON, status: Status, checks: [(name: String, passed: Bool, detail: String)], title: String,
         error: (code: ErrorCode, message: String)? = nil, warnings: [String] = []) {
        var text: [UInt8] = []
        text.reserveCapacity(256)
        json.write(to: &text)
        text.append(UInt8(ascii: "\n"))
        self.init(line: line, id: id == .null ? nil : id.serialized, text: text, status: status, checks: checks,
                  title: title, error: error, warnings: warnings)
    }
}

extension Request {
    /// The fields of a batch request: `id`, `command`, `expr` and the request fields of the
    /// option table.
    static let knownFields = ["id", "command", "expr"] + OptionSpec.requestFields.compactMap(\.field)

    /// Reads a batch request object (schema in DESIGN.md, "Batch").
    static func fromJSON(_ json: JSON, files: FileAccess) throws -> Request {
        guard case .object(let fields) = json else { throw GradcliError.usage("a request must be a JSON object") }
        try OptionValues.rejectDuplicateKeys(fields, in: "the request")
        var request = Request()
        // An unknown field is most likely a typo (`rtoll`): it is ignored, with a warning.
        for (name, _) in fields where !knownFields.contains(name) {
            let suggestion = Suggestions.closest(to: name, among: knownFields).map { " (did you mean `\($0)`?)" } ?? ""
            request.notes.append(Warning(message: "unknown request field `\(name)` ignored" + suggestion))
        }
        if let command = json["command"], command != .null {
            guard case .string(let name) = command, let parsed = Command(rawValue: name),
                  ![.batch, .help].contains(parsed) else {
                throw GradcliError.usage("\"command\" must be one of grad, eval, jacobian, hessian, check, graph")
            }
            request.command = parsed
        }
        guard case .string(let expr)? = json["expr"] else { throw GradcliError.usage("a request needs \"expr\", a string") }
        request.source = expr
        // Set for this request only: a request without "dtype" is float64, without "seed" seed 0.
        try request.readFields(files: files) { spec in
            guard let value = json[spec.field!], value != .null else { return [] }
            return [.json(value)]
        }
        return request
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
                throw GradcliError(.parse, "line \(line), column \(e.column): \(e.message)")
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
                               status: report.exitCode == 0 ? .ok : .checkFailed, checks: checks, title: title,
                               warnings: report.warnings.map { $0.line(source: request.source) })
        } catch {
            return errorRecord(GradcliError.from(error), line: line, id: id, title: title)
        }
    }

    /// The record of a line whose worker process stopped before reporting it.
    static func workerFailedRecord(_ bytes: ArraySlice<UInt8>, line: Int) -> BatchRecord {
        let failure = GradcliError(.internal, "the worker process running this request stopped unexpectedly")
        return errorRecord(failure, line: line, id: (try? JSONParser.parse(bytes))?["id"] ?? .null, title: "")
    }

    /// The record of a line longer than `LineReader.maxLineBytes`, which was not kept.
    static func tooLongRecord(line: Int) -> BatchRecord {
        let failure = GradcliError(.limit, "line \(line) is longer than \(LineReader.maxLineBytes >> 20) MiB, the longest request line gradcli reads")
        return errorRecord(failure, line: line, id: .null, title: "")
    }

    /// The record of a line that could not run; its title is the request's expression when known.
    private static func errorRecord(_ failure: GradcliError, line: Int, id: JSON, title: String) -> BatchRecord {
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
