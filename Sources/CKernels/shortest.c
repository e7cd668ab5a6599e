// The shortest decimal that reads back to a double, in the characters of Swift's
// `Double.description` (see number_format.h for the layout rules).
//
// The digits come from Dragonbox (J. Jeon, 2020) for most doubles and from Schubfach
// (R. Giulietti, "The Schubfach way to render doubles", 2020) for the powers of two, whose gap
// below is half the gap above: both find the shortest decimal in the value's rounding interval,
// the closest to the value among those, the even one on a tie, the interval's ends included when
// the significand is even, as Swift does. Java's Schubfach has two extra steps for its "at
// least two digits" rule (the s >= 100 guard and the tiny-subnormal rescaling); Swift has no such
// rule, so both are left out. The digits are then made eight at a time in one register and the
// text stored from registers in whole words. scripts/check_shortest.sh compares all this with
// Swift on 10^8 random doubles and 6 * 10^7 edge cases.
#include <pthread.h>
#include <stdint.h>
#include <string.h>
#include "number_format.h"

typedef unsigned __int128 u128;

// floor(log10(2^e)), floor(log10(3/4 2^e)) and floor(log2(10^e)) for the exponents used here
// (checked exactly over -1100 <= e < 1000 and -400 <= e < 400).
static inline int flog10_pow2(int e) { return (int)(((int64_t)e * 661971961083) >> 41); }
static inline int flog10_three_quarters_pow2(int e) { return (int)(((int64_t)e * 661971961083 - 274743187321) >> 41); }
static inline int flog2_pow10(int e) { return (int)(((int64_t)e * 913124641741) >> 38); }

// g[e + 292] = floor(10^e / 2^r) + 1, with r such that 2^125 <= g < 2^126, for -292 <= e <= 324:
// an upper bound of 10^e with 126 significant bits. Made once, exactly, from big integers.
enum { G_MIN = -292, G_MAX = 324, LIMBS = 40 };
static u128 g_table[G_MAX - G_MIN + 1];

// phi[e + 290] = 10^e rounded up to 128 significant bits (2^127 <= phi < 2^128), for
// -290 <= e <= 326: Dragonbox's table.
enum { PHI_MIN = -290, PHI_MAX = 326 };
static u128 phi_table[PHI_MAX - PHI_MIN + 1];
static pthread_once_t g_once = PTHREAD_ONCE_INIT;

// Bit length of a little-endian big integer of 32-bit limbs.
static int bit_length(const uint32_t *x) {
    for (int i = LIMBS - 1; i >= 0; i--)
        if (x[i]) return i * 32 + 32 - __builtin_clz(x[i]);
    return 0;
}

// floor(x / 2^shift) mod 2^128, for shift >= 0.
static u128 bits_from(const uint32_t *x, int shift) {
    u128 r = 0;
    for (int i = 3; i >= 0; i--) {
        int bit = shift + 32 * i, limb = bit / 32, off = bit % 32;
        uint64_t pair = limb < LIMBS ? x[limb] : 0;
        if (limb + 1 < LIMBS) pair |= (uint64_t)x[limb + 1] << 32;
        r = (r << 32) | (uint32_t)(pair >> off);
    }
    return r;
}

static void fill_g_table(void) {
    // p = 10^m, q = floor(2^N / 10^m) (dividing by 10 repeatedly keeps the floor exact).
    static uint32_t p[LIMBS], q[LIMBS];
    const int n = 32 * LIMBS - 1;
    memset(p, 0, sizeof p); memset(q, 0, sizeof q);
    p[0] = 1; q[LIMBS - 1] = 1u << 31;
    for (int m = 0; m <= PHI_MAX; m++) {
        int length = bit_length(p); // 2^(length-1) <= 10^m < 2^length
        if (m <= G_MAX) {
            if (length <= 126) g_table[m - G_MIN] = (bits_from(p, 0) << (126 - length)) + 1;
            else g_table[m - G_MIN] = bits_from(p, length - 126) + 1;
        }
        // 10^m = 5^m 2^m is exact in 128 bits while 5^m < 2^128, up to m = 55.
        if (length <= 128) phi_table[m - PHI_MIN] = bits_from(p, 0) << (128 - length);
        else phi_table[m - PHI_MIN] = bits_from(p, length - 128) + (m > 55);
        // 10^-m = 2^-(length+125) * 2^(length+125)/10^m, the last factor in [2^125, 2^126).
        if (m > 0 && -m >= G_MIN) g_table[-m - G_MIN] = bits_from(q, n - length - 125) + 1;
        if (m > 0 && -m >= PHI_MIN) phi_table[-m - PHI_MIN] = bits_from(q, n - length - 127) + 1;
        uint64_t carry = 0;
        for (int i = 0; i < LIMBS; i++) { carry += (uint64_t)p[i] * 10; p[i] = (uint32_t)carry; carry >>= 32; }
        uint64_t rest = 0;
        for (int i = LIMBS - 1; i >= 0; i--) { rest = (rest << 32) | q[i]; q[i] = (uint32_t)(rest / 10); rest %= 10; }
    }
}

