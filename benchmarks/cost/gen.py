#!/usr/bin/env python3
"""Inputs for benchmarks/cost/library.sh (issue #19, library rows). Deterministic; no randomness.

  gen.py gesb N OUT           one Generic Error Status Block with N entries of ErrorDataLength 0 (platform memory type)
  gen.py spec N OUT           a `hest build` spec of N sources (ia32-nmi/pcie AER mix, default Source IDs)
  gen.py shared N SIZE DIR    DIR/HEST.bin + DIR/region.bin: N GHES sources whose Error Status Address registers
                              are one register, pointing at one SIZE-byte block full of memory error entries
  gen.py hest N OUT           a HEST binary of N GHES sources (polled, registers at 0), for decode -f json
  gen.py dump N OUT           acpidump text of N small (FACP-like) tables, no HEST
  gen.py longline N OUT       acpidump text: a heading and one N-byte hex line
  gen.py arm N OUT            N maximal ARM processor records (~1 MB each: 256 error-information entries, 256
                              context structures of type 8 with 4000-byte register arrays), concatenated
  gen.py spaces N IN OUT      base64 of IN followed by N spaces
"""
import struct, sys, uuid, json, os

MEM = uuid.UUID("a5bc1114-6f64-4ede-b863-3e83ed7c83b1").bytes_le

def entry(body=b"", revision=0x0201):
    h = MEM + struct.pack("<IHBBI", 2, revision, 0, 0, len(body)) + b"\0" * 16 + b"\0" * 20
    return h + body

def gesb(n, body=b"", total=None):
    data = b"".join(entry(body) for _ in range(n))
    status = 0x2 | ((min(n, 0x3FF)) << 4)
    blk = struct.pack("<IIIII", status, 0, 0, len(data), 2) + data
    if total is not None:
        blk += b"\0" * (total - len(blk))
    return blk

def checksum_fix(t):
    t = bytearray(t)
    t[9] = 0
    t[9] = (-sum(t)) & 0xFF
    return bytes(t)

def acpi_header(sig, length, rev=1):
    return sig + struct.pack("<IBB", length, rev, 0) + b"BOCHS " + b"BXPC    " + struct.pack("<I", 1) + b"APKT" + struct.pack("<I", 1)

def gas(addr):
    return struct.pack("<BBBBQ", 0, 64, 0, 4, addr)

def ghes_source(i, register, size):
    s = struct.pack("<HHHBBII", 9, i & 0xFFFF, 0xFFFF, 0, 1, 1, 1) + struct.pack("<I", 4096)  # type .. maxRawDataLength
    s += gas(register)                                         # Error Status Address (offset 20)
    s += bytes([0, 28]) + b"\0" * 26                           # polled notification (offset 32)
    s = s[:36] + struct.pack("<I", 1000) + s[40:]             # poll interval (notification +4)
    s += struct.pack("<I", size)                               # error status block length (offset 60)
    assert len(s) == 64
    return s

def hest_of(sources, n):
    return checksum_fix(acpi_header(b"HEST", 40 + len(sources)) + struct.pack("<I", n) + sources)

def main():
    kind = sys.argv[1]
    if kind == "gesb":
        open(sys.argv[3], "wb").write(gesb(int(sys.argv[2])))
    elif kind == "spec":
        n = int(sys.argv[2])
        types = ["pcie-device-aer", "pcie-bridge-aer", "pcie-root-port-aer"]
        json.dump({"sources": [{"type": types[i % 3]} for i in range(n)]}, open(sys.argv[3], "w"))
    elif kind == "shared":
        n, size, d = int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
        base = 0x7FFF0000
        body = struct.pack("<QQQ", 0x4006, 0x400001000, 0xFFFFFFFFFFFFF000) + b"\0" * 56  # 80-byte memory section
        per = 72 - 8 + len(body)
        count = (size - 20) // per
        block = gesb(count, body, total=size)
        region = struct.pack("<QQ", base + 16, 1) + block          # register, read-ack, block
        sources = b"".join(ghes_source(i, base, size) for i in range(n))   # every source: the same register
        hest = hest_of(sources, n)
        os.makedirs(d, exist_ok=True)
        open(os.path.join(d, "HEST.bin"), "wb").write(hest)
        open(os.path.join(d, "region.bin"), "wb").write(region)
    elif kind == "hest":
        n = int(sys.argv[2])
        open(sys.argv[3], "wb").write(hest_of(b"".join(ghes_source(i, 0, 1024) for i in range(n)), n))
    elif kind in ("dump", "longline"):
        n = int(sys.argv[2])
        out = open(sys.argv[3], "w")
        if kind == "dump":
            for i in range(n):
                t = checksum_fix(acpi_header(b"SSDT", 36))
                out.write(f"SSDT{i} @ 0x{0x7FFE0000 + i * 64:016X}\n")
                for o in range(0, len(t), 16):
                    c = t[o:o + 16]
                    out.write(f"  {o:04X}: {' '.join(f'{b:02X}' for b in c)}\n")
                out.write("\n")
        else:
            out.write("HEST @ 0x000000007FFE0000\n  0000:")
            chunk = " 00" * 4096
            for _ in range(n // (3 * 4096)):
                out.write(chunk)
            out.write("\n")
    elif kind == "arm":
        rec = arm_record()
        with open(sys.argv[3], "wb") as f:
            for _ in range(int(sys.argv[2])):
                f.write(rec)
    elif kind == "spaces":
        import base64
        with open(sys.argv[3], "rb") as f:
            data = base64.b64encode(f.read())
        with open(sys.argv[4], "wb") as f:
            f.write(data)
            n = int(sys.argv[2])
            chunk = b" " * (1 << 20)
            while n > 0:
                f.write(chunk[:min(n, len(chunk))])
                n -= len(chunk)
    else:
        sys.exit(__doc__)


ARM = uuid.UUID("e19e3d16-bc11-11e4-9caa-c2051d5d46b0").bytes_le

def arm_record(n_err=256, n_ctx=256, ctx_size=4000):
    sec_len = 40 + 32 * n_err + n_ctx * (8 + ctx_size)
    body = bytearray(struct.pack("<IHHIB3sQQII", 0x7, n_err, n_ctx, sec_len, 0, b"\0" * 3, 0x80000001, 0x410FD083, 1, 0))
    for i in range(n_err):
        body += struct.pack("<BBHBHBQQQ", 0, 32, 0x1F, 2, 0, 1, 0x1234, 0xFFFF0000 + i, 0x1000 + i)
    for i in range(n_ctx):
        body += struct.pack("<HHI", 0, 8, ctx_size)
        for j in range(ctx_size // 16):
            body += struct.pack("<HHIQ", 0x4000 + j, 0, 0, j)
    rec_len = 128 + 72 + len(body)
    hdr = b"CPER" + struct.pack("<HIHIII", 0x0101, 0xFFFFFFFF, 1, 1, 0, rec_len)
    hdr = (hdr + b"\0" * 72 + struct.pack("<QII", 1, 0, 0)).ljust(128, b"\0")
    desc = struct.pack("<IIHBBI", 200, len(body), 0x0300, 0, 0, 1) + ARM + b"\0" * 16 + struct.pack("<I", 1) + b"\0" * 20
    return hdr + desc + bytes(body)

if __name__ == "__main__":
    main()
