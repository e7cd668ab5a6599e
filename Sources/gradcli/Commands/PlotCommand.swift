import Autograd
import ExprParser

/// `gradcli plot EXPR x=lo:hi`: samples f and f' (by autograd) and draws them on the terminal in
/// braille, or as a standalone SVG file.
enum PlotCommand {
    struct Samples {
        var name: String
        var xs: [Double] = []
        var f: [Double] = []
        var df: [Double] = []

        /// Indices of intervals where f' jumps: the secant slope disagrees with the mean of the
        /// two end derivatives by more than 5% of the largest |f'| (zero for a smooth f as the
        /// samples get closer; a jump of f' keeps it large).
        var kinks: [Int] {
            let scale = df.filter(\.isFinite).map(abs).max() ?? 0
            guard scale > 0, xs.count > 1 else { return [] }
            return (0..<(xs.count - 1)).filter { i in
                let values = [f[i], f[i + 1], df[i], df[i + 1]]
                guard values.allSatisfy(\.isFinite) else { return false }
                let secant = (f[i + 1] - f[i]) / (xs[i + 1] - xs[i])
                return abs(secant - (df[i] + df[i + 1]) / 2) > 0.05 * scale
            }
        }

        var nonFinite: [Int] { xs.indices.filter { !f[$0].isFinite || !df[$0].isFinite } }
    }

    static func run(_ arguments: [String], color: Bool) throws -> Int32 {
        let parsed = try AddedArguments(arguments, options: CommandCatalog.plotOptions, command: "plot")
        let (positionals, options, sets) = (parsed.positionals, parsed.values, parsed.sets)
        guard positionals.count >= 1 else { throw GradcliError.usage("Missing expected argument '<expr>'", of: "plot") }
        guard positionals.count >= 2 else { throw GradcliError.usage("Missing expected argument '<name=lo:hi>' (e.g. x=-3:3)", of: "plot") }
        guard positionals.count == 2 else { throw GradcliError.usage("Unexpected argument '\(positionals[2])'", of: "plot") }
        let width = try integer(options, .width)!
        let height = try integer(options, .height)!
        let points = try integer(options, .points) ?? 2 * width
        let (name, lo, hi) = try range(positionals[1])
        var budget = Invocation()
        budget.command = .eval
        budget.options = options[.maxMemory].map { [(.maxMemory, $0)] } ?? []
        MemoryBudget.limit = try GradCLI.memoryBudget(budget)
        // Each point is one request: its own work budget and time limit (reset per point).
        try GradCLI.setWorkBudget(options[.maxFlops], options[.timeout]) { GradcliError.usage($0, of: "plot") }

        func request(_ command: Command, at x: Double) throws -> Report {
            WorkBudget.startRequest()  // per point
            var invocation = Invocation()
            invocation.command = command
            invocation.commandWasGiven = true
            invocation.positionals = [positionals[0], "\(name)=\(x)"]
            invocation.options = (command == .grad ? [(.wrt, name)] : []) + sets.map { (.set, $0) } + (options[.dtype].map { [(.dtype, $0)] } ?? [])
            return try GradCLI.makeRequest(invocation).run()
        }
        // The shape first, so a vector expression is named as such rather than failing in backward.
        if let shape = try request(.eval, at: lo).value?.shape, shape.reduce(1, *) != 1 {
            throw GradcliError.value("plot needs a scalar expression, but `\(positionals[0])` has shape \(describe(shape: shape))")
        }
        var samples = Samples(name: name)
        let progress = Progress(total: points, unit: "points")
        defer { progress.finish() }
        for i in 0..<points {
            progress.advance(to: i, count: i)
            let t = Double(i) / Double(points - 1)
            // A range wider than the largest double (-1e308:1e308) is interpolated without hi - lo.
            let x = i == points - 1 ? hi : (hi - lo).isFinite ? lo + (hi - lo) * t : lo * (1 - t) + hi * t
            let report = try request(.grad, at: x)
            guard let value = report.value, value.count == 1 else { throw GradcliError.value("plot needs a scalar expression") }
            samples.xs.append(x)
            samples.f.append(value.data[0])
            samples.df.append(report.grads.first?.value.data.first ?? 0)
        }
        if let svg = options[.svg] {
            try SVGPlot.write(SVGPlot.render(samples, expr: positionals[0]), to: svg)
            return 0
        }
        Output.out(BraillePlot(width: width, height: height, color: Terminal.wantsColor(1)).render(samples, expr: positionals[0]))
        return 0
    }

    /// The integer option `key` as given, or its default in the table.
    private static func integer(_ options: [OptionKey: String], _ key: OptionKey) throws -> Int? {
        let spec = OptionSpec.spec(key)
        guard let text = options[key] ?? spec.defaultValue else { return nil }
        return try OptionValues(spec: spec, command: "plot").integer(.word(text))
    }

    /// `name=lo:hi`, with lo < hi, both finite.
    static func range(_ text: String) throws -> (String, Double, Double) {
        guard let eq = text.firstIndex(of: "="), let colon = text[eq...].firstIndex(of: ":") else {
            throw GradcliError.usage("The range '\(text)' is not of the form <name=lo:hi> (e.g. x=-3:3)", of: "plot")
        }
        let name = String(text[..<eq])
        guard Inputs.isIdentifier(name) else { throw GradcliError.usage("'\(name)' in the range '\(text)' is not a valid input name", of: "plot") }
        let loText = String(text[text.index(after: eq)..<colon]), hiText = String(text[text.index(after: colon)...])
        for part in [loText, hiText] where Double(part) == nil || !Double(part)!.isFinite {
            throw GradcliError.value("plot range '\(text)': '\(part)' is not a finite number")
        }
        let lo = Double(loText)!, hi = Double(hiText)!
        guard lo < hi else {
            throw GradcliError.value("plot range '\(text)' is \(lo == hi ? "empty" : "reversed"): the low end must be below the high end")
        }
        return (name, lo, hi)
    }
}
