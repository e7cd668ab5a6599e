import Autograd
import ExprParser

/// A value of an option as given: a word of the command line, a flag that is present, or a
/// value of a batch request.
enum GivenValue {
    case word(String)
    case present
    case json(JSON)
}

/// Reads and checks the value of one row of `OptionSpec.table`, one function per `ValueKind`,
/// for every form of a value: the command line and a batch request get the same typed value
/// and the same error code; only the wording names the place the way each path spells it.
struct OptionValues {
    let spec: OptionSpec
    /// The command whose usage line a mistake on the command line shows.
    var command = Command.grad.rawValue

    /// How a message names the place: `--inputs` or `"inputs"`.
    func place(_ given: GivenValue) -> String {
        if case .json = given { return "\"\(spec.field ?? spec.longName)\"" }
        return spec.longName
    }

    /// `given` is not what the option takes: a usage error.
    func invalid(_ given: GivenValue, expected: String) -> GradcliError {
        switch given {
        case .word(let text): return .usage("The value '\(text)' is invalid for '\(spec.synopsis)' (expected \(expected))", of: command)
        case .present: return .usage("The option '\(spec.longName)' needs a value", of: command)
        case .json: return .usage("\(place(given)) must be \(expected)")
        }
    }

    func flag(_ given: GivenValue) throws -> Bool {
        switch given {
        case .present: return true
        case .json(.bool(let value)): return value
        default: throw invalid(given, expected: "true or false")
        }
    }

    /// Text as given; a batch value that is not a string is its JSON text (`"grad_output": [1, 2]`).
    func text(_ given: GivenValue) -> String {
        switch given {
        case .word(let text): return text
        case .present: return ""
        case .json(let json): return json.stringValue ?? json.serialized
        }
    }

    func word(_ given: GivenValue, expected: String) throws -> String {
        switch given {
        case .word(let text): return text
        case .json(.string(let text)): return text
        default: throw invalid(given, expected: expected)
        }
    }

    func positiveNumber(_ given: GivenValue) throws -> Double {
        let x: Double?
        switch given {
        case .word(let text): x = Double(text)
        case .json(let json): x = json.doubleValue
        case .present: x = nil
        }
        guard let x, x > 0, x.isFinite else { throw invalid(given, expected: "a positive number") }
        return x
    }

    func integer(_ given: GivenValue, in range: ClosedRange<Int>) throws -> Int {
        let n: Int?
        switch given {
        case .word(let text): n = Int(text)
        case .json(let json): n = json.integerValue
        case .present: n = nil
        }
        guard let n, range.contains(n) else { throw invalid(given, expected: "\(range.lowerBound) to \(range.upperBound)") }
        return n
    }

    /// An integer in the row's range (`ValueKind.integer`).
    func integer(_ given: GivenValue) throws -> Int {
        guard case .integer(let range) = spec.kind else { preconditionFailure("\(spec.longName) takes no integer") }
        return try integer(given, in: range)
    }

    /// One of the words of the placeholder (`text|torch`).
    func choice(_ given: GivenValue) throws -> String {
        let choices = (spec.value ?? "").split(separator: "|").map(String.init)
        let expected = choices.dropLast().joined(separator: ", ") + (choices.count > 1 ? " or " : "") + (choices.last ?? "")
        let text = try word(given, expected: expected)
        guard choices.contains(text) else { throw invalid(given, expected: expected) }
        return text
    }

    /// A size in bytes, such as 512M or 4G.
    func bytes(_ given: GivenValue) throws -> Int {
        guard let bytes = MemoryBudget.parseBytes(try word(given, expected: "a size")) else {
            throw invalid(given, expected: "a size such as 512M or 4G")
        }
        return bytes
    }

    /// torch.manual_seed's range: -2^63 ... 2^64 - 1, negative seeds wrapping to 64 bits;
    /// an integer outside it is a value error, as PyTorch's overflow is.
    func seed(_ given: GivenValue) throws -> UInt64 {
        let digits: String?
        switch given {
        case .word(let text): digits = text
        case .json(.integer(let n)): digits = String(n)
        case .json(.number(let x)) where x.isFinite && x == x.rounded():
            digits = UInt64(exactly: x).map { String($0) } ?? Int64(exactly: x).map { String($0) } ?? (x < 0 ? "-" : "") + "1" + String(repeating: "0", count: 20)
        default: digits = nil
        }
        switch digits.flatMap(TorchGenerator.seed(fromInteger:)) {
        case .success(let value)?: return value
        case .failure(let error)?: throw GradcliError.value("\(place(given)) \(digits!): \(error.message)")
        case nil: throw invalid(given, expected: "an integer")
        }
    }

    /// A floating default dtype, float64 or float32, with PyTorch's names.
    func dtype(_ given: GivenValue) throws -> DType {
        let name = try word(given, expected: "a string: float64 or float32")
        let place = self.place(given)
        guard let dtype = DType(name: name) else {
            throw GradcliError.value("\(place): unknown dtype '\(name)'", hint: "expected float64 (double) or float32 (float)")
        }
        guard dtype.isFloatingPoint else {
            throw GradcliError.value("\(place): only floating-point types are supported as the default type, got \(dtype.torchName)",
                                     hint: "expected float64 (double) or float32 (float)")
        }
        return dtype
    }

