#!/usr/bin/env python3
"""Seeded mutations of valid case files, for checking that appui accepts
exactly what the schema accepts (tests/e2e/schema.sh).

usage: mutate.py SOURCE_DIR OUT_DIR COUNT [--seed N]

Each output file is a source file with one to three mutations: an attribute
removed or given an odd value, odd text content, a line removed, doubled,
moved or replaced by stray text or an unknown element, an element renamed
or emptied, a comment, processing instruction, CDATA section or reference in
the middle of a value, an attribute in a foreign namespace, another root or
namespace, whitespace in attribute values, a truncated file. Same seed, same
files.
"""
import argparse
import os
import random
import re

ODD = ['abc', '-1', '', ' ', '12,5', 'x' * 100, '2019-02-30', '2019-13-01',
       '0', '1e3', '99999999999999999999', ' 12 ', 'é', '&amp;', '&#233;',
       '&lt;x&gt;', '1800', '2999', 'NaN', '-0', '101', '1.5']
INSIDE = ['<!--c-->', '<?pi x?>', '<![CDATA[z]]>', '&amp;', '&#10;', '&#x31;']


def mutate(rnd, t):
    lines = t.split('\n')

    def at():
        return rnd.randrange(2, max(3, len(lines) - 1))

    def pick(pattern):
        found = list(re.finditer(pattern, t))
        return rnd.choice(found) if found else None

    k = rnd.randrange(17)
    if k == 0 and (m := pick(r' [a-z-]+="[^"]*"')):
        return t[:m.start()] + t[m.end():]
    if k == 1 and (m := pick(r'="[^"]*"')):
        return t[:m.start()] + '="' + rnd.choice(ODD) + '"' + t[m.end():]
    if k == 2 and (m := pick(r'>([^<>]+)</')):
        return t[:m.start(1)] + rnd.choice(ODD) + t[m.end(1):]
    if k == 3:
        del lines[at()]
    elif k == 4:
        i = at()
        lines.insert(i, lines[min(i, len(lines) - 1)])
    elif k == 5:
        lines.insert(at(), '<foo x="1"/>')
    elif k == 6:
        lines.insert(at(), 'stray text')
    elif k == 7:
        i, j = at(), at()
        if i < len(lines) and j < len(lines):
            lines[i], lines[j] = lines[j], lines[i]
    elif k == 8 and (m := pick(r'<([a-z-]+)[ >/]')):
        name = rnd.choice(['site', 'theme', 'indicator', 'note', 'bar',
                           'window'])
        return t[:m.start(1)] + name + t[m.end(1):]
    elif k == 9 and (m := pick(r'>([^<>]+)</')):
        mid = (m.start(1) + m.end(1)) // 2
        return t[:mid] + rnd.choice(INSIDE) + t[mid:]
    elif k == 10:
        return t[:rnd.randrange(len(t))]
    elif k == 11 and (m := pick(r'<([a-z-]+) ')):
        return t[:m.end()] + 'xmlns:z="urn:z" z:ref="q" ' + t[m.end():]
    elif k == 12:
        if rnd.random() < .5:
            ns = rnd.choice(['urn:appui:casefile:2', '', 'urn:x'])
            return t.replace('urn:appui:casefile:1', ns, 1)
        return t.replace('<casefile', '<casefil', 1).replace(
            '</casefile', '</casefil', 1)
    elif k == 13:
        lines.insert(at(), '<z:foo xmlns:z="urn:z"/>')
    elif k == 14 and (m := pick(r'="([^"]*)"')):
        return (t[:m.start(1)] + '\n\t' + t[m.start(1):m.end(1)] + ' \n' +
                t[m.end(1):])
    elif k == 15 and (m := pick(r'<([a-z-]+)([^>]*)>([^<]*)</\1>')):
        return t[:m.start()] + '<%s%s/>' % (m.group(1), m.group(2)) + \
            t[m.end():]
    elif k == 16:
        return re.sub(r'date="(\d{4})',
                      lambda d: 'date="%d' % (int(d.group(1)) +
                                              rnd.choice([-30, 5, 900])),
                      t, count=1)
    return '\n'.join(lines)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('source')
    ap.add_argument('out')
    ap.add_argument('count', type=int)
    ap.add_argument('--seed', type=int, default=1)
    a = ap.parse_args()
    rnd = random.Random(a.seed)
    files = sorted(os.path.join(d, f) for d, _, fs in os.walk(a.source)
                   for f in fs if f.endswith('.xml'))
    os.makedirs(a.out, exist_ok=True)
    for i in range(a.count):
        with open(rnd.choice(files), encoding='utf-8') as f:
            t = f.read()
        for _ in range(rnd.choice([1, 1, 1, 2, 3])):
            t = mutate(rnd, t)
        with open(os.path.join(a.out, 'm%05d.xml' % i), 'w',
                  encoding='utf-8') as f:
            f.write(t)


if __name__ == '__main__':
    main()