// About g * cp / 2^127, rounded to odd (the last bit set when a fraction was cut off), computed
// as the paper does with g = g1 2^63 + g0: the parts of g0 * cp below 2^64 are dropped. Exact
// ties (v halfway between two candidates) need v = c 2^q with q + (trailing zero bits of c) =
// k - 1, so only occur for e = -k <= 24; there 5^e < 2^63 makes g0 exactly the "+ 1", which
// drops out, so the product is exact and a tie stays a tie. (The exact product of g would break
// such ties towards the larger candidate.) Elsewhere the paper shows the dropped parts never
// change a decision.
static inline uint64_t round_odd(u128 g, uint64_t cp) {
    uint64_t g1 = (uint64_t)(g >> 63), g0 = (uint64_t)g & (((uint64_t)1 << 63) - 1);
    uint64_t x1 = (uint64_t)(((u128)g0 * cp) >> 64);
    u128 y = (u128)g1 * cp;
    uint64_t z = ((uint64_t)y >> 1) + x1;
    uint64_t vbp = (uint64_t)(y >> 64) + (z >> 63);
    return vbp | ((z & (((uint64_t)1 << 63) - 1)) != 0);
}

// The decimal f * 10^e picked for c * 2^q (c > 0) by Schubfach: the shortest in the rounding
// interval, the one closest to the value among those, the even one on a tie. f may end in
// zeros. Used for the powers of two; dragonbox() below takes the rest, with fewer products.
static inline __attribute__((always_inline)) uint64_t shortest(int q, uint64_t c, int *e) {
    const uint64_t c_min = (uint64_t)1 << 52;
    uint64_t out = c & 1;            // odd significands exclude the interval's ends
    uint64_t cb = c << 2, cbr = cb + 2, cbl;
    int k;
    if (c != c_min || q == -1074) {  // the neighbours are equally far on both sides
        cbl = cb - 2;
        k = flog10_pow2(q);
    } else {                         // a power of two: the gap below is half the gap above
        cbl = cb - 1;
        k = flog10_three_quarters_pow2(q);
    }
    int h = q + flog2_pow10(-k) + 2;  // (cb << h) g / 2^127 is then about 4 c 2^q / 10^k
    u128 g = g_table[-k - G_MIN];
    uint64_t vb = round_odd(g, cb << h), vbl = round_odd(g, cbl << h), vbr = round_odd(g, cbr << h);
    // Four times the value and its interval's ends over 10^k; 10^k <= the interval's width < 10^(k+1).
    uint64_t s = vb >> 2;
    // At most one multiple of 10^(k+1) fits in the interval: if one does, it is the shortest.
    uint64_t s10 = s / 10, sp10 = 10 * s10, tp10 = sp10 + 10;
    int upin = vbl + out <= sp10 << 2, wpin = (tp10 << 2) + out <= vbr;
    // Otherwise s or s + 1 (times 10^k): one of them lies inside, maybe both (then the closer
    // to v, the even one on a tie). Neither is a multiple of 10 (that would be sp10 or tp10).
    uint64_t t = s + 1;
    int uin = vbl + out <= s << 2, win = (t << 2) + out <= vbr;
    int64_t cmp = (int64_t)(vb - ((s + t) << 1));
    int pick_s = uin && (!win || cmp < 0 || (cmp == 0 && (s & 1) == 0));
    // Selects rather than branches: which case applies is a coin toss for most data.
    int coarse = upin != wpin;
    *e = k + coarse;
    return coarse ? (upin ? s10 : s10 + 1) : pick_s ? s : t;
}

