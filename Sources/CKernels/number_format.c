#include <stdio.h>
#include "number_format.h"

int gk_format_general(char *buffer, size_t capacity, int precision, double x) {
    return snprintf(buffer, capacity, "%.*g", precision, x);
}

int gk_format_double(char *buffer, size_t capacity, const char *format, double x) {
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
    return snprintf(buffer, capacity, format, x);
#pragma GCC diagnostic pop
}
