import Autograd
import ExprParser

/// Turns the ways a user can give an input value into tensors: a constant expression,
/// the shell-safe shorthand `2,3`, a JSON value, or `@file` (.json, .npy, .csv).
enum Inputs {
    /// Splits `NAME=VALUE`, checking that NAME is an identifier.
    static func assignment(_ argument: String) throws -> (name: String, value: String) {
        guard let eq = argument.firstIndex(of: "=") else {
            throw GradcliError.usage("expected an input as NAME=VALUE, got '\(argument)'")
        }
        let name = String(argument[..<eq])
        guard isIdentifier(name) else {
            throw GradcliError.usage("'\(name)' is not a valid input name", hint: "names are letters, digits and _, not starting with a digit")
        }
        return (name, String(argument[argument.index(after: eq)...]))
    }

    static func isIdentifier(_ s: String) -> Bool {
        guard let first = s.unicodeScalars.first, first == "_" || (first.isASCII && first.properties.isAlphabetic) else { return false }
        return s.unicodeScalars.allSatisfy { $0 == "_" || ($0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0))) }
    }

    /// The tensor a command-line value stands for; `files` says which `@path` values may be read.
    /// Inputs are differentiated, so they are floating: the default dtype (`--dtype`) unless
    /// the value names a floating dtype itself (`tensor([1, 2], dtype=torch.float64)`).
    static func tensor(from text: String, name: String, files: FileAccess) throws -> Tensor {
        let value = try untypedTensor(from: text, name: name, files: files)
        return value.dtype.isFloatingPoint && !text.hasPrefix("@") && shorthand(text) == nil
            ? value : value.converted(to: DefaultDType.current)
    }

    private static func untypedTensor(from text: String, name: String, files: FileAccess) throws -> Tensor {
        if text.hasPrefix("@") { return try load(file: String(text.dropFirst()), name: name, files: files) }
        if let vector = shorthand(text) { return vector }
        return try GradcliError.mapping(source: text, context: "the value of input `\(name)`") { try evaluateConstant(text) }
    }

    /// `2,3` or `1.5,-2,1e-3`: a comma-separated list of plain numbers is a vector.
    static func shorthand(_ text: String) -> Tensor? {
        guard text.contains(","), !text.contains("[") else { return nil }
        var values: [Double] = []
        for part in text.split(separator: ",", omittingEmptySubsequences: false) {
            guard let x = plainNumber(part.trimmingSpaces) else { return nil }
            values.append(x)
        }
        return Tensor(values)
    }

    /// A finite decimal number such as `-1.5e3`; not `inf`, `nan` or hexadecimal, which
    /// Swift's `Double(_:)` would also accept.
    static func plainNumber(_ text: String) -> Double? {
        guard text.allSatisfy({ $0.isASCII && ($0.isNumber || "+-.eE".contains($0)) }),
              let x = Double(text), x.isFinite else { return nil }
        return x
    }

    /// Reads an input from a regular file, by its extension, which is checked first: nothing
    /// is opened for a name gradcli cannot read. Where `files` is not `.any` (batch), an error
    /// in the file's content names the file and the place but quotes none of it.
    static func load(file path: String, name: String, files: FileAccess) throws -> Tensor {
        // Refused before anything else: a NUL (which would end the name the C library sees)
        // and any file at all in a batch without --allow-files.
        if path.utf8.contains(0) || !files.mayReadAny { _ = try files.resolve(path) }
        let lower = path.lowercased()
        guard let format = [".npy", ".csv", ".json"].first(where: { lower.hasSuffix($0) }), !path.utf8.contains(0) else {
            throw GradcliError.usage("cannot tell the format of '\(path)'", hint: "use a .json, .npy or .csv file")
        }
        let bytes = try FileIO.readRegularFile(files.resolve(path))
        do {
            switch format {
            case ".npy": return try Npy.decode(bytes, path: path)
            case ".csv": return try csv(String(decoding: bytes, as: UTF8.self), path: path, quoteContent: files.mayQuoteContent)
            default:
                do {
                    // Strings inside the file are constant expressions; they read no further files.
                    return try tensor(fromJSON: JSONParser.parse(bytes[...]), name: name, files: .none)
                } catch let error as JSONError {
                    throw GradcliError.value("\(path):\(error.line):\(error.column): \(error.message)")
                }
            }
        } catch let error as GradcliError where !files.mayQuoteContent && format != ".csv" && error.code != .limit {
            throw GradcliError.value("'\(path)' is not a valid \(format) file of numbers")
        }
    }

    /// A tensor from JSON: a number, nested arrays of equal lengths, the strings
    /// "NaN"/"Infinity"/"-Infinity", or a string holding a constant expression.
    static func tensor(fromJSON json: JSON, name: String, files: FileAccess) throws -> Tensor {
        if case .string(let text) = json, !["NaN", "Infinity", "-Infinity"].contains(text) {
            return try tensor(from: text, name: name, files: files)
        }
        // Walk level by level: the shape is fixed by the first element at each depth.
        var shape: [Int] = []
        var level = [json]
        while case .array(let first)? = level.first {
            shape.append(first.count)
            do { try Tensor.checkRank(shape.count) } catch let error as OpError {
                throw GradcliError(.limit, "input `\(name)`: \(error.message)")
            }
            var next: [JSON] = []
            next.reserveCapacity(level.count * first.count)
            for item in level {
                guard case .array(let items) = item, items.count == first.count else {
                    throw GradcliError.value("input `\(name)`: nested lists must be rectangular (expected \(first.count) elements at depth \(shape.count))")
                }
                next += items
            }
            level = next
            if first.isEmpty { break }
        }
        let values = try level.map { item -> Double in
            switch item {
            case .number(let x): return x
            case .integer(let i): return Double(i)
            case .string("NaN"): return .nan
            case .string("Infinity"): return .infinity
            case .string("-Infinity"): return -.infinity
            default: throw GradcliError.value("input `\(name)`: expected numbers, found \(item.serialized)")
            }
        }
        return Tensor(shape: shape, data: values).converted(to: DefaultDType.current)
    }

    /// A CSV file of numbers: one line is a vector, several lines a matrix.
    /// An error quotes the offending cell only when `quoteContent` (not in batch).
    static func csv(_ text: String, path: String, quoteContent: Bool = true) throws -> Tensor {
        let lines = text.split(whereSeparator: { $0 == "\n" || $0 == "\r\n" }).map { $0.trimmingSpaces }.filter { !$0.isEmpty }
        var rows: [[Double]] = []
        for (number, line) in lines.enumerated() {
            let cells = line.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingSpaces }
            let values = cells.compactMap(plainNumber)
            guard values.count == cells.count else {
                if number == 0 && rows.isEmpty && !cells.contains(where: { plainNumber($0) != nil }) { continue } // a header line
                let column = cells.firstIndex { plainNumber($0) == nil }! + 1
                throw GradcliError.value("\(path):\(number + 1): value \(column) is not a finite number" + (quoteContent ? ": '\(cells[column - 1])'" : ""))
            }
            if let width = rows.first?.count, width != values.count {
                throw GradcliError.value("\(path):\(number + 1): expected \(width) values, found \(values.count)")
            }
            rows.append(values)
        }
        guard let width = rows.first?.count else { throw GradcliError.value("\(path): no numbers found") }
        return rows.count == 1 ? Tensor(rows[0]) : Tensor(shape: [rows.count, width], data: rows.flatMap { $0 })
    }
}

extension StringProtocol {
    /// The text without leading and trailing spaces and tabs.
    var trimmingSpaces: String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\r" }
        guard let start = firstIndex(where: { !isSpace($0) }), let end = lastIndex(where: { !isSpace($0) }) else { return "" }
        return String(self[start...end])
    }
}
