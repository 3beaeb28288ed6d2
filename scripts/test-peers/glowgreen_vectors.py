#!/usr/bin/env python3
"""Clearance-curve vectors for the Swift `ClearanceCurve`, produced by the `glowgreen` package.

`glowgreen.Clearance_1m` models the dose rate at 1 m from a patient as a mono-exponential
[D0, T_eff (h)] or a bi-exponential [D0, fraction of the first term, T1 (h), T2 (h)], with D0
given at `distance` (1 to 3 m) and moved to 1 m by the inverse 1.5 power. For each curve this
prints the dose rate at 1 m at several times (`at_timedelta`) and the time to reach several
levels (`get_timedelta`: closed form for the mono-exponential, scipy `fsolve` for the
bi-exponential). Every time is checked against the package's own dose-rate function; if the
relative residual exceeds 1e-10 the time is refined by bisection on `at_timedelta` and the
vector says so (`time_method`). Prints one JSON document on stdout.

Needs: python3 -m pip install glowgreen==0.1.1
"""

import json
import sys

try:
    import glowgreen
    from importlib.metadata import version
except ImportError as error:  # the Swift test turns this into an install hint
    print(f'glowgreen is not installed ({error}): python3 -m pip install glowgreen==0.1.1',
          file=sys.stderr)
    sys.exit(3)

EXPECTED_VERSION = '0.1.1'

# Parameter sets: Lu-177 PSMA-like (T_eff 40.5 h, Kurth et al. 2018), slower and I-131-like
# mono-exponentials; bi-exponentials with a fast first term, and one whose first term is slow.
CURVES = [
    ('mono_lu177_psma', 'exponential', [30.0, 40.5], 1.0),
    ('mono_slow', 'exponential', [25.0, 72.0], 1.0),
    ('mono_i131_physical', 'exponential', [14.0, 192.5], 1.0),
    ('mono_at_2m', 'exponential', [5.0, 40.0], 2.0),
    ('bi_fast_first', 'biexponential', [30.0, 0.5, 4.0, 50.0], 1.0),
    ('bi_mostly_fast', 'biexponential', [60.0, 0.7, 2.0, 60.0], 1.0),
    ('bi_slow_first', 'biexponential', [10.0, 0.3, 80.0, 5.0], 1.0),
    ('bi_at_3m', 'biexponential', [4.0, 0.6, 3.0, 45.0], 3.0),
]
TIMES_H = [0.0, 1.0, 6.0, 24.0, 48.0, 72.0, 168.0]
LEVEL_FRACTIONS = [0.9, 0.5, 0.2, 0.05, 0.01]
ABSOLUTE_LEVELS = [20.0, 5.0, 1.0]


def bisect_time(curve, level, guess):
    """Time (h) at which curve.at_timedelta equals level: bisection on the package's own
    dose-rate function, which falls strictly."""
    low, high = 0.0, max(guess, 1.0)
    while curve.at_timedelta(high) > level:
        low, high = high, 2 * high
    for _ in range(200):
        mid = (low + high) / 2
        if curve.at_timedelta(mid) > level:
            low = mid
        else:
            high = mid
    return (low + high) / 2


def vectors(name, model, params, distance):
    curve = glowgreen.Clearance_1m(model, list(params), distance)
    initial = float(curve.at_timedelta(0.0))
    levels = sorted({round(initial * f, 12) for f in LEVEL_FRACTIONS}
                    | {v for v in ABSOLUTE_LEVELS if v < initial}, reverse=True)
    times = []
    for level in levels:
        hours = float(curve.get_timedelta(level))
        method = 'get_timedelta'
        residual = abs(float(curve.at_timedelta(hours)) - level) / level
        if residual > 1e-10:
            hours = bisect_time(curve, level, hours)
            method = 'bisection on at_timedelta (get_timedelta residual %.3g)' % residual
        times.append({'level_usv_h': level, 'hours': hours, 'time_method': method})
    return {
        'name': name,
        'model': model,
        'params': params,
        'distance_m': distance,
        'initial_1m_usv_h': initial,
        'dose_rates': [{'hours': t, 'usv_h': float(curve.at_timedelta(t))} for t in TIMES_H],
        'times_to_level': times,
    }


def main():
    installed = version('glowgreen')
    json.dump({'package_version': installed, 'expected_version': EXPECTED_VERSION,
               'distance_exponent': 1.5,
               'curves': [vectors(*curve) for curve in CURVES]}, sys.stdout, indent=1)


if __name__ == '__main__':
    main()
