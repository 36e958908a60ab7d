#!/usr/bin/env python3
# SPDX-License-Identifier: MPL-2.0
#
# Reads numbers, one a line, and answers each with python-stdnum's Verhoeff
# check digit for it and whether it is valid as it stands: "<digit> <0|1>".
# test-identifiers-oracle compares these answers with libcore's.

import sys

from stdnum import verhoeff

out = []
for line in sys.stdin:
    number = line.strip()
    out.append('%s %d' % (verhoeff.calc_check_digit(number), verhoeff.is_valid(number)))
sys.stdout.write('\n'.join(out) + '\n')
