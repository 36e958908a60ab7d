# The source tree the style tests look at, and a few TAP helpers.
#
# SPDX-License-Identifier: MPL-2.0

import os
import subprocess
import sys


def source_dir():
    """The source directory: IDEM_SOURCE_DIR (set by meson's test_env), or the
    tree this file belongs to when run by hand."""
    path = os.environ.get('IDEM_SOURCE_DIR')
    if not path:
        path = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..')
    return os.path.realpath(path)


def _is_build_dir(path, name):
    return (name == '.git' or name.startswith('_build') or name.startswith('build')
            or os.path.isdir(os.path.join(path, 'meson-private')))


def _git_files(root):
    try:
        toplevel = subprocess.run(['git', '-C', root, 'rev-parse', '--show-toplevel'],
                                  capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return None
    if os.path.realpath(toplevel) != root:
        return None
    out = subprocess.run(['git', '-C', root, 'ls-files', '-z', '--cached', '--others',
                          '--exclude-standard'],
                         capture_output=True, check=True).stdout
    return [f.decode('utf-8') for f in out.split(b'\0') if f]


def tree_files(root):
    """Every file of the tree, relative to root and sorted: what git tracks or
    would add, or, outside a git checkout, everything but build directories."""
    files = _git_files(root)
    if files is None:
        files = []
        for dirpath, dirnames, filenames in os.walk(root):
            dirnames[:] = [d for d in dirnames
                           if not _is_build_dir(os.path.join(dirpath, d), d)]
            for name in filenames:
                files.append(os.path.relpath(os.path.join(dirpath, name), root))
    # A file deleted from the work tree but still in git's index is gone.
    return sorted(f for f in files if os.path.isfile(os.path.join(root, f)))


class Tap:
    """Prints a TAP stream: one line per check, diagnostics as comments."""

    def __init__(self, count):
        self.number = 0
        self.failed = 0
        print('1..%d' % count, flush=True)

    def result(self, passed, description, diagnostics=()):
        self.number += 1
        if not passed:
            self.failed += 1
        print('%s %d - %s' % ('ok' if passed else 'not ok', self.number, description))
        lines = [part for line in diagnostics for part in (str(line).splitlines() or [''])]
        for part in lines:
            print('# ' + part)
        sys.stdout.flush()
        # meson test --print-errorlogs shows stderr: say there what went wrong.
        if not passed:
            print('FAILED: ' + description, file=sys.stderr)
            for part in lines:
                print('  ' + part, file=sys.stderr)
            sys.stderr.flush()

    def exit(self):
        sys.exit(1 if self.failed else 0)
