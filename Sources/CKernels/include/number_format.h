#ifndef GRADCLI_NUMBER_FORMAT_H
#define GRADCLI_NUMBER_FORMAT_H

#include <stddef.h>

// Direct calls for formatting one number with printf: Swift's `withVaList` boxes each argument
// and casts it at run time, which on a short run costs more than the formatting itself.

/// Writes `x` as `%.*g` with `precision` significant digits into `buffer` (at most `capacity`
/// bytes, NUL-terminated) and returns what snprintf returns.
int gk_format_general(char *buffer, size_t capacity, int precision, double x);

/// Writes `x` through `format`, which must hold exactly one double conversion (`%.4f`, `%e`),
/// into `buffer` (at most `capacity` bytes, NUL-terminated); returns what snprintf returns.
int gk_format_double(char *buffer, size_t capacity, const char *format, double x);

/// Writes the text Swift's `Double.description` gives for `x` (shortest round-trip digits;
/// `1.0`, `0.0001`, `1e-05`, `1.2345e+16`, `5e-324`, `-0.0`, `inf`, `nan`) at `dest`, without a
/// NUL, and returns its length (at most 24). `dest` must have room for 48 bytes: the writer
/// stores whole blocks and may leave bytes past the text. Exponent notation is used below 1e-4
/// and above 2^53, with at least two exponent digits. See shortest.c.
int gk_shortest_double(char *dest, double x);

/// The same for gradcli's JSON: "NaN", "Infinity" and "-Infinity" (with the quotes) for the
/// non-finite values, and whole numbers below 1e16 without exponent (`9007199254740994.0`).
int gk_json_number(char *dest, double x);

/// Writes x[0], ..., x[count - 1] as gk_json_number does, separated by commas, and returns the
/// length. `dest` must have room for 25 bytes a number and 48 more.
long gk_json_numbers(char *dest, const double *x, long count);

#endif
