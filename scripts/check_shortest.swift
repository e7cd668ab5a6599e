// Compares gk_shortest_double (Sources/CKernels/shortest.c) with Swift's `Double.description` on
// many doubles; run through scripts/check_shortest.sh. Prints the count per group and the first
// mismatches; exits 1 on any mismatch.
//
// Usage: check_shortest [RANDOM]   (the edge cases, then RANDOM random finite bit patterns,
// default 100_000_000)
import CKernels
import Glibc

let random = CommandLine.arguments.count > 1 ? Int(CommandLine.arguments[1])! : 100_000_000
var checked = 0, mismatches = 0
let scratch = UnsafeMutablePointer<CChar>.allocate(capacity: 32)

@inline(__always) func check(_ x: Double) {
    guard x.isFinite else { return }
    let length = Int(gk_shortest_double(scratch, x))
    var expected = x.description
    let same = expected.withUTF8 { swift in
        swift.count == length && memcmp(swift.baseAddress!, scratch, length) == 0
    }
    checked += 1
    if !same {
        mismatches += 1
        if mismatches <= 20 {
            let mine = String(decoding: UnsafeRawBufferPointer(start: scratch, count: length), as: UTF8.self)
            print("MISMATCH bits=0x\(String(x.bitPattern, radix: 16)) swift=\(expected) c=\(mine)")
        }
    }
}
/// x, -x and `spread` neighbours on each side.
func around(_ x: Double, _ spread: Int) {
    var up = x, down = x
    check(x); check(-x)
    for _ in 0..<spread { up = up.nextUp; down = down.nextDown; check(up); check(down) }
}

var state: UInt64 = 0x243F6A8885A308D3
@inline(__always) func next() -> UInt64 { // SplitMix64
    state &+= 0x9E3779B97F4A7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58476D1CE4E5B9
    z = (z ^ (z >> 27)) &* 0x94D049BB133111EB
    return z ^ (z >> 31)
}
func group(_ name: String, _ body: () -> Void) {
    let before = checked, wrongBefore = mismatches
    body()
    print("\(name): \(checked - before) checked, \(mismatches - wrongBefore) mismatches")
}

group("zeros, extremes") {
    for x in [0.0, -0.0, .leastNonzeroMagnitude, .leastNormalMagnitude, .greatestFiniteMagnitude, 1, 0.1, 1e23] { around(x, 1000) }
}
group("subnormals (smallest and largest 2^20, every 2^20th)") {
    for f in UInt64(1)...(1 << 20) {
        check(Double(bitPattern: f)); check(Double(bitPattern: (1 << 52) - f)); check(Double(bitPattern: f << 20))
    }
}
group("each binary exponent: the 1000 smallest and largest significands") {
    for biased in UInt64(1)...2046 {
        for f in UInt64(0)..<1000 {
            check(Double(bitPattern: biased << 52 | f)); check(Double(bitPattern: biased << 52 | ((1 << 52) - 1 - f)))
        }
    }
}
group("powers of two and ten, 100 neighbours each side") {
    for e in -1074...1023 { around(Double(sign: .plus, exponent: e, significand: 1), 100) }
    for k in -323...308 { around(Double("1e\(k)")!, 100) }
}
group("short decimals d * 10^j (d < 10^4) and their neighbours") {
    for j in -327...308 {
        for d in 1..<10_000 where d % 10 != 0 { around(Double("\(d)e\(j)")!, 1) }
    }
}
group("random decimals of 1 to 17 digits and their neighbours") {
    for _ in 0..<3_000_000 {
        let r = next()
        let digits = Int(r % 17) + 1
        var d = next() % 100_000_000_000_000_000
        for _ in digits..<17 { d /= 10 }
        let j = Int((r >> 8) % 640) - 330
        if let x = Double("\(d)e\(j)") { around(x, 1) }
    }
}
group("integers near 2^53, 2^54, 10^15, 10^16 and small integers") {
    for base in [9007199254740992.0, 18014398509481984.0, 1e15, 1e16] { around(base, 1_000_000) }
    for i in 1...1_000_000 { check(Double(i)); check(Double(i) / 1024); check(Double(i) * 0.5 + 0.25) }
}
group("near the notation switch points 1e-4 and 2^53") {
    for x in [1e-4, 0.00010000000000000002, 9.999999999999999e-5, 9007199254740992.0] { around(x, 1_000_000) }
}
group("random bit patterns") {
    var done = 0
    while done < random {
        let x = Double(bitPattern: next())
        if x.isFinite { check(x); done += 1 }
    }
}
print("total: \(checked) doubles checked, \(mismatches) mismatches")
if mismatches > 0 { exit(1) }
