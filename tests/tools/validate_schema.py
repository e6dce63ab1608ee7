#!/usr/bin/env python3
"""Validate credentials against the 1EdTech JSON Schemas (issue 14 item 9).

usage: validate_schema.py SCHEMA_DIR FILE...

SCHEMA_DIR is shared/conformance/1edtech-ob3-schema. Each FILE is a JSON
credential or a compact VC-JWT. The schema is chosen by the credential's
type:
  OpenBadgeCredential / AchievementCredential -> ob_v3p0/achievementcredential.json
  EndorsementCredential                       -> ob_v3p0/endorsementcredential.json
  ClrCredential -> draft4-validator-catalog/clr_v2p0_clrcredential_schema_draft4.json
A VC-JWT is checked by its payload: the payload itself when it is the
credential (VC 2.0 / OB 3.0 8.2: credential members at the top level next to
iss, jti, sub, nbf, exp), its "vc" claim when it has one (VC 1.1 style).
A CLR's nested credentials are each checked against their own schema too
(EnvelopedVerifiableCredential: the JWT in its data: URL).

The CLR 2.0 schema is the only 1EdTech copy there is, a draft-04 conversion
from the VC 1.1 era (see SCHEMA_DIR/README.md). For a VC 2.0 CLR (first
@context the v2 URL) two of its VC 1.1 assumptions are replaced, and nothing
else is relaxed:
- it requires issuanceDate, which VC 2.0 replaced by validFrom: validFrom is
  required in its place;
- it holds each nested credential to its own copy of the VC 1.1
  VerifiableCredential (issuanceDate; credentialStatus only {id, type}, no
  BitstringStatusListEntry; no EnvelopedVerifiableCredential for a VC-JWT):
  there ClrSubject.verifiableCredential items need only be objects, and each
  nested credential is held to the OB 3.0 schema instead, the one its own
  type names (an enveloped VC-JWT: the credential it carries).

Prints one line per error, "FILE: PATH: MESSAGE", and exits 0 when every
file is clean, 1 when any is not, 2 on bad usage, 3 when the jsonschema
module is missing (never a silent pass).
"""
import base64
import copy
import json
import os
import sys

try:
    import jsonschema
except ImportError:
    sys.stderr.write('validate_schema.py: the python3 jsonschema module is missing '
                     '(Debian: apt-get install python3-jsonschema)\n')
    sys.exit(3)

VC2 = 'https://www.w3.org/ns/credentials/v2'
OB = 'ob_v3p0/achievementcredential.json'
ENDORSE = 'ob_v3p0/endorsementcredential.json'
CLR = 'draft4-validator-catalog/clr_v2p0_clrcredential_schema_draft4.json'


def b64url(s):
    return base64.urlsafe_b64decode(s + '=' * (-len(s) % 4))


def jwt_credential(text):
    """The credential a compact JWS carries (payload or its vc claim)."""
    parts = text.strip().split('.')
    if len(parts) != 3:
        raise ValueError('not a compact JWS')
    payload = json.loads(b64url(parts[1]))
    if isinstance(payload, dict) and isinstance(payload.get('vc'), dict):
        return payload['vc']
    return payload


def load(path):
    with open(path, encoding='utf-8') as f:
        text = f.read()
    if text.lstrip().startswith('{'):
        return json.loads(text)
    return jwt_credential(text)


def types(doc):
    t = doc.get('type') if isinstance(doc, dict) else None
    return [t] if isinstance(t, str) else (t if isinstance(t, list) else [])


def vc2_clr(schema):
    """The CLR draft-04 schema with VC 1.1's issuanceDate requirement
    replaced by validFrom (VC 2.0), in every definition that has it."""
    s = copy.deepcopy(schema)

    def walk(o):
        if isinstance(o, dict):
            req = o.get('required')
            if isinstance(req, list) and 'issuanceDate' in req:
                o['required'] = [r for r in req if r != 'issuanceDate'] + ['validFrom']
            for v in o.values():
                walk(v)
        elif isinstance(o, list):
            for v in o:
                walk(v)
    walk(s)
    s['$defs']['ClrSubject']['properties']['verifiableCredential']['items'] = {'type': 'object'}
    return s


class Validator:
    def __init__(self, schema_dir):
        self.dir = schema_dir
        self.cache = {}

    def schema(self, rel, doc):
        ctx = doc.get('@context') if isinstance(doc, dict) else None
        v2 = isinstance(ctx, list) and ctx[:1] == [VC2]
        key = (rel, rel == CLR and v2)
        if key not in self.cache:
            with open(os.path.join(self.dir, rel), encoding='utf-8') as f:
                s = json.load(f)
            if rel == CLR:
                cls = jsonschema.Draft4Validator
                if v2:
                    s = vc2_clr(s)
            else:
                cls = jsonschema.Draft201909Validator
            self.cache[key] = cls(s, format_checker=cls.FORMAT_CHECKER)
        return self.cache[key]

    def errors(self, doc, where=''):
        """(path, message) for every schema error in doc and, for a CLR,
        in each nested credential."""
        t = types(doc)
        if 'ClrCredential' in t:
            rel = CLR
        elif 'EndorsementCredential' in t:
            rel = ENDORSE
        elif 'OpenBadgeCredential' in t or 'AchievementCredential' in t:
            rel = OB
        else:
            return [(where or '(root)', 'not an OB 3.0 / CLR 2.0 credential: type %r' % (t,))]
        out = []
        for e in sorted(self.schema(rel, doc).iter_errors(doc), key=lambda e: list(map(str, e.absolute_path))):
            p = '/'.join(map(str, e.absolute_path))
            out.append((where + ('/' + p if where and p else p) or '(root)', e.message))
        if rel == CLR:
            vcs = (doc.get('credentialSubject') or {}).get('verifiableCredential') or []
            for i, vc in enumerate(vcs if isinstance(vcs, list) else []):
                w = '%scredentialSubject/verifiableCredential/%d' % (where + '/' if where else '', i)
                if not isinstance(vc, dict):
                    continue  # the CLR schema has reported it
                if 'EnvelopedVerifiableCredential' in types(vc):
                    url = vc.get('id', '')
                    try:
                        vc = jwt_credential(url.split(',', 1)[1])
                    except (IndexError, ValueError) as ex:
                        out.append((w, 'cannot read the enveloped credential: %s' % ex))
                        continue
                out.extend(self.errors(vc, w))
        return out


def main(argv):
    if len(argv) < 3:
        sys.stderr.write('usage: validate_schema.py SCHEMA_DIR FILE...\n')
        return 2
    v = Validator(argv[1])
    bad = 0
    for path in argv[2:]:
        try:
            doc = load(path)
        except (OSError, ValueError) as ex:
            print('%s: cannot read: %s' % (path, ex))
            bad = 1
            continue
        for p, msg in v.errors(doc):
            print('%s: %s: %s' % (path, p, msg))
            bad = 1
    return bad


if __name__ == '__main__':
    sys.exit(main(sys.argv))
