#!/usr/bin/env python3
# Checks po/POTFILES.in against the tree: every file with translatable strings
# is listed, every listed file exists and has some, and the list is sorted
# without repeats.
#
# A file has translatable strings when it is
#   - C code calling a gettext marker on a string literal: _(), N_(), C_(),
#     NC_(), ngettext (), g_dngettext (), g_dpgettext2 ()... (comments and
#     the contents of string literals ignored);
#   - a GtkBuilder .ui or other XML file with a translatable="yes" property;
#   - a GSettings schema with a <summary> or <description>;
#   - a .desktop.in file with a Name, GenericName, Comment or Keywords key;
#   - an AppStream .metainfo.xml.in file with a name, summary or description.
# Tests, benchmarks, tools and po/ itself are not translated.
#
# SPDX-License-Identifier: MPL-2.0

import os
import re

from srctree import Tap, source_dir, tree_files

NOT_TRANSLATED = ('tests/', 'bench/', 'tools/', 'po/', '.ci/', 'subprojects/')

# The keywords xgettext looks for with Meson's glib preset (plus its own C
# defaults), and a non-empty string literal where the message goes: first
# argument, or second after a text domain.  A call with a variable, or with
# the empty string, extracts nothing.
GETTEXT_CALL = re.compile(r'(?<![A-Za-z0-9_])'
                          r'(?:(?:_|N_|C_|NC_|gettext|ngettext|pgettext|npgettext)\s*\(\s*"x'
                          r'|(?:dc?n?p?gettext|g_dcgettext|g_dngettext|g_dpgettext2)'
                          r'\s*\([^,()]*,\s*"x)')
C_NOISE = re.compile(r'/\*.*?\*/|//[^\n]*|"(?:\\.|[^"\\\n])*"|\'(?:\\.|[^\'\\\n])*\'', re.S)
TRANSLATABLE_ATTR = re.compile(r'\btranslatable\s*=\s*["\'](?:yes|true|1)["\']', re.I)
SCHEMA_TEXT = re.compile(r'<(summary|description)\b')
DESKTOP_KEY = re.compile(r'^(Name|GenericName|Comment|Keywords|X-GNOME-FullName)\s*=', re.M)
METAINFO_TEXT = re.compile(r'<(name|summary|description|developer_name)\b')


def has_c_strings(text):
    # Blank out comments and the contents of literals, so "_(" in a comment or
    # a string (or the end of "__attribute__((") does not count.  A non-empty
    # string becomes "x": xgettext skips the empty message, which is reserved
    # for the catalogue header.
    def blank(match):
        token = match.group(0)
        if token[0] == '"':
            return '""' if token == '""' else '"x"'
        return "' '" if token[0] == "'" else ' '

    code = C_NOISE.sub(blank, text)
    return GETTEXT_CALL.search(code) is not None


def translatable(path, text):
    name = os.path.basename(path)
    if name.endswith(('.c', '.h')):
        return has_c_strings(text)
    if name.endswith('.gschema.xml'):
        return SCHEMA_TEXT.search(text) is not None
    if name.endswith(('.metainfo.xml.in', '.appdata.xml.in')):
        return METAINFO_TEXT.search(text) is not None
    if name.endswith('.desktop.in'):
        return DESKTOP_KEY.search(text) is not None
    if name.endswith(('.ui', '.xml', '.xml.in')):
        return TRANSLATABLE_ATTR.search(text) is not None
    return False


def read_potfiles(path):
    entries = []
    with open(path, encoding='utf-8') as f:
        for number, line in enumerate(f, 1):
            line = line.strip()
            if not line or line.startswith('#'):
                continue
            # "[type: gettext/glade]data/foo.ui" names a file with its type.
            line = re.sub(r'^\[[^]]*\]\s*', '', line)
            entries.append((number, line))
    return entries


def main():
    root = source_dir()
    potfiles_in = os.path.join(root, 'po', 'POTFILES.in')
    tap = Tap(5)

    if not os.path.isfile(potfiles_in):
        print('Bail out! po/POTFILES.in is missing')
        raise SystemExit(1)

    entries = read_potfiles(potfiles_in)
    listed = [path for _, path in entries]

    needed = []
    for path in tree_files(root):
        if path.startswith(NOT_TRANSLATED):
            continue
        try:
            with open(os.path.join(root, path), encoding='utf-8') as f:
                text = f.read()
        except (UnicodeDecodeError, OSError):
            continue
        if translatable(path, text):
            needed.append(path)

    missing = [path for path in needed if path not in listed]
    tap.result(not missing,
               'every file with translatable strings is in po/POTFILES.in',
               ['not listed: ' + path for path in missing])

    absent = ['line %d: %s' % (number, path) for number, path in entries
              if not os.path.isfile(os.path.join(root, path))]
    tap.result(not absent, 'every file listed in po/POTFILES.in exists',
               ['no such file, ' + entry for entry in absent])

    stale = ['line %d: %s' % (number, path) for number, path in entries
             if os.path.isfile(os.path.join(root, path)) and path not in needed
             and not path.startswith(NOT_TRANSLATED)]
    tap.result(not stale, 'every file listed in po/POTFILES.in has translatable strings',
               ['nothing to translate, ' + entry for entry in stale])

    disorder = ['line %d: %s comes after %s' % (entries[i][0], entries[i][1], entries[i - 1][1])
                for i in range(1, len(entries)) if entries[i][1] < entries[i - 1][1]]
    tap.result(not disorder, 'po/POTFILES.in is sorted', disorder)

    seen = set()
    repeated = []
    for number, path in entries:
        if path in seen:
            repeated.append('line %d: %s' % (number, path))
        seen.add(path)
    tap.result(not repeated, 'po/POTFILES.in lists each file once',
               ['listed again, ' + entry for entry in repeated])

    tap.exit()


if __name__ == '__main__':
    main()
