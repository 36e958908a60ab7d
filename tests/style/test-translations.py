#!/usr/bin/env python3
# Checks that every language in po/LINGUAS translates every message.
#
# The message template is extracted afresh from the files in po/POTFILES.in
# with xgettext and the arguments of Meson's "glib" gettext preset (what
# `meson compile idem-pot` uses), so a string added to the code and not yet
# translated fails here.  A message counts as translated when po/<lang>.po has
# it with a non-empty translation (every plural form) and no "fuzzy" flag.
# msgfmt --check also validates each catalogue (header, format strings).
#
# SPDX-License-Identifier: MPL-2.0

import os
import re
import shutil
import subprocess
import tempfile

from srctree import Tap, source_dir

PACKAGE = 'idem'
REQUIRED_LANGUAGES = ('fr', 'ar')

# Meson's i18n module, preset 'glib' (mesonbuild/modules/i18n.py), plus the
# arguments its gettext script always adds.
XGETTEXT_PRESET = [
    '--from-code=UTF-8',
    '--add-comments',
    '--keyword=_',
    '--keyword=N_',
    '--keyword=C_:1c,2',
    '--keyword=NC_:1c,2',
    '--keyword=g_dcgettext:2',
    '--keyword=g_dngettext:2,3',
    '--keyword=g_dpgettext2:2c,3',
    '--flag=N_:1:pass-c-format',
    '--flag=C_:2:pass-c-format',
    '--flag=NC_:2:pass-c-format',
    '--flag=g_dngettext:2:pass-c-format',
    '--flag=g_strdup_printf:1:c-format',
    '--flag=g_string_printf:2:c-format',
    '--flag=g_string_append_printf:2:c-format',
    '--flag=g_error_new:3:c-format',
    '--flag=g_set_error:4:c-format',
    '--flag=g_markup_printf_escaped:1:c-format',
    '--flag=g_log:3:c-format',
    '--flag=g_print:1:c-format',
    '--flag=g_printerr:1:c-format',
    '--flag=g_printf:1:c-format',
    '--flag=g_fprintf:2:c-format',
    '--flag=g_sprintf:2:c-format',
    '--flag=g_snprintf:3:c-format',
]

ESCAPES = {'n': '\n', 't': '\t', 'r': '\r', '"': '"', '\\': '\\', 'a': '\a', 'b': '\b',
           'f': '\f', 'v': '\v'}


def unquote(token):
    """The text of one PO string literal: "a\\tb" -> a<TAB>b."""
    body = token.strip()[1:-1]
    out = []
    i = 0
    while i < len(body):
        c = body[i]
        if c == '\\' and i + 1 < len(body):
            i += 1
            out.append(ESCAPES.get(body[i], body[i]))
        else:
            out.append(c)
        i += 1
    return ''.join(out)


class Entry:
    def __init__(self):
        self.context = None
        self.msgid = None
        self.plural = None
        self.msgstr = {}
        self.fuzzy = False
        self.line = 0
        self.location = ''

    def key(self):
        return (self.context, self.msgid)

    def describe(self):
        text = self.msgid.replace('\n', '\\n')
        if len(text) > 70:
            text = text[:67] + '...'
        return ('[%s] ' % self.context if self.context else '') + '"%s"' % text


def parse_po(path):
    """The entries of a PO file, obsolete (#~) ones left out."""
    entries = []
    entry = Entry()
    field = None

    def finish():
        nonlocal entry, field
        if entry.msgid is not None:
            entries.append(entry)
        entry = Entry()
        field = None

    with open(path, encoding='utf-8') as f:
        for number, raw in enumerate(f, 1):
            line = raw.strip()
            if not line:
                finish()
                continue
            if line.startswith('#'):
                if entry.msgid is not None and field is not None:
                    finish()
                if line.startswith('#:') and not entry.location:
                    entry.location = line[2:].split()[0] if line[2:].split() else ''
                if line.startswith('#,') and 'fuzzy' in [flag.strip() for flag in line[2:].split(',')]:
                    entry.fuzzy = True
                continue
            if line.startswith('"'):
                if field is None:
                    raise ValueError('%s:%d: a string outside any field' % (path, number))
                kind, index = field
                if kind == 'msgstr':
                    entry.msgstr[index] += unquote(line)
                else:
                    setattr(entry, kind, getattr(entry, kind) + unquote(line))
                continue

            keyword, _, rest = line.partition(' ')
            if keyword == 'msgctxt' or (keyword == 'msgid' and field is not None
                                        and field[0] == 'msgstr'):
                finish()
            if keyword in ('msgctxt', 'msgid'):
                if not entry.line:
                    entry.line = number
                setattr(entry, 'context' if keyword == 'msgctxt' else 'msgid', unquote(rest))
                field = ('context' if keyword == 'msgctxt' else 'msgid', None)
            elif keyword == 'msgid_plural':
                entry.plural = unquote(rest)
                field = ('plural', None)
            elif keyword == 'msgstr' or keyword.startswith('msgstr['):
                index = int(keyword[7:-1]) if keyword != 'msgstr' else 0
                entry.msgstr[index] = unquote(rest)
                field = ('msgstr', index)
            else:
                raise ValueError('%s:%d: unexpected "%s"' % (path, number, keyword))
    finish()
    return entries


