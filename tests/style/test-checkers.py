#!/usr/bin/env python3
# Proves that the style checks can fail.  Each case builds a small source
# tree in a scratch directory (no git: the checks then walk the tree), runs
# one check on it through IDEM_SOURCE_DIR, and expects it to pass on the
# consistent tree and to fail, naming the culprit, on each broken copy.
#
# SPDX-License-Identifier: MPL-2.0

import os
import shutil
import subprocess
import sys
import tempfile

from srctree import Tap, source_dir

ROOT = source_dir()
HERE = os.path.join(ROOT, 'tests', 'style')

WINDOW_C = '''\
/* demo-window.c
 *
 * SPDX-License-Identifier: MPL-2.0
 */

#include "config.h"

#include <glib/gi18n.h>

const char *
demo_window_title (int count)
{
  if (count > 1)
    return g_dngettext (NULL, "One resident", "%d residents", count);

  return _("Log in");
}
'''

# Gettext markers only inside a comment, a string and __attribute__((...)),
# and a lookup of a variable: nothing xgettext would extract, so POTFILES.in
# need not list it.
NOTE_C = '''\
/* idem-note.c -- strings are marked with _() in the applications
 *
 * SPDX-License-Identifier: MPL-2.0
 */

#include "config.h"

__attribute__((unused)) static const char *marker = "_(\\"not a call\\")";

const char *
idem_note_lookup (const char *msgid)
{
  if (*gettext ("") == '\\0')
    return msgid;

  return g_dgettext (GETTEXT_PACKAGE, msgid);
}
'''

WINDOW_UI = '''\
<?xml version="1.0" encoding="UTF-8"?>
<interface>
  <template class="DemoWindow" parent="GtkWindow">
    <property name="title" translatable="yes">Welcome</property>
  </template>
</interface>
'''

DESKTOP_IN = '''\
[Desktop Entry]
Type=Application
Name=Idem Demo
Exec=idem-demo
'''

# A test may use _() to compare against translations: tests are not listed.
TEST_C = 'static const char *s = _("Only in a test");\n'

PO_HEADER = '''\
msgid ""
msgstr ""
"Project-Id-Version: idem\\n"
"Report-Msgid-Bugs-To: \\n"
"PO-Revision-Date: 2024-01-01 00:00+0000\\n"
"Last-Translator: Idem <idem@example.org>\\n"
"Language-Team: {team}\\n"
"Language: {lang}\\n"
"MIME-Version: 1.0\\n"
"Content-Type: text/plain; charset=UTF-8\\n"
"Content-Transfer-Encoding: 8bit\\n"
"Plural-Forms: {plural}\\n"
'''

TRANSLATIONS = {
    'fr': ('French', 'nplurals=2; plural=(n > 1);', {
        'One resident': ['Un résident', '%d résidents'],
        'Log in': 'Se connecter',
        'Welcome': 'Bienvenue',
        'Idem Demo': 'Démo Idem',
    }),
    'ar': ('Arabic', 'nplurals=6; plural=n==0 ? 0 : n==1 ? 1 : n==2 ? 2 : '
           'n%100>=3 && n%100<=10 ? 3 : n%100>=11 ? 4 : 5;', {
               'One resident': ['لا مقيمين', 'مقيم واحد', 'مقيمان', '%d مقيمين',
                                '%d مقيمًا', '%d مقيم'],
               'Log in': 'تسجيل الدخول',
               'Welcome': 'مرحبًا',
               'Idem Demo': 'عرض Idem',
           }),
}


def po_text(lang, fuzzy=(), drop=(), blank=()):
    team, plural, messages = TRANSLATIONS[lang]
    out = [PO_HEADER.format(team=team, lang=lang, plural=plural)]
    for msgid, msgstr in messages.items():
        if msgid in drop:
            continue
        out.append('')
        if msgid in fuzzy:
            out.append('#, fuzzy')
        out.append('msgid "%s"' % msgid)
        if isinstance(msgstr, list):
            out[-1:-1] = ['#, c-format']
            out.append('msgid_plural "%d residents"')
            out += ['msgstr[%d] "%s"' % (i, text) for i, text in enumerate(msgstr)]
        else:
            out.append('msgstr "%s"' % ('' if msgid in blank else msgstr))
    return '\n'.join(out) + '\n'


def write(root, path, text):
    full = os.path.join(root, path)
    os.makedirs(os.path.dirname(full), exist_ok=True)
    with open(full, 'w', encoding='utf-8') as f:
        f.write(text)


def consistent_tree(root):
    write(root, 'apps/demo/demo-window.c', WINDOW_C)
    write(root, 'libcore/idem-note.c', NOTE_C)
    write(root, 'data/ui/demo/demo-window.ui', WINDOW_UI)
    write(root, 'data/org.idem.Demo.desktop.in', DESKTOP_IN)
    write(root, 'tests/test-demo.c', TEST_C)
    write(root, 'po/LINGUAS', 'fr\nar\n')
    write(root, 'po/POTFILES.in', '# sorted\napps/demo/demo-window.c\n'
          'data/org.idem.Demo.desktop.in\ndata/ui/demo/demo-window.ui\n')
    write(root, 'po/fr.po', po_text('fr'))
    write(root, 'po/ar.po', po_text('ar'))
    # tools/format and its configuration, for the format check.
    write(root, 'uncrustify.cfg', open(os.path.join(ROOT, 'uncrustify.cfg'), encoding='utf-8').read())
    os.makedirs(os.path.join(root, 'tools'), exist_ok=True)
    shutil.copy(os.path.join(ROOT, 'tools', 'format'), os.path.join(root, 'tools', 'format'))
    # A generated file in a build directory is not the tree's: never checked.
    write(root, '_build/meson-private/.keep', '')
    write(root, '_build/generated.c', 'int  generated(void){return 0;}\n')


