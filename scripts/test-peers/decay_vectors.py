#!/usr/bin/env python3
"""Decay vectors for the Swift chain arithmetic (DoseCore `Inventory`), from `radioactivedecay`.

For each parent named on the command line (default: the ward nuclides), 1 Bq of the parent is
decayed with the package's default ICRP-107 data set and the activity of the parent and of every
radioactive progeny is printed after each time. Prints one JSON document on stdout:

  {"package_version": "0.6.1", "expected_version": "0.6.1", "dataset": "...",
   "times_s": [3600, ...], "results": {"Lu-177m": [{"Lu-177m": ..., "Lu-177": ...}, ...]}}

Needs: python3 -m pip install radioactivedecay==0.6.1
"""

import json
import sys

try:
    import radioactivedecay as rd
except ImportError as error:  # the Swift test turns this into an install hint
    print(f'radioactivedecay is not installed ({error}): '
          'python3 -m pip install radioactivedecay==0.6.1', file=sys.stderr)
    sys.exit(3)

EXPECTED_VERSION = '0.6.1'
# 1 h, 1 d, 10 d, 100 d, 1000 d.
TIMES_S = [3600.0, 86400.0, 864000.0, 8640000.0, 86400000.0]
DEFAULT_PARENTS = ['Lu-177', 'Lu-177m', 'I-131', 'Y-90', 'Ra-223', 'Ac-225', 'Ga-68', 'F-18',
                   'Tc-99m', 'Sm-153', 'In-111', 'Sr-89', 'Cs-137', 'Co-60']


def decayed(parent, seconds):
    inventory = rd.Inventory({parent: 1.0}, 'Bq').decay(seconds, 's')
    activities = inventory.activities('Bq')
    # Stable nuclides appear with activity 0; only radioactive ones are compared.
    return {str(name): float(value) for name, value in activities.items()
            if rd.Nuclide(str(name)).half_life('s') != float('inf')}


def main():
    parents = sys.argv[1:] or DEFAULT_PARENTS
    results = {parent: [decayed(parent, t) for t in TIMES_S] for parent in parents}
    json.dump({'package_version': rd.__version__, 'expected_version': EXPECTED_VERSION,
               'dataset': str(rd.DEFAULTDATA.dataset_name), 'times_s': TIMES_S,
               'results': results}, sys.stdout, indent=1, sort_keys=True)
    print()


if __name__ == '__main__':
    main()
