/* primtab.c — GENERATED from compiler/src/primitives.ts by compiler/src/backend/gen-runtime.ts; do not edit. */
#include "omnilisp.h"

static OValue omniK_add_entry(OState *S, OClosure *self, int argc, OValue *argv) {
  OValue r;
  (void)self;
  if (argc < 0) {
    omniF_drop_args(S, argc, argv);
    return omniE_arity(S, "+", 0, -1, argc);
  }
  r = omniP_add(S, argc, argv);
  omniF_drop_args(S, argc, argv);
  return r;
}
OClosure omniK_add = {{0, OT_CLOSURE, OF_IMMORTAL, 0}, omniK_add_entry, "+", 0, -1, 0};
static OValue omniK_sub_entry(OState *S, OClosure *self, int argc, OValue *argv) {
  OValue r;
  (void)self;
  if (argc < 1) {
    omniF_drop_args(S, argc, argv);
    return omniE_arity(S, "-", 1, -1, argc);
  }
  r = omniP_sub(S, argc, argv);
  omniF_drop_args(S, argc, argv);
  return r;
}
OClosure omniK_sub = {{0, OT_CLOSURE, OF_IMMORTAL, 0}, omniK_sub_entry, "-", 1, -1, 0};
static OValue omniK_mul_entry(OState *S, OClosure *self, int argc, OValue *argv) {
  OValue r;
  (void)self;
  if (argc < 0) {
    omniF_drop_args(S, argc, argv);
    return omniE_arity(S, "*", 0, -1, argc);
  }
  r = omniP_mul(S, argc, argv);
  omniF_drop_args(S, argc, argv);
  return r;
}
OClosure omniK_mul = {{0, OT_CLOSURE, OF_IMMORTAL, 0}, omniK_mul_entry, "*", 0, -1, 0};
static OValue omniK_div_entry(OState *S, OClosure *self, int argc, OValue *argv) {
  OValue r;
  (void)self;
  if (argc < 1) {
    omniF_drop_args(S, argc, argv);
    return omniE_arity(S, "/", 1, -1, argc);
  }
  r = omniP_div(S, argc, argv);
  omniF_drop_args(S, argc, argv);
  return r;
}
OClosure omniK_div = {{0, OT_CLOSURE, OF_IMMORTAL, 0}, omniK_div_entry, "/", 1, -1, 0};
static OValue omniK_quotient_entry(OState *S, OClosure *self, int argc, OValue *argv) {
  OValue r;
  (void)self;
  if (argc != 2) {
    omniF_drop_args(S, argc, argv);
    return omniE_arity(S, "quotient", 2, 2, argc);
  }
  r = omniP_quotient(S, argv[0], argv[1]);
  omniF_drop_args(S, argc, argv);
  return r;
}
OClosure omniK_quotient = {{0, OT_CLOSURE, OF_IMMORTAL, 0}, omniK_quotient_entry, "quotient", 2, 2, 0};
static OValue omniK_remainder_entry(OState *S, OClosure *self, int argc, OValue *argv) {
  OValue r;
  (void)self;
  if (argc != 2) {
    omniF_drop_args(S, argc, argv);
    return omniE_arity(S, "remainder", 2, 2, argc);
  }
  r = omniP_remainder(S, argv[0], argv[1]);
  omniF_drop_args(S, argc, argv);
  return r;
}
OClosure omniK_remainder = {{0, OT_CLOSURE, OF_IMMORTAL, 0}, omniK_remainder_entry, "remainder", 2, 2, 0};
static OValue omniK_modulo_entry(OState *S, OClosure *self, int argc, OValue *argv) {
  OValue r;
  (void)self;
  if (argc != 2) {
    omniF_drop_args(S, argc, argv);
    return omniE_arity(S, "modulo", 2, 2, argc);
  }
  r = omniP_modulo(S, argv[0], argv[1]);
  omniF_drop_args(S, argc, argv);
  return r;
}
OClosure omniK_modulo = {{0, OT_CLOSURE, OF_IMMORTAL, 0}, omniK_modulo_entry, "modulo", 2, 2, 0};
static OValue omniK_num_eq_entry(OState *S, OClosure *self, int argc, OValue *argv) {
  OValue r;
  (void)self;
  if (argc < 1) {
    omniF_drop_args(S, argc, argv);
    return omniE_arity(S, "=", 1, -1, argc);
  }
  r = omniP_num_eq(S, argc, argv);
  omniF_drop_args(S, argc, argv);
  return r;
}
OClosure omniK_num_eq = {{0, OT_CLOSURE, OF_IMMORTAL, 0}, omniK_num_eq_entry, "=", 1, -1, 0};
static OValue omniK_lt_entry(OState *S, OClosure *self, int argc, OValue *argv) {
  OValue r;
  (void)self;
  if (argc < 1) {
    omniF_drop_args(S, argc, argv);
    return omniE_arity(S, "<", 1, -1, argc);
  }
  r = omniP_lt(S, argc, argv);
  omniF_drop_args(S, argc, argv);
  return r;
}
OClosure omniK_lt = {{0, OT_CLOSURE, OF_IMMORTAL, 0}, omniK_lt_entry, "<", 1, -1, 0};
static OValue omniK_gt_entry(OState *S, OClosure *self, int argc, OValue *argv) {
  OValue r;
  (void)self;
  if (argc < 1) {
    omniF_drop_args(S, argc, argv);
    return omniE_arity(S, ">", 1, -1, argc);
  }
  r = omniP_gt(S, argc, argv);
  omniF_drop_args(S, argc, argv);
  return r;
}
OClosure omniK_gt = {{0, OT_CLOSURE, OF_IMMORTAL, 0}, omniK_gt_entry, ">", 1, -1, 0};
static OValue omniK_le_entry(OState *S, OClosure *self, int argc, OValue *argv) {
  OValue r;
  (void)self;
  if (argc < 1) {
    omniF_drop_args(S, argc, argv);
    return omniE_arity(S, "<=", 1, -1, argc);
  }
  r = omniP_le(S, argc, argv);
  omniF_drop_args(S, argc, argv);
  return r;
}
OClosure omniK_le = {{0, OT_CLOSURE, OF_IMMORTAL, 0}, omniK_le_entry, "<=", 1, -1, 0};
static OValue omniK_ge_entry(OState *S, OClosure *self, int argc, OValue *argv) {
  OValue r;
  (void)self;
  if (argc < 1) {
    omniF_drop_args(S, argc, argv);
    return omniE_arity(S, ">=", 1, -1, argc);
  }
  r = omniP_ge(S, argc, argv);
  omniF_drop_args(S, argc, argv);
  return r;
}
OClosure omniK_ge = {{0, OT_CLOSURE, OF_IMMORTAL, 0}, omniK_ge_entry, ">=", 1, -1, 0};
static OValue omniK_abs_entry(OState *S, OClosure *self, int argc, OValue *argv) {
  OValue r;
  (void)self;
  if (argc != 1) {
    omniF_drop_args(S, argc, argv);
    return omniE_arity(S, "abs", 1, 1, argc);
  }
  r = omniP_abs(S, argv[0]);
  omniF_drop_args(S, argc, argv);
  return r;
}
OClosure omniK_abs = {{0, OT_CLOSURE, OF_IMMORTAL, 0}, omniK_abs_entry, "abs", 1, 1, 0};
static OValue omniK_min_entry(OState *S, OClosure *self, int argc, OValue *argv) {
  OValue r;
  (void)self;
  if (argc < 1) {
    omniF_drop_args(S, argc, argv);
    return omniE_arity(S, "min", 1, -1, argc);
  }
  r = omniP_min(S, argc, argv);
  omniF_drop_args(S, argc, argv);
  return r;
}
OClosure omniK_min = {{0, OT_CLOSURE, OF_IMMORTAL, 0}, omniK_min_entry, "min", 1, -1, 0};
static OValue omniK_max_entry(OState *S, OClosure *self, int argc, OValue *argv) {
  OValue r;
  (void)self;
  if (argc < 1) {
    omniF_drop_args(S, argc, argv);
    return omniE_arity(S, "max", 1, -1, argc);
  }
  r = omniP_max(S, argc, argv);
  omniF_drop_args(S, argc, argv);
  return r;
}
OClosure omniK_max = {{0, OT_CLOSURE, OF_IMMORTAL, 0}, omniK_max_entry, "max", 1, -1, 0};
static OValue omniK_floor_entry(OState *S, OClosure *self, int argc, OValue *argv) {
  OValue r;
  (void)self;
  if (argc != 1) {
    omniF_drop_args(S, argc, argv);
    return omniE_arity(S, "floor", 1, 1, argc);
  }
  r = omniP_floor(S, argv[0]);
  omniF_drop_args(S, argc, argv);
  return r;
}
OClosure omniK_floor = {{0, OT_CLOSURE, OF_IMMORTAL, 0}, omniK_floor_entry, "floor", 1, 1, 0};
static OValue omniK_ceiling_entry(OState *S, OClosure *self, int argc, OValue *argv) {
  OValue r;
  (void)self;
  if (argc != 1) {
    omniF_drop_args(S, argc, argv);
    return omniE_arity(S, "ceiling", 1, 1, argc);
  }
  r = omniP_ceiling(S, argv[0]);
  omniF_drop_args(S, argc, argv);
  return r;
}
OClosure omniK_ceiling = {{0, OT_CLOSURE, OF_IMMORTAL, 0}, omniK_ceiling_entry, "ceiling", 1, 1, 0};
static OValue omniK_round_entry(OState *S, OClosure *self, int argc, OValue *argv) {
  OValue r;
  (void)self;
  if (argc != 1) {
    omniF_drop_args(S, argc, argv);
    return omniE_arity(S, "round", 1, 1, argc);
  }
  r = omniP_round(S, argv[0]);
  omniF_drop_args(S, argc, argv);
  return r;
}
OClosure omniK_round = {{0, OT_CLOSURE, OF_IMMORTAL, 0}, omniK_round_entry, "round", 1, 1, 0};
static OValue omniK_truncate_entry(OState *S, OClosure *self, int argc, OValue *argv) {
  OValue r;
  (void)self;
  if (argc != 1) {
    omniF_drop_args(S, argc, argv);
    return omniE_arity(S, "truncate", 1, 1, argc);
  }
  r = omniP_truncate(S, argv[0]);
  omniF_drop_args(S, argc, argv);
  return r;
}
OClosure omniK_truncate = {{0, OT_CLOSURE, OF_IMMORTAL, 0}, omniK_truncate_entry, "truncate", 1, 1, 0};
static OValue omniK_sqrt_entry(OState *S, OClosure *self, int argc, OValue *argv) {
  OValue r;
  (void)self;
  if (argc != 1) {
    omniF_drop_args(S, argc, argv);
    return omniE_arity(S, "sqrt", 1, 1, argc);
  }
  r = omniP_sqrt(S, argv[0]);
  omniF_drop_args(S, argc, argv);
  return r;
}
OClosure omniK_sqrt = {{0, OT_CLOSURE, OF_IMMORTAL, 0}, omniK_sqrt_entry, "sqrt", 1, 1, 0};
static OValue omniK_exp_entry(OState *S, OClosure *self, int argc, OValue *argv) {
  OValue r;
  (void)self;
  if (argc != 1) {
    omniF_drop_args(S, argc, argv);
    return omniE_arity(S, "exp", 1, 1, argc);
  }
  r = omniP_exp(S, argv[0]);
  omniF_drop_args(S, argc, argv);
  return r;
}
OClosure omniK_exp = {{0, OT_CLOSURE, OF_IMMORTAL, 0}, omniK_exp_entry, "exp", 1, 1, 0};
static OValue omniK_log_entry(OState *S, OClosure *self, int argc, OValue *argv) {
  OValue r;
  (void)self;
  if (argc != 1) {
    omniF_drop_args(S, argc, argv);
    return omniE_arity(S, "log", 1, 1, argc);
  }
  r = omniP_log(S, argv[0]);
  omniF_drop_args(S, argc, argv);
  return r;
}
OClosure omniK_log = {{0, OT_CLOSURE, OF_IMMORTAL, 0}, omniK_log_entry, "log", 1, 1, 0};
static OValue omniK_sin_entry(OState *S, OClosure *self, int argc, OValue *argv) {
  OValue r;
  (void)self;
  if (argc != 1) {
    omniF_drop_args(S, argc, argv);
    return omniE_arity(S, "sin", 1, 1, argc);
  }
  r = omniP_sin(S, argv[0]);
  omniF_drop_args(S, argc, argv);
  return r;
}
OClosure omniK_sin = {{0, OT_CLOSURE, OF_IMMORTAL, 0}, omniK_sin_entry, "sin", 1, 1, 0};
static OValue omniK_cos_entry(OState *S, OClosure *self, int argc, OValue *argv) {
  OValue r;
  (void)self;
  if (argc != 1) {
    omniF_drop_args(S, argc, argv);
    return omniE_arity(S, "cos", 1, 1, argc);
  }
  r = omniP_cos(S, argv[0]);
  omniF_drop_args(S, argc, argv);
  return r;
}
OClosure omniK_cos = {{0, OT_CLOSURE, OF_IMMORTAL, 0}, omniK_cos_entry, "cos", 1, 1, 0};
static OValue omniK_tan_entry(OState *S, OClosure *self, int argc, OValue *argv) {
  OValue r;
  (void)self;
  if (argc != 1) {
    omniF_drop_args(S, argc, argv);
    return omniE_arity(S, "tan", 1, 1, argc);
  }
  r = omniP_tan(S, argv[0]);
  omniF_drop_args(S, argc, argv);
  return r;
}
OClosure omniK_tan = {{0, OT_CLOSURE, OF_IMMORTAL, 0}, omniK_tan_entry, "tan", 1, 1, 0};
static OValue omniK_atan_entry(OState *S, OClosure *self, int argc, OValue *argv) {
  OValue r;
  (void)self;
  if (argc < 1 || argc > 2) {
    omniF_drop_args(S, argc, argv);
    return omniE_arity(S, "atan", 1, 2, argc);
  }
  r = omniP_atan(S, argc, argv);
  omniF_drop_args(S, argc, argv);
  return r;
}
OClosure omniK_atan = {{0, OT_CLOSURE, OF_IMMORTAL, 0}, omniK_atan_entry, "atan", 1, 2, 0};
static OValue omniK_expt_entry(OState *S, OClosure *self, int argc, OValue *argv) {
  OValue r;
  (void)self;
  if (argc != 2) {
    omniF_drop_args(S, argc, argv);
    return omniE_arity(S, "expt", 2, 2, argc);
  }
  r = omniP_expt(S, argv[0], argv[1]);
  omniF_drop_args(S, argc, argv);
  return r;
}
OClosure omniK_expt = {{0, OT_CLOSURE, OF_IMMORTAL, 0}, omniK_expt_entry, "expt", 2, 2, 0};
static OValue omniK_exact_to_inexact_entry(OState *S, OClosure *self, int argc, OValue *argv) {
  OValue r;
  (void)self;
  if (argc != 1) {
    omniF_drop_args(S, argc, argv);
    return omniE_arity(S, "exact->inexact", 1, 1, argc);
  }
  r = omniP_exact_to_inexact(S, argv[0]);
  omniF_drop_args(S, argc, argv);
  return r;
}
OClosure omniK_exact_to_inexact = {{0, OT_CLOSURE, OF_IMMORTAL, 0}, omniK_exact_to_inexact_entry, "exact->inexact", 1, 1, 0};
static OValue omniK_inexact_to_exact_entry(OState *S, OClosure *self, int argc, OValue *argv) {
  OValue r;
  (void)self;
  if (argc != 1) {
    omniF_drop_args(S, argc, argv);
    return omniE_arity(S, "inexact->exact", 1, 1, argc);
  }
  r = omniP_inexact_to_exact(S, argv[0]);
  omniF_drop_args(S, argc, argv);
  return r;
}
OClosure omniK_inexact_to_exact = {{0, OT_CLOSURE, OF_IMMORTAL, 0}, omniK_inexact_to_exact_entry, "inexact->exact", 1, 1, 0};
static OValue omniK_number_to_string_entry(OState *S, OClosure *self, int argc, OValue *argv) {
  OValue r;
  (void)self;
  if (argc < 1 || argc > 2) {
    omniF_drop_args(S, argc, argv);
    return omniE_arity(S, "number->string", 1, 2, argc);
  }
  r = omniP_number_to_string(S, argc, argv);
  omniF_drop_args(S, argc, argv);
  return r;
}
OClosure omniK_number_to_string = {{0, OT_CLOSURE, OF_IMMORTAL, 0}, omniK_number_to_string_entry, "number->string", 1, 2, 0};
static OValue omniK_string_to_number_entry(OState *S, OClosure *self, int argc, OValue *argv) {
  OValue r;
  (void)self;
  if (argc != 1) {
    omniF_drop_args(S, argc, argv);
    return omniE_arity(S, "string->number", 1, 1, argc);
  }
  r = omniP_string_to_number(S, argv[0]);
  omniF_drop_args(S, argc, argv);
  return r;
}
OClosure omniK_string_to_number = {{0, OT_CLOSURE, OF_IMMORTAL, 0}, omniK_string_to_number_entry, "string->number", 1, 1, 0};
static OValue omniK_zero_p_entry(OState *S, OClosure *self, int argc, OValue *argv) {
  OValue r;
  (void)self;
  if (argc != 1) {
    omniF_drop_args(S, argc, argv);
    return omniE_arity(S, "zero\077", 1, 1, argc);
  }
  r = omniP_zero_p(S, argv[0]);
  omniF_drop_args(S, argc, argv);
  return r;
}
OClosure omniK_zero_p = {{0, OT_CLOSURE, OF_IMMORTAL, 0}, omniK_zero_p_entry, "zero\077", 1, 1, 0};
static OValue omniK_positive_p_entry(OState *S, OClosure *self, int argc, OValue *argv) {
  OValue r;
  (void)self;
  if (argc != 1) {
    omniF_drop_args(S, argc, argv);
    return omniE_arity(S, "positive\077", 1, 1, argc);
  }
  r = omniP_positive_p(S, argv[0]);
  omniF_drop_args(S, argc, argv);
  return r;
}
OClosure omniK_positive_p = {{0, OT_CLOSURE, OF_IMMORTAL, 0}, omniK_positive_p_entry, "positive\077", 1, 1, 0};
static OValue omniK_negative_p_entry(OState *S, OClosure *self, int argc, OValue *argv) {
  OValue r;
  (void)self;
  if (argc != 1) {
    omniF_drop_args(S, argc, argv);
    return omniE_arity(S, "negative\077", 1, 1, argc);
  }
  r = omniP_negative_p(S, argv[0]);
  omniF_drop_args(S, argc, argv);
  return r;
}
OClosure omniK_negative_p = {{0, OT_CLOSURE, OF_IMMORTAL, 0}, omniK_negative_p_entry, "negative\077", 1, 1, 0};
static OValue omniK_even_p_entry(OState *S, OClosure *self, int argc, OValue *argv) {
  OValue r;
  (void)self;
  if (argc != 1) {
    omniF_drop_args(S, argc, argv);
    return omniE_arity(S, "even\077", 1, 1, argc);
  }
  r = omniP_even_p(S, argv[0]);
  omniF_drop_args(S, argc, argv);
  return r;
}
OClosure omniK_even_p = {{0, OT_CLOSURE, OF_IMMORTAL, 0}, omniK_even_p_entry, "even\077", 1, 1, 0};
static OValue omniK_odd_p_entry(OState *S, OClosure *self, int argc, OValue *argv) {
  OValue r;
  (void)self;
  if (argc != 1) {
    omniF_drop_args(S, argc, argv);
    return omniE_arity(S, "odd\077", 1, 1, argc);
  }
  r = omniP_odd_p(S, argv[0]);
  omniF_drop_args(S, argc, argv);
  return r;
}
OClosure omniK_odd_p = {{0, OT_CLOSURE, OF_IMMORTAL, 0}, omniK_odd_p_entry, "odd\077", 1, 1, 0};
static OValue omniK_number_p_entry(OState *S, OClosure *self, int argc, OValue *argv) {
  OValue r;
  (void)self;
  if (argc != 1) {
    omniF_drop_args(S, argc, argv);
    return omniE_arity(S, "number\077", 1, 1, argc);
  }
  r = omniP_number_p(S, argv[0]);
  omniF_drop_args(S, argc, argv);
  return r;
}
OClosure omniK_number_p = {{0, OT_CLOSURE, OF_IMMORTAL, 0}, omniK_number_p_entry, "number\077", 1, 1, 0};
static OValue omniK_int_p_entry(OState *S, OClosure *self, int argc, OValue *argv) {
  OValue r;
  (void)self;
  if (argc != 1) {
    omniF_drop_args(S, argc, argv);
    return omniE_arity(S, "int\077", 1, 1, argc);
  }
  r = omniP_int_p(S, argv[0]);
  omniF_drop_args(S, argc, argv);
  return r;
}
OClosure omniK_int_p = {{0, OT_CLOSURE, OF_IMMORTAL, 0}, omniK_int_p_entry, "int\077", 1, 1, 0};
static OValue omniK_float_p_entry(OState *S, OClosure *self, int argc, OValue *argv) {
  OValue r;
  (void)self;
  if (argc != 1) {
    omniF_drop_args(S, argc, argv);
    return omniE_arity(S, "float\077", 1, 1, argc);
  }
  r = omniP_float_p(S, argv[0]);
  omniF_drop_args(S, argc, argv);
  return r;
}
OClosure omniK_float_p = {{0, OT_CLOSURE, OF_IMMORTAL, 0}, omniK_float_p_entry, "float\077", 1, 1, 0};
static OValue omniK_random_entry(OState *S, OClosure *self, int argc, OValue *argv) {
  OValue r;
  (void)self;
  if (argc != 1) {
    omniF_drop_args(S, argc, argv);
    return omniE_arity(S, "random", 1, 1, argc);
  }
  r = omniP_random(S, argv[0]);
  omniF_drop_args(S, argc, argv);
  return r;
}
OClosure omniK_random = {{0, OT_CLOSURE, OF_IMMORTAL, 0}, omniK_random_entry, "random", 1, 1, 0};
static OValue omniK_random_seed_x_entry(OState *S, OClosure *self, int argc, OValue *argv) {
  OValue r;
  (void)self;
  if (argc != 1) {
    omniF_drop_args(S, argc, argv);
    return omniE_arity(S, "random-seed!", 1, 1, argc);
  }
  r = omniP_random_seed_x(S, argv[0]);
  omniF_drop_args(S, argc, argv);
  return r;
}
OClosure omniK_random_seed_x = {{0, OT_CLOSURE, OF_IMMORTAL, 0}, omniK_random_seed_x_entry, "random-seed!", 1, 1, 0};
static OValue omniK_eq_p_entry(OState *S, OClosure *self, int argc, OValue *argv) {
  OValue r;
  (void)self;
  if (argc != 2) {
    omniF_drop_args(S, argc, argv);
    return omniE_arity(S, "eq\077", 2, 2, argc);
  }
  r = omniP_eq_p(S, argv[0], argv[1]);
  omniF_drop_args(S, argc, argv);
  return r;
}
OClosure omniK_eq_p = {{0, OT_CLOSURE, OF_IMMORTAL, 0}, omniK_eq_p_entry, "eq\077", 2, 2, 0};
static OValue omniK_eqv_p_entry(OState *S, OClosure *self, int argc, OValue *argv) {
  OValue r;
  (void)self;
  if (argc != 2) {
    omniF_drop_args(S, argc, argv);
    return omniE_arity(S, "eqv\077", 2, 2, argc);
  }
  r = omniP_eqv_p(S, argv[0], argv[1]);
  omniF_drop_args(S, argc, argv);
  return r;
}
OClosure omniK_eqv_p = {{0, OT_CLOSURE, OF_IMMORTAL, 0}, omniK_eqv_p_entry, "eqv\077", 2, 2, 0};
static OValue omniK_equal_p_entry(OState *S, OClosure *self, int argc, OValue *argv) {
  OValue r;
  (void)self;
  if (argc != 2) {
    omniF_drop_args(S, argc, argv);
    return omniE_arity(S, "equal\077", 2, 2, argc);
  }
  r = omniP_equal_p(S, argv[0], argv[1]);
  omniF_drop_args(S, argc, argv);
  return r;
}
OClosure omniK_equal_p = {{0, OT_CLOSURE, OF_IMMORTAL, 0}, omniK_equal_p_entry, "equal\077", 2, 2, 0};
static OValue omniK_not_entry(OState *S, OClosure *self, int argc, OValue *argv) {
  OValue r;
  (void)self;
  if (argc != 1) {
    omniF_drop_args(S, argc, argv);
    return omniE_arity(S, "not", 1, 1, argc);
  }
  r = omniP_not(S, argv[0]);
  omniF_drop_args(S, argc, argv);
  return r;
}
OClosure omniK_not = {{0, OT_CLOSURE, OF_IMMORTAL, 0}, omniK_not_entry, "not", 1, 1, 0};
static OValue omniK_cons_entry(OState *S, OClosure *self, int argc, OValue *argv) {
  OValue r;
  (void)self;
  if (argc != 2) {
    omniF_drop_args(S, argc, argv);
    return omniE_arity(S, "cons", 2, 2, argc);
  }
  r = omniP_cons(S, argv[0], argv[1]);
  omniF_drop_args(S, argc, argv);
  return r;
}
OClosure omniK_cons = {{0, OT_CLOSURE, OF_IMMORTAL, 0}, omniK_cons_entry, "cons", 2, 2, 0};
static OValue omniK_car_entry(OState *S, OClosure *self, int argc, OValue *argv) {
  OValue r;
  (void)self;
  if (argc != 1) {
    omniF_drop_args(S, argc, argv);
    return omniE_arity(S, "car", 1, 1, argc);
  }
  r = omniP_car(S, argv[0]);
  omniF_drop_args(S, argc, argv);
  return r;
}
OClosure omniK_car = {{0, OT_CLOSURE, OF_IMMORTAL, 0}, omniK_car_entry, "car", 1, 1, 0};
static OValue omniK_cdr_entry(OState *S, OClosure *self, int argc, OValue *argv) {
  OValue r;
  (void)self;
  if (argc != 1) {
    omniF_drop_args(S, argc, argv);
    return omniE_arity(S, "cdr", 1, 1, argc);
  }
  r = omniP_cdr(S, argv[0]);
  omniF_drop_args(S, argc, argv);
  return r;
}
OClosure omniK_cdr = {{0, OT_CLOSURE, OF_IMMORTAL, 0}, omniK_cdr_entry, "cdr", 1, 1, 0};
static OValue omniK_caar_entry(OState *S, OClosure *self, int argc, OValue *argv) {
  OValue r;
  (void)self;
  if (argc != 1) {
    omniF_drop_args(S, argc, argv);
    return omniE_arity(S, "caar", 1, 1, argc);
  }
  r = omniP_caar(S, argv[0]);
  omniF_drop_args(S, argc, argv);
  return r;
}
OClosure omniK_caar = {{0, OT_CLOSURE, OF_IMMORTAL, 0}, omniK_caar_entry, "caar", 1, 1, 0};
static OValue omniK_cadr_entry(OState *S, OClosure *self, int argc, OValue *argv) {
  OValue r;
  (void)self;
  if (argc != 1) {
    omniF_drop_args(S, argc, argv);
    return omniE_arity(S, "cadr", 1, 1, argc);
  }
  r = omniP_cadr(S, argv[0]);
  omniF_drop_args(S, argc, argv);
  return r;
}
OClosure omniK_cadr = {{0, OT_CLOSURE, OF_IMMORTAL, 0}, omniK_cadr_entry, "cadr", 1, 1, 0};
static OValue omniK_cdar_entry(OState *S, OClosure *self, int argc, OValue *argv) {
  OValue r;
  (void)self;
  if (argc != 1) {
    omniF_drop_args(S, argc, argv);
    return omniE_arity(S, "cdar", 1, 1, argc);
  }
  r = omniP_cdar(S, argv[0]);
  omniF_drop_args(S, argc, argv);
  return r;
}
OClosure omniK_cdar = {{0, OT_CLOSURE, OF_IMMORTAL, 0}, omniK_cdar_entry, "cdar", 1, 1, 0};
static OValue omniK_cddr_entry(OState *S, OClosure *self, int argc, OValue *argv) {
  OValue r;
  (void)self;
  if (argc != 1) {
    omniF_drop_args(S, argc, argv);
    return omniE_arity(S, "cddr", 1, 1, argc);
  }
  r = omniP_cddr(S, argv[0]);
  omniF_drop_args(S, argc, argv);
  return r;
}
OClosure omniK_cddr = {{0, OT_CLOSURE, OF_IMMORTAL, 0}, omniK_cddr_entry, "cddr", 1, 1, 0};
static OValue omniK_caddr_entry(OState *S, OClosure *self, int argc, OValue *argv) {
  OValue r;
  (void)self;
  if (argc != 1) {
    omniF_drop_args(S, argc, argv);
    return omniE_arity(S, "caddr", 1, 1, argc);
  }
  r = omniP_caddr(S, argv[0]);
  omniF_drop_args(S, argc, argv);
  return r;
}
OClosure omniK_caddr = {{0, OT_CLOSURE, OF_IMMORTAL, 0}, omniK_caddr_entry, "caddr", 1, 1, 0};
static OValue omniK_first_entry(OState *S, OClosure *self, int argc, OValue *argv) {
  OValue r;
  (void)self;
  if (argc != 1) {
    omniF_drop_args(S, argc, argv);
    return omniE_arity(S, "first", 1, 1, argc);
  }
  r = omniP_first(S, argv[0]);
  omniF_drop_args(S, argc, argv);
  return r;
}
OClosure omniK_first = {{0, OT_CLOSURE, OF_IMMORTAL, 0}, omniK_first_entry, "first", 1, 1, 0};
static OValue omniK_second_entry(OState *S, OClosure *self, int argc, OValue *argv) {
  OValue r;
  (void)self;
  if (argc != 1) {
    omniF_drop_args(S, argc, argv);
    return omniE_arity(S, "second", 1, 1, argc);
  }
  r = omniP_second(S, argv[0]);
  omniF_drop_args(S, argc, argv);
  return r;
}
OClosure omniK_second = {{0, OT_CLOSURE, OF_IMMORTAL, 0}, omniK_second_entry, "second", 1, 1, 0};
static OValue omniK_third_entry(OState *S, OClosure *self, int argc, OValue *argv) {
  OValue r;
  (void)self;
  if (argc != 1) {
    omniF_drop_args(S, argc, argv);
    return omniE_arity(S, "third", 1, 1, argc);
  }
  r = omniP_third(S, argv[0]);
  omniF_drop_args(S, argc, argv);
  return r;
}
OClosure omniK_third = {{0, OT_CLOSURE, OF_IMMORTAL, 0}, omniK_third_entry, "third", 1, 1, 0};
static OValue omniK_rest_entry(OState *S, OClosure *self, int argc, OValue *argv) {
  OValue r;
  (void)self;
  if (argc != 1) {
    omniF_drop_args(S, argc, argv);
    return omniE_arity(S, "rest", 1, 1, argc);
  }
  r = omniP_rest(S, argv[0]);
  omniF_drop_args(S, argc, argv);
  return r;
}
OClosure omniK_rest = {{0, OT_CLOSURE, OF_IMMORTAL, 0}, omniK_rest_entry, "rest", 1, 1, 0};
static OValue omniK_list_entry(OState *S, OClosure *self, int argc, OValue *argv) {
  OValue r;
  (void)self;
  if (argc < 0) {
    omniF_drop_args(S, argc, argv);
    return omniE_arity(S, "list", 0, -1, argc);
  }
  r = omniP_list(S, argc, argv);
  omniF_drop_args(S, argc, argv);
  return r;
}
OClosure omniK_list = {{0, OT_CLOSURE, OF_IMMORTAL, 0}, omniK_list_entry, "list", 0, -1, 0};
static OValue omniK_list_p_entry(OState *S, OClosure *self, int argc, OValue *argv) {
  OValue r;
  (void)self;
  if (argc != 1) {
    omniF_drop_args(S, argc, argv);
    return omniE_arity(S, "list\077", 1, 1, argc);
  }
  r = omniP_list_p(S, argv[0]);
  omniF_drop_args(S, argc, argv);
  return r;
}
OClosure omniK_list_p = {{0, OT_CLOSURE, OF_IMMORTAL, 0}, omniK_list_p_entry, "list\077", 1, 1, 0};
static OValue omniK_pair_p_entry(OState *S, OClosure *self, int argc, OValue *argv) {
  OValue r;
  (void)self;
  if (argc != 1) {
    omniF_drop_args(S, argc, argv);
    return omniE_arity(S, "pair\077", 1, 1, argc);
  }
  r = omniP_pair_p(S, argv[0]);
  omniF_drop_args(S, argc, argv);
  return r;
}
OClosure omniK_pair_p = {{0, OT_CLOSURE, OF_IMMORTAL, 0}, omniK_pair_p_entry, "pair\077", 1, 1, 0};
static OValue omniK_null_p_entry(OState *S, OClosure *self, int argc, OValue *argv) {
  OValue r;
  (void)self;
  if (argc != 1) {
    omniF_drop_args(S, argc, argv);
    return omniE_arity(S, "null\077", 1, 1, argc);
  }
  r = omniP_null_p(S, argv[0]);
  omniF_drop_args(S, argc, argv);
  return r;
}
OClosure omniK_null_p = {{0, OT_CLOSURE, OF_IMMORTAL, 0}, omniK_null_p_entry, "null\077", 1, 1, 0};
static OValue omniK_nil_p_entry(OState *S, OClosure *self, int argc, OValue *argv) {
  OValue r;
  (void)self;
  if (argc != 1) {
    omniF_drop_args(S, argc, argv);
    return omniE_arity(S, "nil\077", 1, 1, argc);
  }
  r = omniP_nil_p(S, argv[0]);
  omniF_drop_args(S, argc, argv);
  return r;
}
OClosure omniK_nil_p = {{0, OT_CLOSURE, OF_IMMORTAL, 0}, omniK_nil_p_entry, "nil\077", 1, 1, 0};
static OValue omniK_length_entry(OState *S, OClosure *self, int argc, OValue *argv) {
  OValue r;
  (void)self;
  if (argc != 1) {
    omniF_drop_args(S, argc, argv);
    return omniE_arity(S, "length", 1, 1, argc);
  }
  r = omniP_length(S, argv[0]);
  omniF_drop_args(S, argc, argv);
  return r;
}
OClosure omniK_length = {{0, OT_CLOSURE, OF_IMMORTAL, 0}, omniK_length_entry, "length", 1, 1, 0};
static OValue omniK_append_entry(OState *S, OClosure *self, int argc, OValue *argv) {
  OValue r;
  (void)self;
  if (argc < 0) {
    omniF_drop_args(S, argc, argv);
    return omniE_arity(S, "append", 0, -1, argc);
  }
  r = omniP_append(S, argc, argv);
  omniF_drop_args(S, argc, argv);
  return r;
}
OClosure omniK_append = {{0, OT_CLOSURE, OF_IMMORTAL, 0}, omniK_append_entry, "append", 0, -1, 0};
static OValue omniK_reverse_entry(OState *S, OClosure *self, int argc, OValue *argv) {
  OValue r;
  (void)self;
  if (argc != 1) {
    omniF_drop_args(S, argc, argv);
    return omniE_arity(S, "reverse", 1, 1, argc);
  }
  r = omniP_reverse(S, argv[0]);
  omniF_drop_args(S, argc, argv);
  return r;
}
OClosure omniK_reverse = {{0, OT_CLOSURE, OF_IMMORTAL, 0}, omniK_reverse_entry, "reverse", 1, 1, 0};
static OValue omniK_list_ref_entry(OState *S, OClosure *self, int argc, OValue *argv) {
  OValue r;
  (void)self;
  if (argc != 2) {
    omniF_drop_args(S, argc, argv);
    return omniE_arity(S, "list-ref", 2, 2, argc);
  }
  r = omniP_list_ref(S, argv[0], argv[1]);
  omniF_drop_args(S, argc, argv);
  return r;
}
OClosure omniK_list_ref = {{0, OT_CLOSURE, OF_IMMORTAL, 0}, omniK_list_ref_entry, "list-ref", 2, 2, 0};
static OValue omniK_list_tail_entry(OState *S, OClosure *self, int argc, OValue *argv) {
  OValue r;
  (void)self;
  if (argc != 2) {
    omniF_drop_args(S, argc, argv);
    return omniE_arity(S, "list-tail", 2, 2, argc);
  }
  r = omniP_list_tail(S, argv[0], argv[1]);
  omniF_drop_args(S, argc, argv);
  return r;
}
OClosure omniK_list_tail = {{0, OT_CLOSURE, OF_IMMORTAL, 0}, omniK_list_tail_entry, "list-tail", 2, 2, 0};
static OValue omniK_last_entry(OState *S, OClosure *self, int argc, OValue *argv) {
  OValue r;
  (void)self;
  if (argc != 1) {
    omniF_drop_args(S, argc, argv);
    return omniE_arity(S, "last", 1, 1, argc);
  }
  r = omniP_last(S, argv[0]);
  omniF_drop_args(S, argc, argv);
  return r;
}
OClosure omniK_last = {{0, OT_CLOSURE, OF_IMMORTAL, 0}, omniK_last_entry, "last", 1, 1, 0};
static OValue omniK_member_entry(OState *S, OClosure *self, int argc, OValue *argv) {
  OValue r;
  (void)self;
  if (argc != 2) {
    omniF_drop_args(S, argc, argv);
    return omniE_arity(S, "member", 2, 2, argc);
  }
  r = omniP_member(S, argv[0], argv[1]);
  omniF_drop_args(S, argc, argv);
  return r;
}
OClosure omniK_member = {{0, OT_CLOSURE, OF_IMMORTAL, 0}, omniK_member_entry, "member", 2, 2, 0};
static OValue omniK_memq_entry(OState *S, OClosure *self, int argc, OValue *argv) {
  OValue r;
  (void)self;
  if (argc != 2) {
    omniF_drop_args(S, argc, argv);
    return omniE_arity(S, "memq", 2, 2, argc);
  }
  r = omniP_memq(S, argv[0], argv[1]);
  omniF_drop_args(S, argc, argv);
  return r;
}
OClosure omniK_memq = {{0, OT_CLOSURE, OF_IMMORTAL, 0}, omniK_memq_entry, "memq", 2, 2, 0};
static OValue omniK_assoc_entry(OState *S, OClosure *self, int argc, OValue *argv) {
  OValue r;
  (void)self;
  if (argc != 2) {
    omniF_drop_args(S, argc, argv);
    return omniE_arity(S, "assoc", 2, 2, argc);
  }
  r = omniP_assoc(S, argv[0], argv[1]);
  omniF_drop_args(S, argc, argv);
  return r;
}
OClosure omniK_assoc = {{0, OT_CLOSURE, OF_IMMORTAL, 0}, omniK_assoc_entry, "assoc", 2, 2, 0};
static OValue omniK_assq_entry(OState *S, OClosure *self, int argc, OValue *argv) {
  OValue r;
  (void)self;
  if (argc != 2) {
    omniF_drop_args(S, argc, argv);
    return omniE_arity(S, "assq", 2, 2, argc);
  }
  r = omniP_assq(S, argv[0], argv[1]);
  omniF_drop_args(S, argc, argv);
  return r;
}
OClosure omniK_assq = {{0, OT_CLOSURE, OF_IMMORTAL, 0}, omniK_assq_entry, "assq", 2, 2, 0};
static OValue omniK_map_entry(OState *S, OClosure *self, int argc, OValue *argv) {
  OValue r;
  (void)self;
  if (argc < 2) {
    omniF_drop_args(S, argc, argv);
    return omniE_arity(S, "map", 2, -1, argc);
  }
  r = omniP_map(S, argc, argv);
  omniF_drop_args(S, argc, argv);
  return r;
}
OClosure omniK_map = {{0, OT_CLOSURE, OF_IMMORTAL, 0}, omniK_map_entry, "map", 2, -1, 0};
static OValue omniK_for_each_entry(OState *S, OClosure *self, int argc, OValue *argv) {
  OValue r;
  (void)self;
  if (argc < 2) {
    omniF_drop_args(S, argc, argv);
    return omniE_arity(S, "for-each", 2, -1, argc);
  }
  r = omniP_for_each(S, argc, argv);
  omniF_drop_args(S, argc, argv);
  return r;
}
OClosure omniK_for_each = {{0, OT_CLOSURE, OF_IMMORTAL, 0}, omniK_for_each_entry, "for-each", 2, -1, 0};
static OValue omniK_filter_entry(OState *S, OClosure *self, int argc, OValue *argv) {
  OValue r;
  (void)self;
  if (argc != 2) {
    omniF_drop_args(S, argc, argv);
    return omniE_arity(S, "filter", 2, 2, argc);
  }
  r = omniP_filter(S, argv[0], argv[1]);
  omniF_drop_args(S, argc, argv);
  return r;
}
OClosure omniK_filter = {{0, OT_CLOSURE, OF_IMMORTAL, 0}, omniK_filter_entry, "filter", 2, 2, 0};
static OValue omniK_remove_entry(OState *S, OClosure *self, int argc, OValue *argv) {
  OValue r;
  (void)self;
  if (argc != 2) {
    omniF_drop_args(S, argc, argv);
    return omniE_arity(S, "remove", 2, 2, argc);
  }
  r = omniP_remove(S, argv[0], argv[1]);
  omniF_drop_args(S, argc, argv);
  return r;
}
OClosure omniK_remove = {{0, OT_CLOSURE, OF_IMMORTAL, 0}, omniK_remove_entry, "remove", 2, 2, 0};
static OValue omniK_reduce_entry(OState *S, OClosure *self, int argc, OValue *argv) {
  OValue r;
  (void)self;
  if (argc != 2) {
    omniF_drop_args(S, argc, argv);
    return omniE_arity(S, "reduce", 2, 2, argc);
  }
  r = omniP_reduce(S, argv[0], argv[1]);
  omniF_drop_args(S, argc, argv);
  return r;
}
OClosure omniK_reduce = {{0, OT_CLOSURE, OF_IMMORTAL, 0}, omniK_reduce_entry, "reduce", 2, 2, 0};
static OValue omniK_fold_entry(OState *S, OClosure *self, int argc, OValue *argv) {
  OValue r;
  (void)self;
  if (argc != 3) {
    omniF_drop_args(S, argc, argv);
    return omniE_arity(S, "fold", 3, 3, argc);
  }
  r = omniP_fold(S, argv[0], argv[1], argv[2]);
  omniF_drop_args(S, argc, argv);
  return r;
}
OClosure omniK_fold = {{0, OT_CLOSURE, OF_IMMORTAL, 0}, omniK_fold_entry, "fold", 3, 3, 0};
static OValue omniK_foldr_entry(OState *S, OClosure *self, int argc, OValue *argv) {
  OValue r;
  (void)self;
  if (argc != 3) {
    omniF_drop_args(S, argc, argv);
    return omniE_arity(S, "foldr", 3, 3, argc);
  }
  r = omniP_foldr(S, argv[0], argv[1], argv[2]);
  omniF_drop_args(S, argc, argv);
  return r;
}
OClosure omniK_foldr = {{0, OT_CLOSURE, OF_IMMORTAL, 0}, omniK_foldr_entry, "foldr", 3, 3, 0};
static OValue omniK_range_entry(OState *S, OClosure *self, int argc, OValue *argv) {
  OValue r;
  (void)self;
  if (argc < 1 || argc > 3) {
    omniF_drop_args(S, argc, argv);
    return omniE_arity(S, "range", 1, 3, argc);
  }
  r = omniP_range(S, argc, argv);
  omniF_drop_args(S, argc, argv);
  return r;
}
OClosure omniK_range = {{0, OT_CLOSURE, OF_IMMORTAL, 0}, omniK_range_entry, "range", 1, 3, 0};
static OValue omniK_take_entry(OState *S, OClosure *self, int argc, OValue *argv) {
  OValue r;
  (void)self;
  if (argc != 2) {
    omniF_drop_args(S, argc, argv);
    return omniE_arity(S, "take", 2, 2, argc);
  }
  r = omniP_take(S, argv[0], argv[1]);
  omniF_drop_args(S, argc, argv);
  return r;
}
OClosure omniK_take = {{0, OT_CLOSURE, OF_IMMORTAL, 0}, omniK_take_entry, "take", 2, 2, 0};
static OValue omniK_drop_entry(OState *S, OClosure *self, int argc, OValue *argv) {
  OValue r;
  (void)self;
  if (argc != 2) {
    omniF_drop_args(S, argc, argv);
    return omniE_arity(S, "drop", 2, 2, argc);
  }
  r = omniP_drop(S, argv[0], argv[1]);
  omniF_drop_args(S, argc, argv);
  return r;
}
OClosure omniK_drop = {{0, OT_CLOSURE, OF_IMMORTAL, 0}, omniK_drop_entry, "drop", 2, 2, 0};
static OValue omniK_zip_entry(OState *S, OClosure *self, int argc, OValue *argv) {
  OValue r;
  (void)self;
  if (argc < 1) {
    omniF_drop_args(S, argc, argv);
    return omniE_arity(S, "zip", 1, -1, argc);
  }
  r = omniP_zip(S, argc, argv);
  omniF_drop_args(S, argc, argv);
  return r;
}
OClosure omniK_zip = {{0, OT_CLOSURE, OF_IMMORTAL, 0}, omniK_zip_entry, "zip", 1, -1, 0};
static OValue omniK_apply_entry(OState *S, OClosure *self, int argc, OValue *argv) {
  OValue r;
  (void)self;
  if (argc < 2) {
    omniF_drop_args(S, argc, argv);
    return omniE_arity(S, "apply", 2, -1, argc);
  }
  r = omniP_apply(S, argc, argv);
  omniF_drop_args(S, argc, argv);
  return r;
}
OClosure omniK_apply = {{0, OT_CLOSURE, OF_IMMORTAL, 0}, omniK_apply_entry, "apply", 2, -1, 0};
static OValue omniK_sort_entry(OState *S, OClosure *self, int argc, OValue *argv) {
  OValue r;
  (void)self;
  if (argc != 2) {
    omniF_drop_args(S, argc, argv);
    return omniE_arity(S, "sort", 2, 2, argc);
  }
  r = omniP_sort(S, argv[0], argv[1]);
  omniF_drop_args(S, argc, argv);
  return r;
}
OClosure omniK_sort = {{0, OT_CLOSURE, OF_IMMORTAL, 0}, omniK_sort_entry, "sort", 2, 2, 0};
static OValue omniK_char_p_entry(OState *S, OClosure *self, int argc, OValue *argv) {
  OValue r;
  (void)self;
  if (argc != 1) {
    omniF_drop_args(S, argc, argv);
    return omniE_arity(S, "char\077", 1, 1, argc);
  }
  r = omniP_char_p(S, argv[0]);
  omniF_drop_args(S, argc, argv);
  return r;
}
OClosure omniK_char_p = {{0, OT_CLOSURE, OF_IMMORTAL, 0}, omniK_char_p_entry, "char\077", 1, 1, 0};
static OValue omniK_string_p_entry(OState *S, OClosure *self, int argc, OValue *argv) {
  OValue r;
  (void)self;
  if (argc != 1) {
    omniF_drop_args(S, argc, argv);
    return omniE_arity(S, "string\077", 1, 1, argc);
  }
  r = omniP_string_p(S, argv[0]);
  omniF_drop_args(S, argc, argv);
  return r;
}
OClosure omniK_string_p = {{0, OT_CLOSURE, OF_IMMORTAL, 0}, omniK_string_p_entry, "string\077", 1, 1, 0};
static OValue omniK_symbol_p_entry(OState *S, OClosure *self, int argc, OValue *argv) {
  OValue r;
  (void)self;
  if (argc != 1) {
    omniF_drop_args(S, argc, argv);
    return omniE_arity(S, "symbol\077", 1, 1, argc);
  }
  r = omniP_symbol_p(S, argv[0]);
  omniF_drop_args(S, argc, argv);
  return r;
}
OClosure omniK_symbol_p = {{0, OT_CLOSURE, OF_IMMORTAL, 0}, omniK_symbol_p_entry, "symbol\077", 1, 1, 0};
static OValue omniK_keyword_p_entry(OState *S, OClosure *self, int argc, OValue *argv) {
  OValue r;
  (void)self;
  if (argc != 1) {
    omniF_drop_args(S, argc, argv);
    return omniE_arity(S, "keyword\077", 1, 1, argc);
  }
  r = omniP_keyword_p(S, argv[0]);
  omniF_drop_args(S, argc, argv);
  return r;
}
OClosure omniK_keyword_p = {{0, OT_CLOSURE, OF_IMMORTAL, 0}, omniK_keyword_p_entry, "keyword\077", 1, 1, 0};
static OValue omniK_procedure_p_entry(OState *S, OClosure *self, int argc, OValue *argv) {
  OValue r;
  (void)self;
  if (argc != 1) {
    omniF_drop_args(S, argc, argv);
    return omniE_arity(S, "procedure\077", 1, 1, argc);
  }
  r = omniP_procedure_p(S, argv[0]);
  omniF_drop_args(S, argc, argv);
  return r;
}
OClosure omniK_procedure_p = {{0, OT_CLOSURE, OF_IMMORTAL, 0}, omniK_procedure_p_entry, "procedure\077", 1, 1, 0};
static OValue omniK_vector_p_entry(OState *S, OClosure *self, int argc, OValue *argv) {
  OValue r;
  (void)self;
  if (argc != 1) {
    omniF_drop_args(S, argc, argv);
    return omniE_arity(S, "vector\077", 1, 1, argc);
  }
  r = omniP_vector_p(S, argv[0]);
  omniF_drop_args(S, argc, argv);
  return r;
}
OClosure omniK_vector_p = {{0, OT_CLOSURE, OF_IMMORTAL, 0}, omniK_vector_p_entry, "vector\077", 1, 1, 0};
static OValue omniK_dict_p_entry(OState *S, OClosure *self, int argc, OValue *argv) {
  OValue r;
  (void)self;
  if (argc != 1) {
    omniF_drop_args(S, argc, argv);
    return omniE_arity(S, "dict\077", 1, 1, argc);
  }
  r = omniP_dict_p(S, argv[0]);
  omniF_drop_args(S, argc, argv);
  return r;
}
OClosure omniK_dict_p = {{0, OT_CLOSURE, OF_IMMORTAL, 0}, omniK_dict_p_entry, "dict\077", 1, 1, 0};
static OValue omniK_atom_p_entry(OState *S, OClosure *self, int argc, OValue *argv) {
  OValue r;
  (void)self;
  if (argc != 1) {
    omniF_drop_args(S, argc, argv);
    return omniE_arity(S, "atom\077", 1, 1, argc);
  }
  r = omniP_atom_p(S, argv[0]);
  omniF_drop_args(S, argc, argv);
  return r;
}
OClosure omniK_atom_p = {{0, OT_CLOSURE, OF_IMMORTAL, 0}, omniK_atom_p_entry, "atom\077", 1, 1, 0};
static OValue omniK_error_p_entry(OState *S, OClosure *self, int argc, OValue *argv) {
  OValue r;
  (void)self;
  if (argc != 1) {
    omniF_drop_args(S, argc, argv);
    return omniE_arity(S, "error\077", 1, 1, argc);
  }
  r = omniP_error_p(S, argv[0]);
  omniF_drop_args(S, argc, argv);
  return r;
}
OClosure omniK_error_p = {{0, OT_CLOSURE, OF_IMMORTAL, 0}, omniK_error_p_entry, "error\077", 1, 1, 0};
static OValue omniK_char_to_integer_entry(OState *S, OClosure *self, int argc, OValue *argv) {
  OValue r;
  (void)self;
  if (argc != 1) {
    omniF_drop_args(S, argc, argv);
    return omniE_arity(S, "char->integer", 1, 1, argc);
  }
  r = omniP_char_to_integer(S, argv[0]);
  omniF_drop_args(S, argc, argv);
  return r;
}
OClosure omniK_char_to_integer = {{0, OT_CLOSURE, OF_IMMORTAL, 0}, omniK_char_to_integer_entry, "char->integer", 1, 1, 0};
static OValue omniK_integer_to_char_entry(OState *S, OClosure *self, int argc, OValue *argv) {
  OValue r;
  (void)self;
  if (argc != 1) {
    omniF_drop_args(S, argc, argv);
    return omniE_arity(S, "integer->char", 1, 1, argc);
  }
  r = omniP_integer_to_char(S, argv[0]);
  omniF_drop_args(S, argc, argv);
  return r;
}
OClosure omniK_integer_to_char = {{0, OT_CLOSURE, OF_IMMORTAL, 0}, omniK_integer_to_char_entry, "integer->char", 1, 1, 0};
static OValue omniK_char_upcase_entry(OState *S, OClosure *self, int argc, OValue *argv) {
  OValue r;
  (void)self;
  if (argc != 1) {
    omniF_drop_args(S, argc, argv);
    return omniE_arity(S, "char-upcase", 1, 1, argc);
  }
  r = omniP_char_upcase(S, argv[0]);
  omniF_drop_args(S, argc, argv);
  return r;
}
OClosure omniK_char_upcase = {{0, OT_CLOSURE, OF_IMMORTAL, 0}, omniK_char_upcase_entry, "char-upcase", 1, 1, 0};
static OValue omniK_char_downcase_entry(OState *S, OClosure *self, int argc, OValue *argv) {
  OValue r;
  (void)self;
  if (argc != 1) {
    omniF_drop_args(S, argc, argv);
    return omniE_arity(S, "char-downcase", 1, 1, argc);
  }
  r = omniP_char_downcase(S, argv[0]);
  omniF_drop_args(S, argc, argv);
  return r;
}
OClosure omniK_char_downcase = {{0, OT_CLOSURE, OF_IMMORTAL, 0}, omniK_char_downcase_entry, "char-downcase", 1, 1, 0};
static OValue omniK_char_alphabetic_p_entry(OState *S, OClosure *self, int argc, OValue *argv) {
  OValue r;
  (void)self;
  if (argc != 1) {
    omniF_drop_args(S, argc, argv);
    return omniE_arity(S, "char-alphabetic\077", 1, 1, argc);
  }
  r = omniP_char_alphabetic_p(S, argv[0]);
  omniF_drop_args(S, argc, argv);
  return r;
}
OClosure omniK_char_alphabetic_p = {{0, OT_CLOSURE, OF_IMMORTAL, 0}, omniK_char_alphabetic_p_entry, "char-alphabetic\077", 1, 1, 0};
static OValue omniK_char_numeric_p_entry(OState *S, OClosure *self, int argc, OValue *argv) {
  OValue r;
  (void)self;
  if (argc != 1) {
    omniF_drop_args(S, argc, argv);
    return omniE_arity(S, "char-numeric\077", 1, 1, argc);
  }
  r = omniP_char_numeric_p(S, argv[0]);
  omniF_drop_args(S, argc, argv);
  return r;
}
OClosure omniK_char_numeric_p = {{0, OT_CLOSURE, OF_IMMORTAL, 0}, omniK_char_numeric_p_entry, "char-numeric\077", 1, 1, 0};
static OValue omniK_char_whitespace_p_entry(OState *S, OClosure *self, int argc, OValue *argv) {
  OValue r;
  (void)self;
  if (argc != 1) {
    omniF_drop_args(S, argc, argv);
    return omniE_arity(S, "char-whitespace\077", 1, 1, argc);
  }
  r = omniP_char_whitespace_p(S, argv[0]);
  omniF_drop_args(S, argc, argv);
  return r;
}
OClosure omniK_char_whitespace_p = {{0, OT_CLOSURE, OF_IMMORTAL, 0}, omniK_char_whitespace_p_entry, "char-whitespace\077", 1, 1, 0};
static OValue omniK_string_length_entry(OState *S, OClosure *self, int argc, OValue *argv) {
  OValue r;
  (void)self;
  if (argc != 1) {
    omniF_drop_args(S, argc, argv);
    return omniE_arity(S, "string-length", 1, 1, argc);
  }
  r = omniP_string_length(S, argv[0]);
  omniF_drop_args(S, argc, argv);
  return r;
}
OClosure omniK_string_length = {{0, OT_CLOSURE, OF_IMMORTAL, 0}, omniK_string_length_entry, "string-length", 1, 1, 0};
static OValue omniK_string_ref_entry(OState *S, OClosure *self, int argc, OValue *argv) {
  OValue r;
  (void)self;
  if (argc != 2) {
    omniF_drop_args(S, argc, argv);
    return omniE_arity(S, "string-ref", 2, 2, argc);
  }
  r = omniP_string_ref(S, argv[0], argv[1]);
  omniF_drop_args(S, argc, argv);
  return r;
}
OClosure omniK_string_ref = {{0, OT_CLOSURE, OF_IMMORTAL, 0}, omniK_string_ref_entry, "string-ref", 2, 2, 0};
static OValue omniK_substring_entry(OState *S, OClosure *self, int argc, OValue *argv) {
  OValue r;
  (void)self;
  if (argc < 2 || argc > 3) {
    omniF_drop_args(S, argc, argv);
    return omniE_arity(S, "substring", 2, 3, argc);
  }
  r = omniP_substring(S, argc, argv);
  omniF_drop_args(S, argc, argv);
  return r;
}
OClosure omniK_substring = {{0, OT_CLOSURE, OF_IMMORTAL, 0}, omniK_substring_entry, "substring", 2, 3, 0};
static OValue omniK_string_append_entry(OState *S, OClosure *self, int argc, OValue *argv) {
  OValue r;
  (void)self;
  if (argc < 0) {
    omniF_drop_args(S, argc, argv);
    return omniE_arity(S, "string-append", 0, -1, argc);
  }
  r = omniP_string_append(S, argc, argv);
  omniF_drop_args(S, argc, argv);
  return r;
}
OClosure omniK_string_append = {{0, OT_CLOSURE, OF_IMMORTAL, 0}, omniK_string_append_entry, "string-append", 0, -1, 0};
static OValue omniK_string_3d__p_entry(OState *S, OClosure *self, int argc, OValue *argv) {
  OValue r;
  (void)self;
  if (argc < 1) {
    omniF_drop_args(S, argc, argv);
    return omniE_arity(S, "string=\077", 1, -1, argc);
  }
  r = omniP_string_3d__p(S, argc, argv);
  omniF_drop_args(S, argc, argv);
  return r;
}
OClosure omniK_string_3d__p = {{0, OT_CLOSURE, OF_IMMORTAL, 0}, omniK_string_3d__p_entry, "string=\077", 1, -1, 0};
static OValue omniK_string_3c__p_entry(OState *S, OClosure *self, int argc, OValue *argv) {
  OValue r;
  (void)self;
  if (argc < 1) {
    omniF_drop_args(S, argc, argv);
    return omniE_arity(S, "string<\077", 1, -1, argc);
  }
  r = omniP_string_3c__p(S, argc, argv);
  omniF_drop_args(S, argc, argv);
  return r;
}
OClosure omniK_string_3c__p = {{0, OT_CLOSURE, OF_IMMORTAL, 0}, omniK_string_3c__p_entry, "string<\077", 1, -1, 0};
static OValue omniK_string_to_list_entry(OState *S, OClosure *self, int argc, OValue *argv) {
  OValue r;
  (void)self;
  if (argc != 1) {
    omniF_drop_args(S, argc, argv);
    return omniE_arity(S, "string->list", 1, 1, argc);
  }
  r = omniP_string_to_list(S, argv[0]);
  omniF_drop_args(S, argc, argv);
  return r;
}
OClosure omniK_string_to_list = {{0, OT_CLOSURE, OF_IMMORTAL, 0}, omniK_string_to_list_entry, "string->list", 1, 1, 0};
static OValue omniK_list_to_string_entry(OState *S, OClosure *self, int argc, OValue *argv) {
  OValue r;
  (void)self;
  if (argc != 1) {
    omniF_drop_args(S, argc, argv);
    return omniE_arity(S, "list->string", 1, 1, argc);
  }
  r = omniP_list_to_string(S, argv[0]);
  omniF_drop_args(S, argc, argv);
  return r;
}
OClosure omniK_list_to_string = {{0, OT_CLOSURE, OF_IMMORTAL, 0}, omniK_list_to_string_entry, "list->string", 1, 1, 0};
static OValue omniK_string_to_symbol_entry(OState *S, OClosure *self, int argc, OValue *argv) {
  OValue r;
  (void)self;
  if (argc != 1) {
    omniF_drop_args(S, argc, argv);
    return omniE_arity(S, "string->symbol", 1, 1, argc);
  }
  r = omniP_string_to_symbol(S, argv[0]);
  omniF_drop_args(S, argc, argv);
  return r;
}
OClosure omniK_string_to_symbol = {{0, OT_CLOSURE, OF_IMMORTAL, 0}, omniK_string_to_symbol_entry, "string->symbol", 1, 1, 0};
static OValue omniK_symbol_to_string_entry(OState *S, OClosure *self, int argc, OValue *argv) {
  OValue r;
  (void)self;
  if (argc != 1) {
    omniF_drop_args(S, argc, argv);
    return omniE_arity(S, "symbol->string", 1, 1, argc);
  }
  r = omniP_symbol_to_string(S, argv[0]);
  omniF_drop_args(S, argc, argv);
  return r;
}
OClosure omniK_symbol_to_string = {{0, OT_CLOSURE, OF_IMMORTAL, 0}, omniK_symbol_to_string_entry, "symbol->string", 1, 1, 0};
static OValue omniK_keyword_to_string_entry(OState *S, OClosure *self, int argc, OValue *argv) {
  OValue r;
  (void)self;
  if (argc != 1) {
    omniF_drop_args(S, argc, argv);
    return omniE_arity(S, "keyword->string", 1, 1, argc);
  }
  r = omniP_keyword_to_string(S, argv[0]);
  omniF_drop_args(S, argc, argv);
  return r;
}
OClosure omniK_keyword_to_string = {{0, OT_CLOSURE, OF_IMMORTAL, 0}, omniK_keyword_to_string_entry, "keyword->string", 1, 1, 0};
static OValue omniK_string_upcase_entry(OState *S, OClosure *self, int argc, OValue *argv) {
  OValue r;
  (void)self;
  if (argc != 1) {
    omniF_drop_args(S, argc, argv);
    return omniE_arity(S, "string-upcase", 1, 1, argc);
  }
  r = omniP_string_upcase(S, argv[0]);
  omniF_drop_args(S, argc, argv);
  return r;
}
OClosure omniK_string_upcase = {{0, OT_CLOSURE, OF_IMMORTAL, 0}, omniK_string_upcase_entry, "string-upcase", 1, 1, 0};
static OValue omniK_string_downcase_entry(OState *S, OClosure *self, int argc, OValue *argv) {
  OValue r;
  (void)self;
  if (argc != 1) {
    omniF_drop_args(S, argc, argv);
    return omniE_arity(S, "string-downcase", 1, 1, argc);
  }
  r = omniP_string_downcase(S, argv[0]);
  omniF_drop_args(S, argc, argv);
  return r;
}
OClosure omniK_string_downcase = {{0, OT_CLOSURE, OF_IMMORTAL, 0}, omniK_string_downcase_entry, "string-downcase", 1, 1, 0};
static OValue omniK_string_split_entry(OState *S, OClosure *self, int argc, OValue *argv) {
  OValue r;
  (void)self;
  if (argc != 2) {
    omniF_drop_args(S, argc, argv);
    return omniE_arity(S, "string-split", 2, 2, argc);
  }
  r = omniP_string_split(S, argv[0], argv[1]);
  omniF_drop_args(S, argc, argv);
  return r;
}
OClosure omniK_string_split = {{0, OT_CLOSURE, OF_IMMORTAL, 0}, omniK_string_split_entry, "string-split", 2, 2, 0};
static OValue omniK_string_join_entry(OState *S, OClosure *self, int argc, OValue *argv) {
  OValue r;
  (void)self;
  if (argc < 1 || argc > 2) {
    omniF_drop_args(S, argc, argv);
    return omniE_arity(S, "string-join", 1, 2, argc);
  }
  r = omniP_string_join(S, argc, argv);
  omniF_drop_args(S, argc, argv);
  return r;
}
OClosure omniK_string_join = {{0, OT_CLOSURE, OF_IMMORTAL, 0}, omniK_string_join_entry, "string-join", 1, 2, 0};
static OValue omniK_string_index_entry(OState *S, OClosure *self, int argc, OValue *argv) {
  OValue r;
  (void)self;
  if (argc != 2) {
    omniF_drop_args(S, argc, argv);
    return omniE_arity(S, "string-index", 2, 2, argc);
  }
  r = omniP_string_index(S, argv[0], argv[1]);
  omniF_drop_args(S, argc, argv);
  return r;
}
OClosure omniK_string_index = {{0, OT_CLOSURE, OF_IMMORTAL, 0}, omniK_string_index_entry, "string-index", 2, 2, 0};
static OValue omniK_string_contains_p_entry(OState *S, OClosure *self, int argc, OValue *argv) {
  OValue r;
  (void)self;
  if (argc != 2) {
    omniF_drop_args(S, argc, argv);
    return omniE_arity(S, "string-contains\077", 2, 2, argc);
  }
  r = omniP_string_contains_p(S, argv[0], argv[1]);
  omniF_drop_args(S, argc, argv);
  return r;
}
OClosure omniK_string_contains_p = {{0, OT_CLOSURE, OF_IMMORTAL, 0}, omniK_string_contains_p_entry, "string-contains\077", 2, 2, 0};
static OValue omniK_string_repeat_entry(OState *S, OClosure *self, int argc, OValue *argv) {
  OValue r;
  (void)self;
  if (argc != 2) {
    omniF_drop_args(S, argc, argv);
    return omniE_arity(S, "string-repeat", 2, 2, argc);
  }
  r = omniP_string_repeat(S, argv[0], argv[1]);
  omniF_drop_args(S, argc, argv);
  return r;
}
OClosure omniK_string_repeat = {{0, OT_CLOSURE, OF_IMMORTAL, 0}, omniK_string_repeat_entry, "string-repeat", 2, 2, 0};
static OValue omniK_str_entry(OState *S, OClosure *self, int argc, OValue *argv) {
  OValue r;
  (void)self;
  if (argc < 0) {
    omniF_drop_args(S, argc, argv);
    return omniE_arity(S, "str", 0, -1, argc);
  }
  r = omniP_str(S, argc, argv);
  omniF_drop_args(S, argc, argv);
  return r;
}
OClosure omniK_str = {{0, OT_CLOSURE, OF_IMMORTAL, 0}, omniK_str_entry, "str", 0, -1, 0};
static OValue omniK_type_of_entry(OState *S, OClosure *self, int argc, OValue *argv) {
  OValue r;
  (void)self;
  if (argc != 1) {
    omniF_drop_args(S, argc, argv);
    return omniE_arity(S, "type-of", 1, 1, argc);
  }
  r = omniP_type_of(S, argv[0]);
  omniF_drop_args(S, argc, argv);
  return r;
}
OClosure omniK_type_of = {{0, OT_CLOSURE, OF_IMMORTAL, 0}, omniK_type_of_entry, "type-of", 1, 1, 0};
static OValue omniK_vector_entry(OState *S, OClosure *self, int argc, OValue *argv) {
  OValue r;
  (void)self;
  if (argc < 0) {
    omniF_drop_args(S, argc, argv);
    return omniE_arity(S, "vector", 0, -1, argc);
  }
  r = omniP_vector(S, argc, argv);
  omniF_drop_args(S, argc, argv);
  return r;
}
OClosure omniK_vector = {{0, OT_CLOSURE, OF_IMMORTAL, 0}, omniK_vector_entry, "vector", 0, -1, 0};
static OValue omniK_make_vector_entry(OState *S, OClosure *self, int argc, OValue *argv) {
  OValue r;
  (void)self;
  if (argc < 1 || argc > 2) {
    omniF_drop_args(S, argc, argv);
    return omniE_arity(S, "make-vector", 1, 2, argc);
  }
  r = omniP_make_vector(S, argc, argv);
  omniF_drop_args(S, argc, argv);
  return r;
}
OClosure omniK_make_vector = {{0, OT_CLOSURE, OF_IMMORTAL, 0}, omniK_make_vector_entry, "make-vector", 1, 2, 0};
static OValue omniK_vector_ref_entry(OState *S, OClosure *self, int argc, OValue *argv) {
  OValue r;
  (void)self;
  if (argc != 2) {
    omniF_drop_args(S, argc, argv);
    return omniE_arity(S, "vector-ref", 2, 2, argc);
  }
  r = omniP_vector_ref(S, argv[0], argv[1]);
  omniF_drop_args(S, argc, argv);
  return r;
}
OClosure omniK_vector_ref = {{0, OT_CLOSURE, OF_IMMORTAL, 0}, omniK_vector_ref_entry, "vector-ref", 2, 2, 0};
static OValue omniK_vector_set_x_entry(OState *S, OClosure *self, int argc, OValue *argv) {
  OValue r;
  (void)self;
  if (argc != 3) {
    omniF_drop_args(S, argc, argv);
    return omniE_arity(S, "vector-set!", 3, 3, argc);
  }
  r = omniP_vector_set_x(S, argv[0], argv[1], argv[2]);
  omniF_drop_args(S, argc, argv);
  return r;
}
OClosure omniK_vector_set_x = {{0, OT_CLOSURE, OF_IMMORTAL, 0}, omniK_vector_set_x_entry, "vector-set!", 3, 3, 0};
static OValue omniK_vector_length_entry(OState *S, OClosure *self, int argc, OValue *argv) {
  OValue r;
  (void)self;
  if (argc != 1) {
    omniF_drop_args(S, argc, argv);
    return omniE_arity(S, "vector-length", 1, 1, argc);
  }
  r = omniP_vector_length(S, argv[0]);
  omniF_drop_args(S, argc, argv);
  return r;
}
OClosure omniK_vector_length = {{0, OT_CLOSURE, OF_IMMORTAL, 0}, omniK_vector_length_entry, "vector-length", 1, 1, 0};
static OValue omniK_vector_to_list_entry(OState *S, OClosure *self, int argc, OValue *argv) {
  OValue r;
  (void)self;
  if (argc != 1) {
    omniF_drop_args(S, argc, argv);
    return omniE_arity(S, "vector->list", 1, 1, argc);
  }
  r = omniP_vector_to_list(S, argv[0]);
  omniF_drop_args(S, argc, argv);
  return r;
}
OClosure omniK_vector_to_list = {{0, OT_CLOSURE, OF_IMMORTAL, 0}, omniK_vector_to_list_entry, "vector->list", 1, 1, 0};
static OValue omniK_list_to_vector_entry(OState *S, OClosure *self, int argc, OValue *argv) {
  OValue r;
  (void)self;
  if (argc != 1) {
    omniF_drop_args(S, argc, argv);
    return omniE_arity(S, "list->vector", 1, 1, argc);
  }
  r = omniP_list_to_vector(S, argv[0]);
  omniF_drop_args(S, argc, argv);
  return r;
}
OClosure omniK_list_to_vector = {{0, OT_CLOSURE, OF_IMMORTAL, 0}, omniK_list_to_vector_entry, "list->vector", 1, 1, 0};
static OValue omniK_vector_fill_x_entry(OState *S, OClosure *self, int argc, OValue *argv) {
  OValue r;
  (void)self;
  if (argc != 2) {
    omniF_drop_args(S, argc, argv);
    return omniE_arity(S, "vector-fill!", 2, 2, argc);
  }
  r = omniP_vector_fill_x(S, argv[0], argv[1]);
  omniF_drop_args(S, argc, argv);
  return r;
}
OClosure omniK_vector_fill_x = {{0, OT_CLOSURE, OF_IMMORTAL, 0}, omniK_vector_fill_x_entry, "vector-fill!", 2, 2, 0};
static OValue omniK_vector_map_entry(OState *S, OClosure *self, int argc, OValue *argv) {
  OValue r;
  (void)self;
  if (argc < 2) {
    omniF_drop_args(S, argc, argv);
    return omniE_arity(S, "vector-map", 2, -1, argc);
  }
  r = omniP_vector_map(S, argc, argv);
  omniF_drop_args(S, argc, argv);
  return r;
}
OClosure omniK_vector_map = {{0, OT_CLOSURE, OF_IMMORTAL, 0}, omniK_vector_map_entry, "vector-map", 2, -1, 0};
static OValue omniK_vector_copy_entry(OState *S, OClosure *self, int argc, OValue *argv) {
  OValue r;
  (void)self;
  if (argc < 1 || argc > 3) {
    omniF_drop_args(S, argc, argv);
    return omniE_arity(S, "vector-copy", 1, 3, argc);
  }
  r = omniP_vector_copy(S, argc, argv);
  omniF_drop_args(S, argc, argv);
  return r;
}
OClosure omniK_vector_copy = {{0, OT_CLOSURE, OF_IMMORTAL, 0}, omniK_vector_copy_entry, "vector-copy", 1, 3, 0};
static OValue omniK_dict_entry(OState *S, OClosure *self, int argc, OValue *argv) {
  OValue r;
  (void)self;
  if (argc < 0) {
    omniF_drop_args(S, argc, argv);
    return omniE_arity(S, "dict", 0, -1, argc);
  }
  r = omniP_dict(S, argc, argv);
  omniF_drop_args(S, argc, argv);
  return r;
}
OClosure omniK_dict = {{0, OT_CLOSURE, OF_IMMORTAL, 0}, omniK_dict_entry, "dict", 0, -1, 0};
static OValue omniK_dict_ref_entry(OState *S, OClosure *self, int argc, OValue *argv) {
  OValue r;
  (void)self;
  if (argc < 2 || argc > 3) {
    omniF_drop_args(S, argc, argv);
    return omniE_arity(S, "dict-ref", 2, 3, argc);
  }
  r = omniP_dict_ref(S, argc, argv);
  omniF_drop_args(S, argc, argv);
  return r;
}
OClosure omniK_dict_ref = {{0, OT_CLOSURE, OF_IMMORTAL, 0}, omniK_dict_ref_entry, "dict-ref", 2, 3, 0};
static OValue omniK_dict_set_x_entry(OState *S, OClosure *self, int argc, OValue *argv) {
  OValue r;
  (void)self;
  if (argc != 3) {
    omniF_drop_args(S, argc, argv);
    return omniE_arity(S, "dict-set!", 3, 3, argc);
  }
  r = omniP_dict_set_x(S, argv[0], argv[1], argv[2]);
  omniF_drop_args(S, argc, argv);
  return r;
}
OClosure omniK_dict_set_x = {{0, OT_CLOSURE, OF_IMMORTAL, 0}, omniK_dict_set_x_entry, "dict-set!", 3, 3, 0};
static OValue omniK_dict_remove_x_entry(OState *S, OClosure *self, int argc, OValue *argv) {
  OValue r;
  (void)self;
  if (argc != 2) {
    omniF_drop_args(S, argc, argv);
    return omniE_arity(S, "dict-remove!", 2, 2, argc);
  }
  r = omniP_dict_remove_x(S, argv[0], argv[1]);
  omniF_drop_args(S, argc, argv);
  return r;
}
OClosure omniK_dict_remove_x = {{0, OT_CLOSURE, OF_IMMORTAL, 0}, omniK_dict_remove_x_entry, "dict-remove!", 2, 2, 0};
static OValue omniK_dict_has_p_entry(OState *S, OClosure *self, int argc, OValue *argv) {
  OValue r;
  (void)self;
  if (argc != 2) {
    omniF_drop_args(S, argc, argv);
    return omniE_arity(S, "dict-has\077", 2, 2, argc);
  }
  r = omniP_dict_has_p(S, argv[0], argv[1]);
  omniF_drop_args(S, argc, argv);
  return r;
}
OClosure omniK_dict_has_p = {{0, OT_CLOSURE, OF_IMMORTAL, 0}, omniK_dict_has_p_entry, "dict-has\077", 2, 2, 0};
static OValue omniK_dict_keys_entry(OState *S, OClosure *self, int argc, OValue *argv) {
  OValue r;
  (void)self;
  if (argc != 1) {
    omniF_drop_args(S, argc, argv);
    return omniE_arity(S, "dict-keys", 1, 1, argc);
  }
  r = omniP_dict_keys(S, argv[0]);
  omniF_drop_args(S, argc, argv);
  return r;
}
OClosure omniK_dict_keys = {{0, OT_CLOSURE, OF_IMMORTAL, 0}, omniK_dict_keys_entry, "dict-keys", 1, 1, 0};
static OValue omniK_dict_values_entry(OState *S, OClosure *self, int argc, OValue *argv) {
  OValue r;
  (void)self;
  if (argc != 1) {
    omniF_drop_args(S, argc, argv);
    return omniE_arity(S, "dict-values", 1, 1, argc);
  }
  r = omniP_dict_values(S, argv[0]);
  omniF_drop_args(S, argc, argv);
  return r;
}
OClosure omniK_dict_values = {{0, OT_CLOSURE, OF_IMMORTAL, 0}, omniK_dict_values_entry, "dict-values", 1, 1, 0};
static OValue omniK_dict_count_entry(OState *S, OClosure *self, int argc, OValue *argv) {
  OValue r;
  (void)self;
  if (argc != 1) {
    omniF_drop_args(S, argc, argv);
    return omniE_arity(S, "dict-count", 1, 1, argc);
  }
  r = omniP_dict_count(S, argv[0]);
  omniF_drop_args(S, argc, argv);
  return r;
}
OClosure omniK_dict_count = {{0, OT_CLOSURE, OF_IMMORTAL, 0}, omniK_dict_count_entry, "dict-count", 1, 1, 0};
static OValue omniK_dict_to_list_entry(OState *S, OClosure *self, int argc, OValue *argv) {
  OValue r;
  (void)self;
  if (argc != 1) {
    omniF_drop_args(S, argc, argv);
    return omniE_arity(S, "dict->list", 1, 1, argc);
  }
  r = omniP_dict_to_list(S, argv[0]);
  omniF_drop_args(S, argc, argv);
  return r;
}
OClosure omniK_dict_to_list = {{0, OT_CLOSURE, OF_IMMORTAL, 0}, omniK_dict_to_list_entry, "dict->list", 1, 1, 0};
static OValue omniK_atom_entry(OState *S, OClosure *self, int argc, OValue *argv) {
  OValue r;
  (void)self;
  if (argc != 1) {
    omniF_drop_args(S, argc, argv);
    return omniE_arity(S, "atom", 1, 1, argc);
  }
  r = omniP_atom(S, argv[0]);
  omniF_drop_args(S, argc, argv);
  return r;
}
OClosure omniK_atom = {{0, OT_CLOSURE, OF_IMMORTAL, 0}, omniK_atom_entry, "atom", 1, 1, 0};
static OValue omniK_deref_entry(OState *S, OClosure *self, int argc, OValue *argv) {
  OValue r;
  (void)self;
  if (argc != 1) {
    omniF_drop_args(S, argc, argv);
    return omniE_arity(S, "deref", 1, 1, argc);
  }
  r = omniP_deref(S, argv[0]);
  omniF_drop_args(S, argc, argv);
  return r;
}
OClosure omniK_deref = {{0, OT_CLOSURE, OF_IMMORTAL, 0}, omniK_deref_entry, "deref", 1, 1, 0};
static OValue omniK_reset_x_entry(OState *S, OClosure *self, int argc, OValue *argv) {
  OValue r;
  (void)self;
  if (argc != 2) {
    omniF_drop_args(S, argc, argv);
    return omniE_arity(S, "reset!", 2, 2, argc);
  }
  r = omniP_reset_x(S, argv[0], argv[1]);
  omniF_drop_args(S, argc, argv);
  return r;
}
OClosure omniK_reset_x = {{0, OT_CLOSURE, OF_IMMORTAL, 0}, omniK_reset_x_entry, "reset!", 2, 2, 0};
static OValue omniK_swap_x_entry(OState *S, OClosure *self, int argc, OValue *argv) {
  OValue r;
  (void)self;
  if (argc < 2) {
    omniF_drop_args(S, argc, argv);
    return omniE_arity(S, "swap!", 2, -1, argc);
  }
  r = omniP_swap_x(S, argc, argv);
  omniF_drop_args(S, argc, argv);
  return r;
}
OClosure omniK_swap_x = {{0, OT_CLOSURE, OF_IMMORTAL, 0}, omniK_swap_x_entry, "swap!", 2, -1, 0};
static OValue omniK_compare_and_set_x_entry(OState *S, OClosure *self, int argc, OValue *argv) {
  OValue r;
  (void)self;
  if (argc != 3) {
    omniF_drop_args(S, argc, argv);
    return omniE_arity(S, "compare-and-set!", 3, 3, argc);
  }
  r = omniP_compare_and_set_x(S, argv[0], argv[1], argv[2]);
  omniF_drop_args(S, argc, argv);
  return r;
}
OClosure omniK_compare_and_set_x = {{0, OT_CLOSURE, OF_IMMORTAL, 0}, omniK_compare_and_set_x_entry, "compare-and-set!", 3, 3, 0};
static OValue omniK_error_entry(OState *S, OClosure *self, int argc, OValue *argv) {
  OValue r;
  (void)self;
  if (argc < 1) {
    omniF_drop_args(S, argc, argv);
    return omniE_arity(S, "error", 1, -1, argc);
  }
  r = omniP_error(S, argc, argv);
  omniF_drop_args(S, argc, argv);
  return r;
}
OClosure omniK_error = {{0, OT_CLOSURE, OF_IMMORTAL, 0}, omniK_error_entry, "error", 1, -1, 0};
static OValue omniK_error_message_entry(OState *S, OClosure *self, int argc, OValue *argv) {
  OValue r;
  (void)self;
  if (argc != 1) {
    omniF_drop_args(S, argc, argv);
    return omniE_arity(S, "error-message", 1, 1, argc);
  }
  r = omniP_error_message(S, argv[0]);
  omniF_drop_args(S, argc, argv);
  return r;
}
OClosure omniK_error_message = {{0, OT_CLOSURE, OF_IMMORTAL, 0}, omniK_error_message_entry, "error-message", 1, 1, 0};
static OValue omniK_error_irritants_entry(OState *S, OClosure *self, int argc, OValue *argv) {
  OValue r;
  (void)self;
  if (argc != 1) {
    omniF_drop_args(S, argc, argv);
    return omniE_arity(S, "error-irritants", 1, 1, argc);
  }
  r = omniP_error_irritants(S, argv[0]);
  omniF_drop_args(S, argc, argv);
  return r;
}
OClosure omniK_error_irritants = {{0, OT_CLOSURE, OF_IMMORTAL, 0}, omniK_error_irritants_entry, "error-irritants", 1, 1, 0};
static OValue omniK_error_backtrace_entry(OState *S, OClosure *self, int argc, OValue *argv) {
  OValue r;
  (void)self;
  if (argc != 1) {
    omniF_drop_args(S, argc, argv);
    return omniE_arity(S, "error-backtrace", 1, 1, argc);
  }
  r = omniP_error_backtrace(S, argv[0]);
  omniF_drop_args(S, argc, argv);
  return r;
}
OClosure omniK_error_backtrace = {{0, OT_CLOSURE, OF_IMMORTAL, 0}, omniK_error_backtrace_entry, "error-backtrace", 1, 1, 0};
static OValue omniK_raise_error_entry(OState *S, OClosure *self, int argc, OValue *argv) {
  OValue r;
  (void)self;
  if (argc != 1) {
    omniF_drop_args(S, argc, argv);
    return omniE_arity(S, "raise-error", 1, 1, argc);
  }
  r = omniP_raise_error(S, argv[0]);
  omniF_drop_args(S, argc, argv);
  return r;
}
OClosure omniK_raise_error = {{0, OT_CLOSURE, OF_IMMORTAL, 0}, omniK_raise_error_entry, "raise-error", 1, 1, 0};
static OValue omniK_spawn_entry(OState *S, OClosure *self, int argc, OValue *argv) {
  OValue r;
  (void)self;
  if (argc != 1) {
    omniF_drop_args(S, argc, argv);
    return omniE_arity(S, "spawn", 1, 1, argc);
  }
  r = omniP_spawn(S, argv[0]);
  omniF_drop_args(S, argc, argv);
  return r;
}
OClosure omniK_spawn = {{0, OT_CLOSURE, OF_IMMORTAL, 0}, omniK_spawn_entry, "spawn", 1, 1, 0};
static OValue omniK_join_entry(OState *S, OClosure *self, int argc, OValue *argv) {
  OValue r;
  (void)self;
  if (argc != 1) {
    omniF_drop_args(S, argc, argv);
    return omniE_arity(S, "join", 1, 1, argc);
  }
  r = omniP_join(S, argv[0]);
  omniF_drop_args(S, argc, argv);
  return r;
}
OClosure omniK_join = {{0, OT_CLOSURE, OF_IMMORTAL, 0}, omniK_join_entry, "join", 1, 1, 0};
static OValue omniK_channel_entry(OState *S, OClosure *self, int argc, OValue *argv) {
  OValue r;
  (void)self;
  if (argc < 0 || argc > 1) {
    omniF_drop_args(S, argc, argv);
    return omniE_arity(S, "channel", 0, 1, argc);
  }
  r = omniP_channel(S, argc, argv);
  omniF_drop_args(S, argc, argv);
  return r;
}
OClosure omniK_channel = {{0, OT_CLOSURE, OF_IMMORTAL, 0}, omniK_channel_entry, "channel", 0, 1, 0};
static OValue omniK_send_x_entry(OState *S, OClosure *self, int argc, OValue *argv) {
  OValue r;
  (void)self;
  if (argc != 2) {
    omniF_drop_args(S, argc, argv);
    return omniE_arity(S, "send!", 2, 2, argc);
  }
  r = omniP_send_x(S, argv[0], argv[1]);
  omniF_drop_args(S, argc, argv);
  return r;
}
OClosure omniK_send_x = {{0, OT_CLOSURE, OF_IMMORTAL, 0}, omniK_send_x_entry, "send!", 2, 2, 0};
static OValue omniK_recv_x_entry(OState *S, OClosure *self, int argc, OValue *argv) {
  OValue r;
  (void)self;
  if (argc != 1) {
    omniF_drop_args(S, argc, argv);
    return omniE_arity(S, "recv!", 1, 1, argc);
  }
  r = omniP_recv_x(S, argv[0]);
  omniF_drop_args(S, argc, argv);
  return r;
}
OClosure omniK_recv_x = {{0, OT_CLOSURE, OF_IMMORTAL, 0}, omniK_recv_x_entry, "recv!", 1, 1, 0};
static OValue omniK_close_x_entry(OState *S, OClosure *self, int argc, OValue *argv) {
  OValue r;
  (void)self;
  if (argc != 1) {
    omniF_drop_args(S, argc, argv);
    return omniE_arity(S, "close!", 1, 1, argc);
  }
  r = omniP_close_x(S, argv[0]);
  omniF_drop_args(S, argc, argv);
  return r;
}
OClosure omniK_close_x = {{0, OT_CLOSURE, OF_IMMORTAL, 0}, omniK_close_x_entry, "close!", 1, 1, 0};
static OValue omniK_display_entry(OState *S, OClosure *self, int argc, OValue *argv) {
  OValue r;
  (void)self;
  if (argc != 1) {
    omniF_drop_args(S, argc, argv);
    return omniE_arity(S, "display", 1, 1, argc);
  }
  r = omniP_display(S, argv[0]);
  omniF_drop_args(S, argc, argv);
  return r;
}
OClosure omniK_display = {{0, OT_CLOSURE, OF_IMMORTAL, 0}, omniK_display_entry, "display", 1, 1, 0};
static OValue omniK_write_entry(OState *S, OClosure *self, int argc, OValue *argv) {
  OValue r;
  (void)self;
  if (argc != 1) {
    omniF_drop_args(S, argc, argv);
    return omniE_arity(S, "write", 1, 1, argc);
  }
  r = omniP_write(S, argv[0]);
  omniF_drop_args(S, argc, argv);
  return r;
}
OClosure omniK_write = {{0, OT_CLOSURE, OF_IMMORTAL, 0}, omniK_write_entry, "write", 1, 1, 0};
static OValue omniK_newline_entry(OState *S, OClosure *self, int argc, OValue *argv) {
  OValue r;
  (void)self;
  if (argc != 0) {
    omniF_drop_args(S, argc, argv);
    return omniE_arity(S, "newline", 0, 0, argc);
  }
  r = omniP_newline(S);
  omniF_drop_args(S, argc, argv);
  return r;
}
OClosure omniK_newline = {{0, OT_CLOSURE, OF_IMMORTAL, 0}, omniK_newline_entry, "newline", 0, 0, 0};
static OValue omniK_print_entry(OState *S, OClosure *self, int argc, OValue *argv) {
  OValue r;
  (void)self;
  if (argc < 0) {
    omniF_drop_args(S, argc, argv);
    return omniE_arity(S, "print", 0, -1, argc);
  }
  r = omniP_print(S, argc, argv);
  omniF_drop_args(S, argc, argv);
  return r;
}
OClosure omniK_print = {{0, OT_CLOSURE, OF_IMMORTAL, 0}, omniK_print_entry, "print", 0, -1, 0};
static OValue omniK_read_line_entry(OState *S, OClosure *self, int argc, OValue *argv) {
  OValue r;
  (void)self;
  if (argc != 0) {
    omniF_drop_args(S, argc, argv);
    return omniE_arity(S, "read-line", 0, 0, argc);
  }
  r = omniP_read_line(S);
  omniF_drop_args(S, argc, argv);
  return r;
}
OClosure omniK_read_line = {{0, OT_CLOSURE, OF_IMMORTAL, 0}, omniK_read_line_entry, "read-line", 0, 0, 0};
static OValue omniK_gensym_entry(OState *S, OClosure *self, int argc, OValue *argv) {
  OValue r;
  (void)self;
  if (argc < 0 || argc > 1) {
    omniF_drop_args(S, argc, argv);
    return omniE_arity(S, "gensym", 0, 1, argc);
  }
  r = omniP_gensym(S, argc, argv);
  omniF_drop_args(S, argc, argv);
  return r;
}
OClosure omniK_gensym = {{0, OT_CLOSURE, OF_IMMORTAL, 0}, omniK_gensym_entry, "gensym", 0, 1, 0};
static OValue omniK_exit_entry(OState *S, OClosure *self, int argc, OValue *argv) {
  OValue r;
  (void)self;
  if (argc < 0 || argc > 1) {
    omniF_drop_args(S, argc, argv);
    return omniE_arity(S, "exit", 0, 1, argc);
  }
  r = omniP_exit(S, argc, argv);
  omniF_drop_args(S, argc, argv);
  return r;
}
OClosure omniK_exit = {{0, OT_CLOSURE, OF_IMMORTAL, 0}, omniK_exit_entry, "exit", 0, 1, 0};
static OValue omniK_command_line_entry(OState *S, OClosure *self, int argc, OValue *argv) {
  OValue r;
  (void)self;
  if (argc != 0) {
    omniF_drop_args(S, argc, argv);
    return omniE_arity(S, "command-line", 0, 0, argc);
  }
  r = omniP_command_line(S);
  omniF_drop_args(S, argc, argv);
  return r;
}
OClosure omniK_command_line = {{0, OT_CLOSURE, OF_IMMORTAL, 0}, omniK_command_line_entry, "command-line", 0, 0, 0};
static OValue omniK_getenv_entry(OState *S, OClosure *self, int argc, OValue *argv) {
  OValue r;
  (void)self;
  if (argc != 1) {
    omniF_drop_args(S, argc, argv);
    return omniE_arity(S, "getenv", 1, 1, argc);
  }
  r = omniP_getenv(S, argv[0]);
  omniF_drop_args(S, argc, argv);
  return r;
}
OClosure omniK_getenv = {{0, OT_CLOSURE, OF_IMMORTAL, 0}, omniK_getenv_entry, "getenv", 1, 1, 0};
static OValue omniK_current_time_ms_entry(OState *S, OClosure *self, int argc, OValue *argv) {
  OValue r;
  (void)self;
  if (argc != 0) {
    omniF_drop_args(S, argc, argv);
    return omniE_arity(S, "current-time-ms", 0, 0, argc);
  }
  r = omniP_current_time_ms(S);
  omniF_drop_args(S, argc, argv);
  return r;
}
OClosure omniK_current_time_ms = {{0, OT_CLOSURE, OF_IMMORTAL, 0}, omniK_current_time_ms_entry, "current-time-ms", 0, 0, 0};
static OValue omniK_identity_entry(OState *S, OClosure *self, int argc, OValue *argv) {
  OValue r;
  (void)self;
  if (argc != 1) {
    omniF_drop_args(S, argc, argv);
    return omniE_arity(S, "identity", 1, 1, argc);
  }
  r = omniP_identity(S, argv[0]);
  omniF_drop_args(S, argc, argv);
  return r;
}
OClosure omniK_identity = {{0, OT_CLOSURE, OF_IMMORTAL, 0}, omniK_identity_entry, "identity", 1, 1, 0};
static OValue omniK_compose_entry(OState *S, OClosure *self, int argc, OValue *argv) {
  OValue r;
  (void)self;
  if (argc < 0) {
    omniF_drop_args(S, argc, argv);
    return omniE_arity(S, "compose", 0, -1, argc);
  }
  r = omniP_compose(S, argc, argv);
  omniF_drop_args(S, argc, argv);
  return r;
}
OClosure omniK_compose = {{0, OT_CLOSURE, OF_IMMORTAL, 0}, omniK_compose_entry, "compose", 0, -1, 0};
