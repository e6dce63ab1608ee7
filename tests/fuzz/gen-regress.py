#!/usr/bin/env python3
"""The hostile inputs of issue 12, as regression inputs for the fuzz
targets (tests/fuzz/README.md, "Regression inputs").

    python3 tests/fuzz/gen-regress.py checked-in SHARED_DIR
        rewrites the small ones kept in tests/fuzz/regress/
    python3 tests/fuzz/gen-regress.py many DIR
        writes the large JSON ones into DIR (replay.sh does this at test
        time rather than keeping 7 MB in the tree)
"""
import json
import os
import struct
import sys
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))
B45 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:"


def write(path, data):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data)


def context_chain(shared, n=12000):
    """(1) a credential whose @context defines n terms, each through a
    compact IRI whose prefix is the next term: "a00000": "a00001:x", ...
    Processing the first term needs the whole chain, depth n."""
    with open(os.path.join(shared, "vectors/signed/01-ob3-v2-eddsa-rdfc-2022.json")) as f:
        doc = json.load(f)
    chain = {}
    for i in range(n):
        chain["a%05d" % i] = "a%05d:x" % (i + 1)
    chain["a%05d" % n] = "https://chain.example/"
    doc["@context"] = list(doc["@context"]) + [chain]
    doc["credentialSubject"]["a00000"] = "the end of the chain"
    return json.dumps(doc, separators=(",", ":")).encode()


def chunk(t, d):
    return struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d) & 0xFFFFFFFF)


def png_bomb():
    """(2) a PNG whose compressed iTXt openbadgecredential chunk inflates
    to 16 MiB (about 16 KB on disk)."""
    body = b"{" + b" " * (16 * 1024 * 1024 - 2) + b"}"
    z = zlib.compress(body, 9)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)) +
            chunk(b"iTXt", b"openbadgecredential\x00\x01\x00\x00\x00" + z) +
            chunk(b"IDAT", zlib.compress(b"\x00\x00")) + chunk(b"IEND", b"")), z


def base45(z):
    out = []
    for i in range(0, len(z) - 1, 2):
        n = z[i] * 256 + z[i + 1]
        c, n = n % 45, n // 45
        d, e = n % 45, n // 45
        out += [B45[c], B45[d], B45[e]]
    if len(z) % 2:
        out += [B45[z[-1] % 45], B45[z[-1] // 45]]
    return "".join(out)


def checked_in(shared):
    reg = os.path.join(HERE, "regress")
    chain = context_chain(shared)
    write(os.path.join(reg, "verify/issue12-context-chain-12000.json"), chain)
    write(os.path.join(reg, "jsonld/issue12-context-chain-12000.json"), chain)
    png, z = png_bomb()
    write(os.path.join(reg, "bake/issue12-png-itxt-16mib.png"), png)
    write(os.path.join(reg, "qr/issue12-png-itxt-16mib.png"), png)
    # the same 16 MiB as a VC1- payload (the QR carrier's bomb)
    write(os.path.join(reg, "qr/issue12-vc1-16mib.txt"), ("VC1-" + base45(z) + "\n").encode())


def many(out):
    """(3) 3.5 million {} in an array, and one value past the budget
    (OB_JSON_MAX_VALUES = 200,000: the array and 200,000 objects)."""
    os.makedirs(out, exist_ok=True)
    write(os.path.join(out, "issue12-3.5m-objects.json"), b"[" + b",".join([b"{}"] * 3500000) + b"]")
    write(os.path.join(out, "issue12-200k-objects.json"), b"[" + b",".join([b"{}"] * 200000) + b"]")


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "checked-in":
        checked_in(sys.argv[2])
    elif len(sys.argv) == 3 and sys.argv[1] == "many":
        many(sys.argv[2])
    else:
        sys.exit(__doc__)