def read_linguas(path):
    languages = []
    with open(path, encoding='utf-8') as f:
        for line in f:
            line = line.strip()
            if line and not line.startswith('#'):
                languages += line.split()
    return languages


def extract_template(root, scratch):
    """Runs xgettext over po/POTFILES.in; returns (entries, error text)."""
    pot = os.path.join(scratch, PACKAGE + '.pot')
    command = ['xgettext', '--package-name=' + PACKAGE, '--force-po',
               '-f', os.path.join(root, 'po', 'POTFILES.in'), '-D', root, '-k_',
               '-o', pot] + XGETTEXT_PRESET
    result = subprocess.run(command, cwd=scratch, capture_output=True, text=True)
    if result.returncode != 0:
        return None, result.stderr
    return [e for e in parse_po(pot) if e.msgid != ''], result.stderr


# A message that ends inside a printf directive was cut short by a macro such
# as G_GSIZE_FORMAT: xgettext extracts only the literal part, while the program
# looks up the whole string, so no translation can ever match it.
CUT_DIRECTIVE = re.compile(r'(?<!%)(?:%%)*%[-+ #0-9.*]*[hlLqjzt]*$')


def check_cut_messages(tap, template):
    cut = [message for message in template or []
           if CUT_DIRECTIVE.search(message.msgid)
           or (message.plural is not None and CUT_DIRECTIVE.search(message.plural))]
    tap.result(not cut,
               'no message is cut short by a format macro (G_GSIZE_FORMAT and the like '
               'cannot be inside a translatable string)',
               ['cut: ' + message.describe() + ' at ' + message.location for message in cut])


def check_language(tap, root, language, template):
    po = os.path.join(root, 'po', language + '.po')
    if not os.path.isfile(po):
        tap.result(False, '%s: po/%s.po exists' % (language, language))
        tap.result(False, '%s: msgfmt --check accepts po/%s.po' % (language, language))
        return

    tap.result(True, '%s: po/%s.po exists' % (language, language))

    result = subprocess.run(['msgfmt', '--check', '--output-file=' + os.devnull, po],
                            capture_output=True, text=True)
    tap.result(result.returncode == 0,
               '%s: msgfmt --check accepts po/%s.po' % (language, language),
               [result.stderr])

    if template is None:
        tap.result(False, '%s: every message is translated (no template)' % language)
        return

    try:
        catalogue = {entry.key(): entry for entry in parse_po(po)}
    except ValueError as error:
        tap.result(False, '%s: every message is translated' % language, [str(error)])
        return

    problems = []
    for message in template:
        entry = catalogue.get(message.key())
        if entry is None:
            problems.append('missing:      ' + message.describe())
        elif entry.fuzzy:
            problems.append('fuzzy:        ' + message.describe())
        elif not entry.msgstr or any(text == '' for text in entry.msgstr.values()):
            problems.append('untranslated: ' + message.describe())
        elif message.plural is not None and entry.plural is None:
            problems.append('no plural:    ' + message.describe())

    if problems:
        tap.result(False, '%s: %d of %d messages are not translated in po/%s.po '
                   '(update it with `meson compile idem-update-po`, then translate)'
                   % (language, len(problems), len(template), language), problems)
    else:
        tap.result(True, '%s: all %d messages are translated' % (language, len(template)))


def main():
    root = source_dir()
    for tool in ('xgettext', 'msgfmt'):
        if shutil.which(tool) is None:
            print('Bail out! %s is not installed (the gettext package; tools/install-deps installs it)'
                  % tool)
            raise SystemExit(1)

    linguas = os.path.join(root, 'po', 'LINGUAS')
    languages = read_linguas(linguas) if os.path.isfile(linguas) else []
    catalogues = sorted(name[:-3] for name in os.listdir(os.path.join(root, 'po'))
                        if name.endswith('.po'))

    tap = Tap(4 + 3 * len(languages))

    absent = [language for language in REQUIRED_LANGUAGES if language not in languages]
    tap.result(not absent, 'po/LINGUAS has %s' % ' and '.join(REQUIRED_LANGUAGES),
               ['missing: ' + language for language in absent])

    unlisted = [language for language in catalogues if language not in languages]
    tap.result(not unlisted, 'every po/*.po is listed in po/LINGUAS',
               ['po/%s.po is not in po/LINGUAS, so it is never built' % language
                for language in unlisted])

    with tempfile.TemporaryDirectory() as scratch:
        template, errors = extract_template(root, scratch)
    tap.result(template is not None,
               'xgettext extracts the template from po/POTFILES.in (%d messages)'
               % (len(template) if template is not None else 0),
               [errors] if errors else [])

    check_cut_messages(tap, template)

    for language in languages:
        check_language(tap, root, language, template)

    tap.exit()


if __name__ == '__main__':
    main()