// The bit at the units of two_f 2^(beta - 1) phi / 2^128 (= two_f 2^(q-1) 10^k), and in `whole`
// whether the fraction after it is zero: from the low 128 bits of the product.
static inline int unit_parity(uint64_t two_f, uint64_t phi_high, uint64_t phi_low, int beta, int *whole) {
    u128 low = (u128)two_f * phi_low;
    uint64_t high = two_f * phi_high + (uint64_t)(low >> 64);
    *whole = ((high << beta) | ((uint64_t)low >> (64 - beta))) == 0;
    return (int)(high >> (64 - beta)) & 1;
}

// The same decimal by Dragonbox (J. Jeon, "Dragonbox: A New Floating-Point Binary-to-Decimal
// Conversion Algorithm", 2020), for all but the powers of two above the least normal (whose gap
// below is half the gap above; shortest() takes those): one 64 x 128-bit product gives the
// interval's upper end z scaled to about 19 digits, and a multiple of 1000 inside the interval is
// looked for first, then the nearest multiple of 100 to the value; further products only for
// the rare exact cases. Ties go to the even digit and the ends count when c is even, as above.
static inline __attribute__((always_inline)) uint64_t dragonbox(int q, uint64_t c, int *e) {
    int k = 2 - flog10_pow2(q);              // scale by 10^k
    u128 phi = phi_table[k - PHI_MIN];
    int beta = q + flog2_pow10(k);            // 5 <= beta <= 9
    uint64_t phi_high = (uint64_t)(phi >> 64), phi_low = (uint64_t)phi;
    uint64_t two_fc = c << 1;
    int include_ends = (c & 1) == 0;
    // z = (c + 1/2) 2^q 10^k: the top 64 bits of the product (and whether the rest is zero).
    uint64_t u = (two_fc | 1) << beta;
    u128 zr = (u128)u * phi_high + (((u128)u * phi_low) >> 64);
    uint64_t z = (uint64_t)(zr >> 64);
    int z_whole = (uint64_t)zr == 0;
    uint32_t delta = (uint32_t)(phi_high >> (63 - beta));  // the interval's width, 100 <= delta < 1000
    uint64_t s = z / 1000;
    uint32_t r = (uint32_t)(z - 1000 * s);
    // A multiple of 1000 inside the interval is the shortest (at most one fits); the ends are
    // exact cases, decided by further products. Both candidates are made and one is selected:
    // which applies is a coin toss for most data.
    int big = r < delta, whole;
    if (r == 0 && z_whole && !include_ends) { big = 0; s -= 1; r = 1000; }  // z itself, excluded
    if (r == delta) {  // the lower end: inside, or excluded for odd c
        int parity = unit_parity(two_fc - 1, phi_high, phi_low, beta, &whole);
        big = parity || (whole && include_ends);
    }
    // Otherwise the nearest multiple of 100 to the value y = z - delta / 2, up to a unit.
    uint64_t f = s * 10;
    uint32_t dist = r - delta / 2 + 50;
    int approx_parity = ((dist ^ 50) & 1) != 0;
    int divisible = dist % 100 == 0;
    f += dist / 100;
    if (divisible) {  // y is within a unit of a multiple of 100: its parity says which side
        int parity = unit_parity(two_fc, phi_high, phi_low, beta, &whole);
        if (parity != approx_parity) f -= 1;
        else if ((f & 1) && whole) f -= 1;  // a tie: the even one
    }
    *e = -k + 2 + big;
    return big ? s : f;
}

// The eight decimal digits of y < 10^8 as byte values 0..9, the first digit in the lowest byte
// (the first in memory on a little-endian machine): two 4-digit lanes, each split by 100 and then
// by 10, all lanes at once by multiplying with 2^20/100 and 2^10/10 rounded up (exact below 10^4
// and 100 respectively).
static inline uint64_t eight_digits(uint32_t y) {
    uint64_t lanes = (y / 10000) | (uint64_t)(y % 10000) << 32;
    uint64_t hundreds = (lanes * 10486 >> 20) & 0x0000007F0000007F;
    uint64_t pairs = (lanes - 100 * hundreds) << 16 | hundreds;
    uint64_t tens = (pairs * 103 >> 10) & 0x000F000F000F000F;
    return (pairs - 10 * tens) << 8 | tens;
}

