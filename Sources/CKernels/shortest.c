// The shortest decimal that reads back to a double, in the characters of Swift's
// `Double.description` (see number_format.h for the layout rules).
//
// The digits come from Schubfach (R. Giulietti, "The Schubfach way to render doubles", 2020):
// scale the value and the two ends of its rounding interval by one 126-bit power of ten, rounded
// to odd, and pick the shortest decimal inside the interval. Java's version has two extra steps
// for its "at least two digits" rule (the s >= 100 guard and the tiny-subnormal rescaling); Swift
// has no such rule, so both are left out. scripts/check_shortest.sh compares this with Swift.
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
    for (int m = 0; m <= G_MAX; m++) {
        int length = bit_length(p); // 2^(length-1) <= 10^m < 2^length
        if (length <= 126) g_table[m - G_MIN] = (bits_from(p, 0) << (126 - length)) + 1;
        else g_table[m - G_MIN] = bits_from(p, length - 126) + 1;
        // 10^-m = 2^-(length+125) * 2^(length+125)/10^m, the last factor in [2^125, 2^126).
        if (m > 0 && -m >= G_MIN) g_table[-m - G_MIN] = bits_from(q, n - length - 125) + 1;
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

// The decimal f * 10^e picked for c * 2^q (c > 0): the shortest in the rounding interval, the
// one closest to the value among those, the even one on a tie. Ends in zeros only when shortest.
static uint64_t shortest(int q, uint64_t c, int *e) {
    const uint64_t c_min = (uint64_t)1 << 52;
    int out = (int)(c & 1);          // odd significands exclude the interval's ends
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
    uint64_t sp10 = 10 * (s / 10), tp10 = sp10 + 10;
    int upin = vbl + out <= sp10 << 2, wpin = (tp10 << 2) + out <= vbr;
    if (upin != wpin) { *e = k; return upin ? sp10 : tp10; }
    // Otherwise s or s + 1 (times 10^k); one of them lies inside, maybe both.
    uint64_t t = s + 1;
    int uin = vbl + out <= s << 2, win = (t << 2) + out <= vbr;
    *e = k;
    if (uin != win) return uin ? s : t;
    int64_t cmp = (int64_t)(vb - ((s + t) << 1));
    return cmp < 0 || (cmp == 0 && (s & 1) == 0) ? s : t;
}

// Eight decimal digits of y < 10^8 as ASCII, the first digit in the lowest byte (the first in
// memory on a little-endian machine): two 4-digit lanes, each split by 100 and then by 10, all
// lanes at once by multiplying with 2^20/100 and 2^10/10 rounded up (exact below 10^4 and 100).
static inline uint64_t eight_digits(uint32_t y) {
    uint64_t lanes = (y / 10000) | (uint64_t)(y % 10000) << 32;
    uint64_t hundreds = (lanes * 10486 >> 20) & 0x0000007F0000007F;
    uint64_t pairs = (lanes - 100 * hundreds) << 16 | hundreds;
    uint64_t tens = (pairs * 103 >> 10) & 0x000F000F000F000F;
    uint64_t digits = (pairs - 10 * tens) << 8 | tens | 0x3030303030303030;
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
    digits = __builtin_bswap64(digits);
#endif
    return digits;
}

static const uint64_t pow10_table[18] = {
    1, 10, 100, 1000, 10000, 100000, 1000000, 10000000, 100000000, 1000000000, 10000000000,
    100000000000, 1000000000000, 10000000000000, 100000000000000, 1000000000000000,
    10000000000000000, 100000000000000000};

static const char two_digits[201] =
    "00010203040506070809101112131415161718192021222324252627282930313233343536373839"
    "40414243444546474849505152535455565758596061626364656667686970717273747576777879"
    "8081828384858687888990919293949596979899";

// The g table is filled on first use; afterwards one load tells it is there.
static int g_ready;
static void fill_g_table_once(void) { fill_g_table(); __atomic_store_n(&g_ready, 1, __ATOMIC_RELEASE); }

int gk_shortest_double(char *dest, double x) {
    uint64_t bits;
    memcpy(&bits, &x, sizeof bits);
    uint64_t fraction = bits & (((uint64_t)1 << 52) - 1);
    int biased = (int)(bits >> 52) & 0x7ff;
    int negative = (int)(bits >> 63);
    // The text is built in t (the sign, then the number at body) and copied out in one piece.
    char t[64];
    t[0] = '-';
    char *body = t + negative;
    if (biased == 0x7ff) {
        if (fraction) { memcpy(dest, "nan", 3); return 3; }
        memcpy(body, "inf", 3);
        memcpy(dest, t, 4);
        return negative + 3;
    }
    if (biased == 0 && fraction == 0) {
        memcpy(body, "0.0", 3);
        memcpy(dest, t, 4);
        return negative + 3;
    }

    // x = c * 2^q exactly.
    uint64_t c = biased ? fraction | (uint64_t)1 << 52 : fraction;
    int q = biased ? biased - 1075 : -1074;
    // Swift writes exponent notation above 2^53 (the binade from 2^53 up except 2^53 itself,
    // where the last digit stops being a whole unit) and below 1e-4.
    int exponential = q > 1 || (q == 1 && fraction != 0);
    uint64_t f;
    int e;
    if (q < 0 && q > -53 && (c & (((uint64_t)1 << -q) - 1)) == 0) {
        f = c >> -q; e = 0;  // a whole number below 2^53: its own digits are the shortest
    } else {
        if (!__atomic_load_n(&g_ready, __ATOMIC_ACQUIRE)) pthread_once(&g_once, fill_g_table_once);
        f = shortest(q, c, &e);
    }
    while (f % 10 == 0) { f /= 10; e++; }
    int n = flog10_pow2(64 - __builtin_clzll(f));  // f has n or n + 1 digits
    if (f >= pow10_table[n]) n++;
    int exponent = e + n - 1;  // x = d.ddd * 10^exponent
    exponential |= exponent < -4;

    // z: four zeros, the n digits, zeros: the digits of every layout lie in it.
    char z[64];
    memset(z, '0', sizeof z);
    uint64_t scaled = f * pow10_table[17 - n];  // 17 digits, the last 17 - n zeros
    uint64_t first = scaled / 10000000000000000u, rest = scaled - first * 10000000000000000u;
    uint64_t high = rest / 100000000, low = rest - high * 100000000;
    z[4] = (char)('0' + first);
    uint64_t block = eight_digits((uint32_t)high);
    memcpy(z + 5, &block, 8);
    block = eight_digits((uint32_t)low);
    memcpy(z + 13, &block, 8);

    int length;
    if (exponential) {
        // d[.ddd]e±XX, at least two exponent digits.
        body[0] = z[4];
        body[1] = '.';
        memcpy(body + 2, z + 5, 16);
        char *p = body + n + (n > 1);
        *p++ = 'e';
        *p++ = exponent < 0 ? '-' : '+';
        unsigned a = (unsigned)(exponent < 0 ? -exponent : exponent);
        if (a >= 100) { *p++ = (char)('0' + a / 100); a %= 100; }
        memcpy(p, two_digits + 2 * a, 2);
        length = (int)(p + 2 - t);
    } else {
        // The whole part ("0" below 1) at z + 4 (z + 3), a point, then the fraction ("0" when
        // there is none) from z + 5 + exponent; -4 <= exponent <= 15.
        int whole = exponent < 0 ? 1 : exponent + 1, fraction_digits = n - exponent - 1;
        if (fraction_digits < 1) fraction_digits = 1;
        memcpy(body, z + (exponent < 0 ? 3 : 4), 16);
        body[whole] = '.';
        memcpy(body + whole + 1, z + 5 + exponent, 24);
        length = negative + whole + 1 + fraction_digits;
    }
    memcpy(dest, t, 32);
    return length;
}
