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

#endif