    /// Names: comma-separated on the command line, an array of strings in a batch request.
    func names(_ given: GivenValue) throws -> [String] {
        switch given {
        case .word(let text):
            return text.split(separator: ",").map { $0.trimmingSpaces }.filter { !$0.isEmpty }
        case .json(.array(let items)):
            let names = items.compactMap(\.stringValue)
            guard names.count == items.count else { throw invalid(given, expected: "an array of names") }
            return names
        default: throw invalid(given, expected: "an array of names")
        }
    }

    /// `NAME=VALUE` pairs: one per word on the command line, an object in a batch request
    /// (a key given twice is ambiguous: a usage error).
    func assignments(_ given: GivenValue) throws -> [(name: String, value: String)] {
        switch given {
        case .word(let text): return [try Inputs.assignment(text)]
        case .json(.object(let pairs)):
            try OptionValues.rejectDuplicateKeys(pairs, in: place(given))
            return pairs.map { ($0.0, $0.1.stringValue ?? $0.1.serialized) }
        default: throw invalid(given, expected: "an object of name -> expression")
        }
    }

    /// An object of name -> input value: a JSON object (batch), or a JSON file holding one
    /// (`--inputs FILE`). Names must be identifiers and unique.
    func inputObject(_ given: GivenValue) throws -> [(String, JSON)] {
        var json: JSON
        switch given {
        case .word(let path):
            let text = try FileIO.readText(path)
            do { json = try JSONParser.parse(text) } catch let e as JSONError {
                throw GradcliError.value("\(path == "-" ? "<stdin>" : path):\(e.line):\(e.column): \(e.message)")
            }
        case .json(let value): json = value
        case .present: json = .null
        }
        guard case .object(let pairs) = json else {
            if case .word = given { throw GradcliError.usage("\(place(given)) must hold a JSON object of name -> value") }
            throw invalid(given, expected: "an object of name -> value")
        }
        try OptionValues.rejectDuplicateKeys(pairs, in: place(given))
        for (name, _) in pairs where !Inputs.isIdentifier(name) {
            throw GradcliError.usage("\(place(given)): '\(name)' is not a valid input name",
                                     hint: "names are letters, digits and _, not starting with a digit")
        }
        return pairs
    }

    /// A key given twice is ambiguous (parsers disagree on which one wins): a usage error.
    static func rejectDuplicateKeys(_ pairs: [(String, JSON)], in place: String) throws {
        // A request's few keys are compared pairwise: cheaper than hashing them into a set.
        if pairs.count <= 8 {
            for i in pairs.indices where pairs[..<i].contains(where: { $0.0 == pairs[i].0 }) {
                throw GradcliError.usage("\(place) has the key \"\(pairs[i].0)\" more than once")
            }
            return
        }
        var seen = Set<String>()
        seen.reserveCapacity(pairs.count)
        for (key, _) in pairs where !seen.insert(key).inserted {
            throw GradcliError.usage("\(place) has the key \"\(key)\" more than once")
        }
    }
}

extension Request {
    /// Reads every request field of the option table, from the command line or from a batch
    /// line alike: `given` lists the values given for a row, in order. The seed and the dtype
    /// come first, and are set for the run: inputs are read in that dtype and draw from that
    /// random stream. Absent fields take the table's default.
    mutating func readFields(files: FileAccess, command: Command = .grad, _ given: (OptionSpec) -> [GivenValue]) throws {
        for spec in OptionSpec.requestFieldsInReadingOrder {
            let values = given(spec)
            if values.isEmpty, let value = spec.defaultValue {
                try apply(spec, .word(value), files: files, command: command)
            }
            for value in values { try apply(spec, value, files: files, command: command) }
            if spec.key == .dtype {
                manualSeed(seed)
                DefaultDType.current = dtype
            }
        }
    }

    /// Sets the field of `spec` from one given value.
    mutating func apply(_ spec: OptionSpec, _ given: GivenValue, files: FileAccess, command: Command) throws {
        let read = OptionValues(spec: spec, command: command.rawValue)
        switch spec.key {
        case .seed: seed = try read.seed(given)
        case .dtype: dtype = try read.dtype(given)
        case .inputs:
            let pairs = try read.inputObject(given)
            let fresh = inputs.isEmpty  // names are unique (checked), so each is appended without a search
            inputs.reserveCapacity(inputs.count + pairs.count)
            for (name, value) in pairs {
                let tensor = try Inputs.tensor(fromJSON: value, name: name, files: files)
                if fresh { inputs.append((name, tensor)) } else { setInput(name, tensor) }
            }
        case .set:
            for (name, text) in try read.assignments(given) { setInput(name, try Inputs.tensor(from: text, name: name, files: files)) }
        case .wrt:
            wrt = try read.names(given)
            guard wrt?.isEmpty == false else { throw read.invalid(given, expected: "input names") }
        case .gradOutput: gradOutput = read.text(given)
        case .retainGrad: retainGrad += try read.names(given)
        case .expect: expects += try read.assignments(given).map { ($0.name, $0.value) }
        case .eps: eps = try read.positiveNumber(given)
        case .rtol: rtol = try read.positiveNumber(given)
        case .atol: atol = try read.positiveNumber(given)
        case .equalNaN: equalNaN = try read.flag(given)
        default:
            // Options of the run rather than of a request (--json, --max-memory...) have no field.
            preconditionFailure("\(spec.longName) has a batch field but no place in a request")
        }
    }
}
