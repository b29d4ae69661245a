#!/usr/bin/env python3
"""walk-diff.sh's two steps.
linediff.py --families W: groups W/rec/*.bin that libcper parsed (W/lc/N.rc 0, a line printed) by the section types
  libcper names in their descriptors: W/fam/FAMILY.bin (the records one after another), FAMILY.lc.ndjson (libcper's
  lines), FAMILY.ids (record numbers); a record with two families is in both. Prints libcper's refusals and hangs.
linediff.py LC AK IDS REC: compares the two NDJSON files line by line (JSON values, member order and text) and prints
  each kind of difference (path into the record's JSON) with a count and an example record file."""
import collections, json, os, re, sys

def families(w):
    fams = collections.defaultdict(list); rc = collections.Counter()
    for f in sorted(os.listdir(os.path.join(w, 'rec'))):
        n = f[:-4]
        code = open(os.path.join(w, 'lc', n + '.rc')).read().strip()
        line = open(os.path.join(w, 'lc', n + '.json')).read().strip()
        rc['rc=%s %s' % (code, 'line' if line else 'no line')] += 1
        if code != '0' or not line:
            continue
        for d in json.loads(line).get('sectionDescriptors', []):
            t = re.sub(r'[^A-Za-z0-9]+', '-', d['sectionType']['type']).strip('-')
            if n not in fams[t]:
                fams[t].append(n)
    os.makedirs(os.path.join(w, 'fam'), exist_ok=True)
    for t, ns in sorted(fams.items()):
        with open(os.path.join(w, 'fam', t + '.bin'), 'wb') as o, open(os.path.join(w, 'fam', t + '.lc.ndjson'), 'w') as e, \
             open(os.path.join(w, 'fam', t + '.ids'), 'w') as ids:
            for n in ns:
                o.write(open(os.path.join(w, 'rec', n + '.bin'), 'rb').read())
                e.write(open(os.path.join(w, 'lc', n + '.json')).read().rstrip('\n') + '\n')
                ids.write(n + '\n')
    print('libcper per record:', dict(rc))

def walk(x, y, p):
    if isinstance(x, dict) and isinstance(y, dict):
        for k in x:
            if k not in y: yield ('only-libcper', p + '.' + k)
            else: yield from walk(x[k], y[k], p + '.' + k)
        for k in y:
            if k not in x: yield ('only-apeikit', p + '.' + k)
        if [k for k in x if k in y] != [k for k in y if k in x]: yield ('order', p)
    elif isinstance(x, list) and isinstance(y, list):
        if len(x) != len(y): yield ('length', p)
        for u, v in zip(x, y): yield from walk(u, v, p + '[]')
    elif x != y or type(x) != type(y):
        yield ('value', p)

def compare(lc, ak, ids, rec):
    a = open(lc).read().splitlines(); b = open(ak).read().splitlines(); ids = open(ids).read().split()
    c = collections.Counter(); ex = {}; nd = 0
    for i, (x, y) in enumerate(zip(a, b)):
        if x == y: continue
        nd += 1
        try: kinds = set(walk(json.loads(x), json.loads(y), ''))
        except ValueError: kinds = {('not JSON', '')}
        for k in kinds or {('text only (escaping, number form)', '')}:
            c[k] += 1; ex.setdefault(k, ids[i])
    print('records: libcper %d, apeikit %d, differing %d' % (len(a), len(b), nd))
    for (kind, path), v in c.most_common(40):
        print('  %5d %-13s %s  e.g. %s/%s.bin' % (v, kind, path, rec, ex[(kind, path)]))

if sys.argv[1] == '--families': families(sys.argv[2])
else: compare(*sys.argv[1:5])
