// Test support: see clock_shift.c. Built as libClockShift.so and loaded with LD_PRELOAD.
#pragma once
#include <stdint.h>

/// The wall-clock offset now in force, nanoseconds (0 without $DOSED_CLOCK_SHIFT_FILE).
int64_t clock_shift_nanoseconds(void);
