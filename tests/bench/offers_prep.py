#!/usr/bin/env python3
"""offers_prep.py: the holders' side of scripts/bench-offers.sh, done
before the clock starts.

    offers_prep.py MAILMERGE.csv HOST:PORT AUD OUT.lua

For each offer of the mail merge (`ob-issuer offer create --roster`:
claim_url, pin) it fetches the offer from `ob-issuer serve` at HOST:PORT
(plain HTTP, the claim URL's path) for its pre-authorized code, gets a
c_nonce from POST /nonce, makes a holder key (Ed25519, did:key) and signs
an OpenID4VCI `jwt` key proof (typ openid4vci-proof+jwt, kid the did:key
DID URL, aud AUD, iat now, nonce). Writes OUT.lua, a Lua chunk returning
one {code, pin, proof, holder} table per offer, for tests/bench/offers.lua.
Nonces are not bound to a token in ob-issuer serve (any current nonce
goes with any access token), so they can be fetched ahead; each is used
once. A failed request is an error (exit 1), never skipped.

    offers_prep.py --check DATA.lua DIR

After the run: every credential in DIR (`ob-issuer export --all DIR`)
has a holder of DATA.lua as its credentialSubject.id, and every holder
has exactly one.
"""
import base64
import csv
import http.client
import json
import sys
import time
import urllib.parse

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"


def b58(data):
    n = int.from_bytes(data, "big")
    out = ""
    while n:
        n, r = divmod(n, 58)
        out = B58[r] + out
    return "1" * (len(data) - len(data.lstrip(b"\0"))) + out


def b64u(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def lua_str(s):
    # the values are base64url, digits, DIDs and URLs: no quote or
    # backslash, but refuse anything that would need escaping
    if any(c in s for c in "\"\\\n\r"):
        raise ValueError("unexpected character in %r" % s)
    return '"' + s + '"'


def check(data, exported):
    """--check DATA.lua DIR: the credentials `ob-issuer export --all`
    wrote to DIR are bound to the holders of DATA.lua, one each
    (credentialSubject.id). Prints the count; exit 1 on a mismatch."""
    import os
    import re
    with open(data) as f:
        holders = sorted(re.findall(r'holder="([^"]+)"', f.read()))
    subjects = []
    for name in os.listdir(exported):
        if name.endswith(".json"):
            with open(os.path.join(exported, name)) as f:
                subjects.append(json.load(f)["credentialSubject"]["id"])
    subjects.sort()
    if subjects != holders:
        extra = sorted(set(subjects) - set(holders))[:3]
        missing = sorted(set(holders) - set(subjects))[:3]
        sys.exit("offers_prep: %d credentials for %d holders; not a holder: %s; no credential: %s" % (
            len(subjects), len(holders), extra, missing))
    print(len(subjects))


def main():
    if len(sys.argv) == 4 and sys.argv[1] == "--check":
        check(sys.argv[2], sys.argv[3])
        return
    if len(sys.argv) != 5:
        sys.exit("usage: offers_prep.py MAILMERGE.csv HOST:PORT AUD OUT.lua | --check DATA.lua DIR")
    mm, hostport, aud, out = sys.argv[1:]
    host, port = hostport.rsplit(":", 1)
    conn = http.client.HTTPConnection(host, int(port), timeout=30)

    def call(method, path, body=None, headers=None):
        conn.request(method, path, body=body, headers=headers or {})
        r = conn.getresponse()
        data = r.read()
        if r.status != 200:
            sys.exit("offers_prep: %s %s: HTTP %d %s" % (method, path, r.status, data[:200]))
        return json.loads(data)

    rows = []
    with open(mm, newline="") as f:
        for row in csv.DictReader(f):
            q = urllib.parse.urlparse(row["claim_url"]).query
            uri = urllib.parse.parse_qs(q)["credential_offer_uri"][0]
            offer = call("GET", urllib.parse.urlparse(uri).path)
            grant = offer["grants"]["urn:ietf:params:oauth:grant-type:pre-authorized_code"]
            if "tx_code" in grant and not row["pin"]:
                sys.exit("offers_prep: offer %s wants a PIN the mail merge lacks" % row["offer_id"])
            rows.append((grant["pre-authorized_code"], row["pin"]))
    with open(out, "w") as f:
        f.write("return {\n")
        for code, pin in rows:
            nonce = call("POST", "/nonce", body=b"", headers={"Content-Length": "0"})["c_nonce"]
            key = Ed25519PrivateKey.generate()
            pub = key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
            mb = "z" + b58(b"\xed\x01" + pub)
            did = "did:key:" + mb
            header = b64u(json.dumps({"alg": "EdDSA", "typ": "openid4vci-proof+jwt",
                                      "kid": did + "#" + mb}, separators=(",", ":")).encode())
            payload = b64u(json.dumps({"aud": aud, "iat": int(time.time()), "nonce": nonce},
                                      separators=(",", ":")).encode())
            sig = b64u(key.sign((header + "." + payload).encode()))
            f.write("{code=%s,pin=%s,proof=%s,holder=%s},\n" % (
                lua_str(code), lua_str(pin), lua_str(header + "." + payload + "." + sig), lua_str(did)))
        f.write("}\n")
    conn.close()


if __name__ == "__main__":
    main()