static const uint64_t pow10_table[18] = {
    1, 10, 100, 1000, 10000, 100000, 1000000, 10000000, 100000000, 1000000000, 10000000000,
    100000000000, 1000000000000, 10000000000000, 100000000000000, 1000000000000000,
    10000000000000000, 100000000000000000};

static const char two_digits[201] =
    "00010203040506070809101112131415161718192021222324252627282930313233343536373839"
    "40414243444546474849505152535455565758596061626364656667686970717273747576777879"
    "8081828384858687888990919293949596979899";

#if __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "shortest.c builds text in little-endian words (x86-64, aarch64)"
#endif

// Up to 24 bytes held in registers: low is bytes 0..15 (little-endian), high bytes 16..23.
struct places { u128 low; uint64_t high; };

// The places from `from` on (1 <= from <= 16), zero bytes after them.
static inline struct places moved(struct places p, int from) {
    return (struct places){(p.low >> 4) >> (8 * from - 4) | (u128)p.high << (128 - 8 * from), 0};
}

// Byte values 0..9 as digits (and zero bytes as '0').
static inline struct places as_text(struct places p) {
    const uint64_t zeros = 0x3030303030303030;
    return (struct places){p.low | ((u128)zeros << 64 | zeros), p.high | zeros};
}

static inline void store(char *at, struct places p) {
    memcpy(at, &p.low, 16);
    memcpy(at + 16, &p.high, 8);
}

// The g table is filled on first use; afterwards one load tells it is there.
static int g_ready;
static void fill_g_table_once(void) { fill_g_table(); __atomic_store_n(&g_ready, 1, __ATOMIC_RELEASE); }

// The decimal picked for x: f * 10^e, f without trailing zeros, and whether Swift writes it
// with an exponent for its binade (`layout` adds the values below 1e-4).
struct decimal { uint64_t f; int e, exponential; };

// x = c * 2^q exactly, from its bits (finite, nonzero).
static inline void split(uint64_t bits, uint64_t *c, int *q) {
    uint64_t fraction = bits & (((uint64_t)1 << 52) - 1);
    int biased = (int)(bits >> 52) & 0x7ff;
    *c = biased ? fraction | (uint64_t)1 << 52 : fraction;
    *q = biased ? biased - 1075 : -1074;
}

// True when x = c * 2^q is a whole number taken as its own digits: below 2^52 (they are the
// shortest; above, Schubfach finds the same), and in JSON from 2^52 to 1e16, which JSON writes
// in full where Swift uses an exponent above 2^53.
static inline int whole_number(uint64_t c, int q, int json) {
    if (q < 0) return q > -53 && (c & (((uint64_t)1 << -q) - 1)) == 0;
    return json && (q == 0 || (q == 1 && c < (uint64_t)5000000000000000));
}

// Swift's exponent notation by binade: above 2^53 (the bits of a double's magnitude order as
// its values).
static inline int above_2_53(uint64_t bits) { return (bits & ~((uint64_t)1 << 63)) > 0x4340000000000000; }

// f without its trailing zeros (f < 10^17), eight, four, two, one at a time: 0.5 is found as
// 5 * 10^15 * 10^-16, whose zeros one at a time would be a chain of fifteen divisions.
static inline uint64_t strip_zeros(uint64_t f, int *e) {
    if (f % 10 != 0) return f;  // most numbers
    while (f % 100000000 == 0) { f /= 100000000; *e += 8; }
    if (f % 10000 == 0) { f /= 10000; *e += 4; }
    if (f % 100 == 0) { f /= 100; *e += 2; }
    if (f % 10 == 0) { f /= 10; *e += 1; }
    return f;
}

static inline __attribute__((always_inline)) struct decimal decimal_of(uint64_t bits, int json) {
    uint64_t c;
    int q;
    split(bits, &c, &q);
    struct decimal d = {0, 0, above_2_53(bits)};
    if (whole_number(c, q, json)) {
        d.f = q < 0 ? c >> -q : c << q;
        d.exponential = 0;
    } else {
        if (!__atomic_load_n(&g_ready, __ATOMIC_ACQUIRE)) pthread_once(&g_once, fill_g_table_once);
        d.f = c == (uint64_t)1 << 52 && q > -1074 ? shortest(q, c, &d.e) : dragonbox(q, c, &d.e);
    }
    d.f = strip_zeros(d.f, &d.e);
    return d;
}

