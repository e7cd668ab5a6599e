// The entry points of torch_float32.h under the names of one build variant (VARIANT(name):
// name_portable or name_fma), for sleef_float32.c and torch_float32.c, which call each other.
// No include guard: each variant's translation unit includes it once.
float VARIANT(gk_sleef_expf)(float x);
void VARIANT(gk_sigmoid_f32)(long n, const double *x, double *out, long chunk);
void VARIANT(gk_silu_f32)(long n, const double *x, double *out, long chunk);
float VARIANT(gk_sleef_exp2f)(float x);
float VARIANT(gk_sleef_expm1f)(float x);
float VARIANT(gk_sleef_sinhf)(float x);
float VARIANT(gk_sleef_coshf)(float x);
float VARIANT(gk_sleef_logf)(float x);
float VARIANT(gk_sleef_log1pf)(float x);
float VARIANT(gk_sleef_atanhf)(float x);
float VARIANT(gk_sleef_powf)(float x, float y);
float VARIANT(gk_sleef_atan2f)(float y, float x);
float VARIANT(gk_sleef_tanhf)(float x);
float VARIANT(gk_sleef_lgammaf)(float x);
void VARIANT(gk_unary_f32)(gk_f32_unary_op op, long n, const double *x, double *out, long chunk);
void VARIANT(gk_softplus_f32)(long n, const double *x, double *out, long chunk, float beta, float threshold);
void VARIANT(gk_pow_scalar_f32)(long n, const double *x, double *out, long chunk, double exponent);
void VARIANT(gk_binary_f32)(gk_f32_binary_op op, long n, const double *a, const double *b, double *out, long chunk, long row);
void VARIANT(gk_gelu_tanh_f32)(long n, const double *x, double *out, long chunk);
void VARIANT(gk_elu_f32)(long n, const double *x, double *out, long chunk, float negcoef, float poscoef, float negiptcoef);