def run_check(root, script, *args):
    env = dict(os.environ, IDEM_SOURCE_DIR=root)
    return subprocess.run([sys.executable, os.path.join(HERE, script), *args],
                          env=env, capture_output=True, text=True)


def breaks(*fragments):
    """Expects a failed check whose report names each fragment."""
    return lambda result: (result.returncode != 0
                           and all(f in result.stdout for f in fragments))


def passes(result):
    return result.returncode == 0


def delete(path):
    return lambda root: os.remove(os.path.join(root, path))


def put(path, text):
    return lambda root: write(root, path, text)


CASES = [
    ('potfiles passes on a consistent tree',
     'test-potfiles.py', (), None, passes),
    ('potfiles names a C file with _() that is not listed',
     'test-potfiles.py', (), put('apps/demo/demo-page.c', 'x = _("Next");\n'),
     breaks('not listed: apps/demo/demo-page.c')),
    ('potfiles names a .ui file with translatable="yes" that is not listed',
     'test-potfiles.py', (), put('data/ui/demo/demo-page.ui', WINDOW_UI),
     breaks('not listed: data/ui/demo/demo-page.ui')),
    ('potfiles names a listed file that does not exist',
     'test-potfiles.py', (), delete('data/org.idem.Demo.desktop.in'),
     breaks('no such file, line 3: data/org.idem.Demo.desktop.in')),
    ('potfiles names a listed file with nothing to translate',
     'test-potfiles.py', (), put('apps/demo/demo-window.c', NOTE_C),
     breaks('nothing to translate, line 2: apps/demo/demo-window.c')),
    ('potfiles fails on an unsorted list',
     'test-potfiles.py', (),
     put('po/POTFILES.in', 'data/ui/demo/demo-window.ui\napps/demo/demo-window.c\n'
         'data/org.idem.Demo.desktop.in\n'),
     breaks('apps/demo/demo-window.c comes after data/ui/demo/demo-window.ui')),
    ('translations passes on a consistent tree',
     'test-translations.py', (), None, passes),
    ('translations names a fuzzy French message',
     'test-translations.py', (), put('po/fr.po', po_text('fr', fuzzy=('Welcome',))),
     breaks('not ok', 'fuzzy:        "Welcome"')),
    ('translations names a message missing from the Arabic catalogue',
     'test-translations.py', (), put('po/ar.po', po_text('ar', drop=('Idem Demo',))),
     breaks('ar: 1 of 4 messages', 'missing:      "Idem Demo"')),
    ('translations names a message left with an empty translation',
     'test-translations.py', (), put('po/fr.po', po_text('fr', blank=('Log in',))),
     breaks('fr: 1 of 4 messages', 'untranslated: "Log in"')),
    ('translations names a new string nobody translated',
     'test-translations.py', (),
     put('apps/demo/demo-window.c', WINDOW_C.replace('_("Log in")', '_("Sign in")')),
     breaks('fr: 1 of 4', 'ar: 1 of 4', 'missing:      "Sign in"')),
    ('translations names a message cut short by a format macro',
     'test-translations.py', (),
     put('apps/demo/demo-window.c',
         WINDOW_C.replace('_("Log in")', 'g_strdup_printf (_("Read %" G_GSIZE_FORMAT " bytes"), n)')),
     breaks('not ok 4 - no message is cut short', 'cut: "Read %" at apps/demo/demo-window.c:16')),
    ('translations fails when po/LINGUAS lacks Arabic',
     'test-translations.py', (), put('po/LINGUAS', 'fr\n'),
     breaks('not ok 1 - po/LINGUAS has fr and ar', 'missing: ar')),
    ('translations fails when msgfmt --check rejects a catalogue',
     'test-translations.py', (),
     put('po/fr.po', po_text('fr').replace('%d résidents', '%s résidents')),
     breaks('not ok 6 - fr: msgfmt --check')),
    ('format passes on a formatted tree, build directories left out',
     'test-format.py', ('tree',), None, passes),
    ('format names a misformatted file of a tree outside git',
     'test-format.py', ('tree',), put('libcore/idem-bad.c', 'int  idem_bad(void){return 0;}\n'),
     breaks('libcore/idem-bad.c')),
]


def main():
    tap = Tap(len(CASES))
    for description, script, args, breakage, expect in CASES:
        with tempfile.TemporaryDirectory() as root:
            root = os.path.realpath(root)
            consistent_tree(root)
            if breakage is not None:
                breakage(root)
            result = run_check(root, script, *args)
            tap.result(expect(result), description,
                       ['exit status %d' % result.returncode, result.stdout, result.stderr])
    tap.exit()


if __name__ == '__main__':
    main()
