#!/usr/bin/env python3
# Checks the layout of C code with tools/format.
#
#   test-format.py tree   every C file of the source tree is formatted
#   test-format.py tool   tools/format itself: it accepts the reference samples,
#                         rejects a misformatted copy with a diff, and formats
#                         that copy back into the reference
#
# SPDX-License-Identifier: MPL-2.0

import os
import re
import shutil
import subprocess
import sys
import tempfile

from srctree import Tap, source_dir

ROOT = source_dir()
FORMAT = os.path.join(ROOT, 'tools', 'format')
SAMPLES = os.path.join(ROOT, 'tests', 'style', 'samples')


def run_format(*args, cwd=ROOT):
    return subprocess.run([FORMAT, *args], cwd=cwd, capture_output=True, text=True)


def test_tree():
    tap = Tap(1)
    result = run_format('--check')
    bad = re.findall(r'^--- a/(.*)$', result.stdout, flags=re.M)
    if result.returncode == 0:
        tap.result(True, 'every C file of the tree is formatted')
    elif result.returncode == 1 and bad:
        tap.result(False, '%d C files are not formatted (fix them with tools/format FILE...): %s'
                   % (len(bad), ', '.join(bad)),
                   [result.stdout])
    else:
        tap.result(False, 'tools/format --check failed to run (exit status %d)' % result.returncode,
                   [result.stdout, result.stderr])
    tap.exit()


def test_tool():
    tap = Tap(6)
    with tempfile.TemporaryDirectory() as scratch:
        # Realistic names: tools/format treats headers differently.
        reference_c = os.path.join(scratch, 'reference.c')
        reference_h = os.path.join(scratch, 'reference.h')
        misformatted = os.path.join(scratch, 'misformatted.c')
        shutil.copyfile(os.path.join(SAMPLES, 'reference.c.sample'), reference_c)
        shutil.copyfile(os.path.join(SAMPLES, 'reference.h.sample'), reference_h)
        shutil.copyfile(os.path.join(SAMPLES, 'misformatted.c.sample'), misformatted)
        with open(reference_c, encoding='utf-8') as f:
            expected = f.read()
        with open(misformatted, encoding='utf-8') as f:
            original = f.read()

        result = run_format('--check', 'reference.c', 'reference.h', cwd=scratch)
        tap.result(result.returncode == 0 and result.stdout == '',
                   'the reference source and header pass the check',
                   [result.stdout, result.stderr])

        result = run_format('--check', 'misformatted.c', cwd=scratch)
        tap.result(result.returncode == 1
                   and result.stdout.startswith('--- a/misformatted.c\n+++ b/misformatted.c\n'),
                   'a misformatted file fails the check with a unified diff',
                   ['exit status %d' % result.returncode, result.stdout, result.stderr])

        with open(misformatted, encoding='utf-8') as f:
            tap.result(f.read() == original, '--check leaves the file as it was')

        result = run_format('misformatted.c', cwd=scratch)
        with open(misformatted, encoding='utf-8') as f:
            formatted = f.read()
        tap.result(result.returncode == 0 and formatted == expected,
                   'formatting the misformatted file gives back the reference',
                   [result.stderr] + ([] if formatted == expected else
                                      [subprocess.run(['diff', '-u', reference_c, misformatted],
                                                      capture_output=True, text=True).stdout]))

        result = run_format('--check', 'misformatted.c', cwd=scratch)
        tap.result(result.returncode == 0, 'formatting is stable: the result passes the check',
                   [result.stdout])

        result = run_format('--check', 'no-such-file.c', cwd=scratch)
        tap.result(result.returncode == 2 and 'no-such-file.c' in result.stderr,
                   'a missing file is an error that names it',
                   ['exit status %d' % result.returncode, result.stderr])
    tap.exit()


if __name__ == '__main__':
    if len(sys.argv) != 2 or sys.argv[1] not in ('tree', 'tool'):
        sys.exit('usage: test-format.py tree|tool')
    if shutil.which('uncrustify') is None:
        print('Bail out! uncrustify is not installed (tools/install-deps installs it)')
        sys.exit(1)
    test_tree() if sys.argv[1] == 'tree' else test_tool()