// The number of digits of f > 0.
static inline int digit_count(uint64_t f) {
    int n = flog10_pow2(64 - __builtin_clzll(f));  // n or n + 1
    return n + (f >= pow10_table[n]);
}

// The n digits of f, then zeros, in 17 places as byte values 0..9.
static inline struct places places_of(uint64_t f, int n) {
    f *= pow10_table[17 - n];
    uint64_t first = f / 10000000000000000u, rest = f - first * 10000000000000000u;
    uint64_t high = eight_digits((uint32_t)(rest / 100000000)), low = eight_digits((uint32_t)(rest % 100000000));
    return (struct places){first | (u128)high << 8 | (u128)low << 72, low >> 56};
}

// Writes the decimal with n digits, which are p's first places, at dest (after a '-' when negative).
// The text is stored from registers, never read back: a load spanning several earlier stores
// would wait for them.
static inline __attribute__((always_inline)) int layout(char *dest, int negative, struct decimal d, int n, struct places p) {
    dest[0] = '-';  // kept only when negative: the number goes to body
    char *body = dest + negative;
    int exponent = d.e + n - 1;  // x = d.ddd * 10^exponent
    struct places digits = as_text(p);  // the n digits, then '0's
    if (d.exponential || exponent < -4) {
        // d[.ddd]e±XX, at least two exponent digits: the digits one place on, then the first
        // digit and the point over the first two bytes.
        store(body + 1, digits);
        body[0] = (char)digits.low;
        body[1] = '.';
        char *at = body + n + (n > 1);
        unsigned a = (unsigned)(exponent < 0 ? -exponent : exponent);
        uint64_t mark = 'e' | (uint64_t)(exponent < 0 ? '-' : '+') << 8;
        int length = 4;
        if (a >= 100) { mark |= (uint64_t)('0' + a / 100) << 16; a %= 100; length = 5; }
        uint16_t pair;
        memcpy(&pair, two_digits + 2 * a, 2);
        mark |= (uint64_t)pair << (8 * (length - 2));
        memcpy(at, &mark, 8);
        return (int)(at - dest) + length;
    }
    if (exponent < 0) {
        // 0.000ddd (-4 <= exponent <= -1)
        memcpy(body, "0.000000", 8);
        store(body + 1 - exponent, digits);
        return negative + 1 - exponent + n;
    }
    // ddd.ddd (0 <= exponent <= 15): all 17 digits, then the point after exponent + 1 of them
    // and the digits from there on shifted one place (a "0" fraction is the padding's zero).
    int whole = exponent + 1, fraction_digits = n > whole ? n - whole : 1;
    store(body, digits);
    body[whole] = '.';
    store(body + whole + 1, moved(digits, whole));
    return negative + whole + 1 + fraction_digits;
}

// Writes x at dest as Swift's description does, or with `json` as gradcli's JSON does: the
// non-finite values as the strings "NaN", "Infinity", "-Infinity" and whole numbers below 1e16
// without exponent (9007199254740994.0, where Swift writes 9.007199254740994e+15).
static inline __attribute__((always_inline)) int format(char *dest, double x, int json) {
    uint64_t bits;
    memcpy(&bits, &x, sizeof bits);
    int negative = (int)(bits >> 63);
    if ((bits >> 52 & 0x7ff) == 0x7ff) {  // infinity or NaN: rare, so no tricks
        const char *text = bits << 12 ? (json ? "\"NaN\"" : "nan")
                         : negative ? (json ? "\"-Infinity\"" : "-inf") : (json ? "\"Infinity\"" : "inf");
        size_t length = strlen(text);
        memcpy(dest, text, length);
        return (int)length;
    }
    if (bits << 1 == 0) {  // the NUL of "0.0" is a byte past the text
        memcpy(dest, negative ? "-0.0" : "0.0", 4);
        return 3 + negative;
    }
    struct decimal d = decimal_of(bits, json);
    int n = digit_count(d.f);
    return layout(dest, negative, d, n, places_of(d.f, n));
}

int gk_shortest_double(char *dest, double x) { return format(dest, x, 0); }

int gk_json_number(char *dest, double x) { return format(dest, x, 1); }

long gk_json_numbers(char *dest, const double *x, long count) {
    char *p = dest;
    for (long i = 0; i < count; i++) {
        p += format(p, x[i], 1);
        *p++ = ',';
    }
    return count > 0 ? (long)(p - dest) - 1 : 0;  // the last comma is left past the text
}
