#!/usr/bin/env python3
"""Mutated CPER corpus for comparing ApeiKit's libcper dialect with libcper itself (walk-diff.sh).

Every record of fixtures/**/*.cperhex and fixtures/libcper-walk/*.hex is kept as is and followed by 300 copies with 1-8
bytes of one section body changed (0x00, 0xFF, a random byte or one bit flipped), seeded, so the corpus is the same on
every machine for the same fixtures. Only bodies change (the record header and descriptors as UEFI 2.10 N.2.1/N.2.2 lay
them out stay valid), so each copy reaches a section decoder. Writes OUT/rec/NNNNN.bin, one file per record.
usage: mutate.py REPO OUT [SEED]
"""
import glob, os, random, struct, sys

repo, out = sys.argv[1], sys.argv[2]
random.seed(int(sys.argv[3]) if len(sys.argv) > 3 else 7)
os.makedirs(os.path.join(out, 'rec'), exist_ok=True)
paths = sorted(glob.glob(os.path.join(repo, 'fixtures/**/*.cperhex'), recursive=True)
               + glob.glob(os.path.join(repo, 'fixtures/libcper-walk/*.hex')))
n = 0
def emit(data):
    global n
    n += 1
    with open(os.path.join(out, 'rec', '%05d.bin' % n), 'wb') as f:
        f.write(data)
for p in paths:
    try:
        b = bytes.fromhex(''.join(open(p).read().split()))
    except ValueError:
        continue
    if b[:4] != b'CPER':
        continue
    emit(b)
    count = struct.unpack_from('<H', b, 10)[0]
    bodies = []
    for i in range(count):
        d = 128 + 72 * i
        if d + 72 > len(b):
            break
        off, ln = struct.unpack_from('<II', b, d)
        if off < len(b):
            bodies.append((off, min(len(b), off + ln)))
    for _ in range(300):
        if not bodies:
            break
        m = bytearray(b)
        off, end = random.choice(bodies)
        if end <= off:
            continue
        for _ in range(random.choice([1, 1, 2, 3, 8])):
            pos = random.randrange(off, end)
            m[pos] = random.choice([0, 0xFF, random.randrange(256), m[pos] ^ (1 << random.randrange(8))])
        emit(bytes(m))
print(n, 'records from', len(paths), 'fixture files')
