#!/usr/bin/env python3
"""Generates the hwcloud-auth conformance fixtures with the official Huawei Cloud Python SDK signer.

Usage: python3 gen_signing_fixtures.py OUTPUT.json   (run through `cargo xtask fixtures`)

Every case is a request as a Rust client would hold it (a URL whose path and query are already
percent-encoded, headers, body bytes) plus what the official signer (`huaweicloudsdkcore` 3.1.219,
`signer/signer.py`) produced for the equivalent SDK request: the canonical request, the string to
sign, the Authorization header, the final header map and the wire path+query. The SDK holds query
parameters decoded, so each case's `query_pairs` are the URL query decoded with `unquote` (`+` is a
literal plus, `k` without `=` is `k=""`); that is the equivalence the Rust signer implements.

A fixed seed makes regeneration reproducible (ECDSA/SM2 signatures excepted: the SDK uses random nonces).
"""

import hashlib
import json
import random
import sys
from datetime import datetime, timedelta
from types import SimpleNamespace
from urllib.parse import unquote

import huaweicloudsdkcore
from huaweicloudsdkcore.sdk_request import SdkRequest
from huaweicloudsdkcore.signer.signer import (
    DerivationAKSKSigner,
    P256SHA256Signer,
    SM2SM3Signer,
    Signer,
    SM3Signer,
)
from huaweicloudsdkcore.signer.utils import new_sm3_hash

SEED = 20251114
SDK_VERSION = "3.1.219"
HMAC_CASES_PER_ALGORITHM = 150
ASYMMETRIC_CASES_PER_ALGORITHM = 24

DOC_AK = "QTWAOYTTINDUT2QVKYUC"
DOC_SK = "MFyfvK41ba2giqM7Uio6PznpdUKGpownRZlmVmHc"

UNRESERVED = set(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.~")
# Characters a URI may carry raw in a path segment / a query component besides the unreserved ones.
PATH_RAW_OK = set(b"!$'()*+,;=:@")
QUERY_RAW_OK = set(b"!$'()*,;:@/?")

SEGMENT_WORDS = ["v1", "v3", "jobs", "stop", "builds", "record", "list", "assembling", "status",
                 "f9d6c8466d614a9788e9a0acf6c15f46", "20", "0123456789abcdef0123456789abcdef", "build-info-records"]
SPECIAL_TEXT = [" ", "/", ":", "@", "+", "%", "~", "ü", "é", "中文", "😀", "a b", "x/y", "p 1/x", "&", "=", "?",
                "#", "*", "'", "(", ")", "!", "$", ",", ";", "\"", "<>", "[", "]", "{}", "|", "^", "`", "\\", "-_.~"]
HOSTS = ["cloudbuild-ext.cn-north-4.myhuaweicloud.com", "servicestage.cn-north-4.myhuaweicloud.com",
         "iam.myhuaweicloud.com", "example.com", "127.0.0.1:8443", "127.0.0.1:80", "localhost:8080",
         "example.com:443", "[::1]:9000", "service.region.example.com"]
CONTENT_TYPES = ["application/json", "application/json;charset=UTF-8", "application/json; charset=utf8",
                 "application/bson", "text/plain", "application/octet-stream", "multipart/form-data; boundary=xyz",
                 "application/x-www-form-urlencoded", "application/xml", "Application/JSON", None, None]
METHODS = ["GET", "GET", "POST", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS"]


def encode(rng, text, raw_ok):
    """Percent-encodes `text` the way some client might: unreserved raw, some allowed characters
    raw or escaped, escapes in upper or lower case."""
    lower = rng.random() < 0.25
    out = []
    for b in text.encode("utf-8"):
        if b in UNRESERVED and rng.random() < 0.95:
            out.append(chr(b))
        elif b in raw_ok and rng.random() < 0.5:
            out.append(chr(b))
        else:
            out.append(("%%%02x" if lower else "%%%02X") % b)
    return "".join(out)


def random_text(rng, allow_empty=True):
    choice = rng.random()
    if allow_empty and choice < 0.08:
        return ""
    if choice < 0.45:
        return rng.choice(SEGMENT_WORDS)
    if choice < 0.7:
        return "".join(rng.choice("abcXYZ019-_.~") for _ in range(rng.randint(1, 8)))
    parts = [rng.choice(SPECIAL_TEXT) for _ in range(rng.randint(1, 3))]
    if rng.random() < 0.5:
        parts.insert(0, rng.choice(SEGMENT_WORDS))
    return "".join(parts)


def random_path(rng):
    if rng.random() < 0.05:
        return "/"
    segments = [random_text(rng, allow_empty=rng.random() < 0.1) for _ in range(rng.randint(1, 5))]
    path = "/" + "/".join(encode(rng, s, PATH_RAW_OK) for s in segments)
    if rng.random() < 0.2:
        path += "/"
    return path


QUERY_KEYS = ["limit", "marker", "page_index", "page_size", "start_time", "end_time", "search", "build_status",
              "triggers", "by_group", "a0", "a:", "B", "b", "Key", "key", "x y", "é", "sort_dir", "a+b", "", "k=v"]
QUERY_VALUES = ["2", "0", "20", "true", "false", "", "success", "failed", "manual", "timer",
                "2025-11-01 00:00:00", "13551d6b-755d-4757-b956-536f674975c0", "x y+z/~*é", "中", "a&b", "=",
                "100%", "+", " lead", "trail ", "a,b;c", "😀"]


def random_query(rng):
    """Returns (wire query string or None, decoded pairs, SDK query params)."""
    if rng.random() < 0.35:
        return None, [], []
    pairs = []
    for _ in range(rng.randint(1, 7)):
        key = rng.choice(QUERY_KEYS) if rng.random() < 0.8 else random_text(rng)
        value = rng.choice(QUERY_VALUES) if rng.random() < 0.8 else random_text(rng)
        pairs.append((key, value))
        if rng.random() < 0.15:
            pairs.append((key, rng.choice(QUERY_VALUES)))  # repeated key
    pieces = []
    for key, value in pairs:
        k = encode(rng, key, QUERY_RAW_OK | (set(b"+") if "+" not in key or rng.random() < 0.5 else set()))
        if value == "" and rng.random() < 0.4:
            pieces.append(k)  # `k` alone means k=""
        else:
            pieces.append(k + "=" + encode(rng, value, QUERY_RAW_OK))
    if rng.random() < 0.1:
        pieces.insert(rng.randrange(len(pieces) + 1), "")  # an empty piece: a=1&&b=2
    wire = "&".join(pieces)
    # What the SDK would hold: the pieces decoded (the Rust signer's reading of an encoded query).
    decoded = []
    for piece in wire.split("&"):
        if piece == "":
            continue
        key, _, value = piece.partition("=")
        decoded.append((unquote(key, errors="strict"), unquote(value, errors="strict")))
    # The SDK holds one parameter per key: repeated keys become a list (emitted sorted, repeated).
    grouped = {}
    for key, value in decoded:
        grouped.setdefault(key, []).append(value)
    sdk_params = []
    for key, values in grouped.items():
        if len(values) > 1:
            sdk_params.append((key, values))
            continue
        value = values[0]
        # The SDK stringifies booleans as true/false and numbers with str(); feed some as such.
        if value in ("true", "false") and rng.random() < 0.5:
            sdk_params.append((key, value == "true"))
        elif value.isdigit() and value == str(int(value)) and rng.random() < 0.5:
            sdk_params.append((key, int(value)))
        else:
            sdk_params.append((key, value))
    return wire, decoded, sdk_params


HEADER_VALUES = ["plain", "  leading and trailing  ", "inner   spaces   kept", "\ttabbed\t", "a\tb",
                 "café", "中文值", "\u00a0nbsp-trimmed\u3000", "x=y; z", "UPPER lower", "", "   ",
                 "huaweicloud-usdk-python/3.0; os/Linux python/3.11", "*/*", "gzip, deflate"]
HEADER_NAMES = ["X-Project-Id", "X-Domain-Id", "User-Agent", "X-Custom", "x-lower-case", "X-MiXeD-CaSe",
                "Accept", "X-Request-Id", "X_Custom_Under", "x_under_score", "X-Trim", "If-Match", "X-Empty"]


def random_headers(rng, algorithm_hash, body):
    headers = {}
    ct = rng.choice(CONTENT_TYPES)
    if ct is not None:
        headers["Content-Type"] = ct if rng.random() < 0.9 else "  " + ct
    for name in rng.sample(HEADER_NAMES, rng.randint(0, 5)):
        headers[name] = rng.choice(HEADER_VALUES) if name not in ("X-Project-Id", "X-Domain-Id") else \
            "".join(rng.choice("0123456789abcdef") for _ in range(32))
    if rng.random() < 0.15:
        headers["Host"] = rng.choice(["custom.example.com", "api.example.com:8443", " spaced.example.com "])
    if rng.random() < 0.2:
        # A caller-precomputed payload hash (correct, arbitrary hex, or UNSIGNED-PAYLOAD).
        name = "X-Sdk-Content-Sha256" if algorithm_hash == "sha256" else "X-Sdk-Content-Sm3"
        digest = hashlib.sha256(body).hexdigest() if algorithm_hash == "sha256" else new_sm3_hash(body).hexdigest()
        headers[name] = rng.choice([digest, "UNSIGNED-PAYLOAD", "%064x" % rng.getrandbits(256), " " + digest])
    if rng.random() < 0.05:
        # The other algorithm's header is an ordinary signed header.
        headers["X-Sdk-Content-Sm3" if algorithm_hash == "sha256" else "X-Sdk-Content-Sha256"] = "UNSIGNED-PAYLOAD"
    return headers


def random_body(rng):
    r = rng.random()
    if r < 0.4:
        return b""
    if r < 0.7:
        return json.dumps({"job_id": "%032x" % rng.getrandbits(128), "build_no": str(rng.randint(0, 99))},
                          separators=rng.choice([(",", ":"), (", ", ": ")])).encode()
    if r < 0.85:
        return bytes(rng.getrandbits(8) for _ in range(rng.randint(1, 300)))
    return ("hello wörld " * rng.randint(1, 20)).encode("utf-8")


def random_date(rng):
    start = datetime(2000, 1, 1)
    return (start + timedelta(seconds=rng.randrange(0, 40 * 365 * 86400))).strftime("%Y%m%dT%H%M%SZ")


def random_credentials(rng):
    if rng.random() < 0.2:
        ak, sk = DOC_AK, DOC_SK
    else:
        ak = "".join(rng.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789") for _ in range(20))
        sk = "".join(rng.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=") for _ in range(40))
    token = None
    if rng.random() < 0.2:
        token = "".join(rng.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") for _ in range(120))
    return ak, sk, token


class Capture:
    """Wraps a signer class to record the canonical request and the string to sign."""

    @staticmethod
    def wrap(signer):
        seen = {}
        original_sts = signer._process_string_to_sign
        original_sign = signer._sign_string_to_sign

        def sts(canonical_request, *args, **kwargs):
            seen["canonical_request"] = canonical_request
            return original_sts(canonical_request, *args, **kwargs)

        def sign(string_to_sign, *args, **kwargs):
            seen["string_to_sign"] = string_to_sign
            return original_sign(string_to_sign, *args, **kwargs)

        signer._process_string_to_sign = sts
        signer._sign_string_to_sign = sign
        return seen


def wire_value(value):
    # The SDK writes back str values re-decoded as ISO-8859-1 so that `requests` sends UTF-8 bytes.
    return value.encode("iso-8859-1").decode("utf-8") if isinstance(value, str) else str(value)


def make_case(rng, index, algorithm):
    hash_kind = "sm3" if algorithm in ("SDK-HMAC-SM3", "SDK-SM2-SM3") else "sha256"
    method = rng.choice(METHODS) if rng.random() < 0.97 else "purge"
    scheme = rng.choice(["https", "https", "http"])
    host = rng.choice(HOSTS)
    path = random_path(rng)
    wire_query, decoded_pairs, sdk_params = random_query(rng)
    body = random_body(rng)
    headers = random_headers(rng, hash_kind, body)
    date = random_date(rng)
    headers[rng.choice(["X-Sdk-Date", "x-sdk-date", "X-SDK-DATE"])] = date
    # Shuffle the header order: the signer must not depend on it.
    items = list(headers.items())
    rng.shuffle(items)
    headers = dict(items)
    ak, sk, token = random_credentials(rng)
    region = rng.choice(["cn-north-4", "ap-southeast-1", "eu-west-101", "globe"])
    service = rng.choice(["CodeArtsBuild", "ServiceStage", "IAM", "ecs"])

    sdk_headers = dict(headers)
    if token is not None:
        sdk_headers["X-Security-Token"] = token  # what Credentials.sign_request does first
    request = SdkRequest(method=method, schema=scheme, host=host, resource_path=path,
                         query_params=list(sdk_params), header_params=sdk_headers, body=body)
    credentials = SimpleNamespace(ak=ak, sk=sk)
    signer_class = {"SDK-HMAC-SHA256": Signer, "SDK-HMAC-SM3": SM3Signer, "V11-HMAC-SHA256": DerivationAKSKSigner,
                    "SDK-ECDSA-P256-SHA256": P256SHA256Signer, "SDK-SM2-SM3": SM2SM3Signer}[algorithm]
    signer = signer_class(credentials)
    seen = Capture.wrap(signer)
    if algorithm == "V11-HMAC-SHA256":
        signer.sign(request, service, region)
    else:
        signer.sign(request)

    url = "%s://%s%s%s" % (scheme, host, path, "" if wire_query is None else "?" + wire_query)
    case = {
        "id": "%s-%03d" % (algorithm, index),
        "algorithm": algorithm,
        "method": method,
        "url": url,
        "query_pairs": [list(p) for p in decoded_pairs],
        "headers": [[k, v] for k, v in headers.items()],
        "body_hex": body.hex(),
        "date": date,
        "access_key": ak,
        "secret_key": sk,
        "security_token": token,
        "expected": {
            "canonical_request": seen["canonical_request"],
            "string_to_sign": seen["string_to_sign"],
            "authorization": request.header_params["Authorization"],
            "headers": sorted([k.lower(), wire_value(v)] for k, v in request.header_params.items()),
            "path_and_query": request.uri,
        },
    }
    if algorithm == "V11-HMAC-SHA256":
        case["region"] = region
        case["service"] = service
    if algorithm in ("SDK-ECDSA-P256-SHA256", "SDK-SM2-SM3"):
        key = signer.get_signing_key()
        case["public_key_x"] = "%064x" % key._public_key[0]
        case["public_key_y"] = "%064x" % key._public_key[1]
        if algorithm == "SDK-SM2-SM3":
            case["za"] = key._z.hex()
    return case


def leading_zero_credentials(rng, want):
    """AK/SK pairs whose derived SM2 public key has a coordinate with a leading zero byte, where the
    official ZA (minimal-length integers) differs from the standard one."""
    found = []
    while len(found) < want:
        ak, sk, _ = random_credentials(rng)
        signer = SM2SM3Signer(SimpleNamespace(ak=ak, sk=sk))
        x, y = signer.get_signing_key()._public_key
        if x < 1 << 248 or y < 1 << 248:
            found.append((ak, sk))
    return found


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: gen_signing_fixtures.py OUTPUT.json")
    rng = random.Random(SEED)
    hmac_cases = []
    for algorithm in ("SDK-HMAC-SHA256", "SDK-HMAC-SM3", "V11-HMAC-SHA256"):
        for i in range(HMAC_CASES_PER_ALGORITHM):
            hmac_cases.append(make_case(rng, i, algorithm))
    asymmetric_cases = []
    quirky = leading_zero_credentials(rng, 4)
    for algorithm in ("SDK-ECDSA-P256-SHA256", "SDK-SM2-SM3"):
        for i in range(ASYMMETRIC_CASES_PER_ALGORITHM):
            case_rng = random.Random(rng.getrandbits(64))
            if algorithm == "SDK-SM2-SM3" and i < len(quirky):
                # Re-run with credentials that hit the ZA quirk.
                original = random_credentials
                ak, sk = quirky[i]
                globals()["random_credentials"] = lambda _rng: (ak, sk, None)
                try:
                    case = make_case(case_rng, i, algorithm)
                finally:
                    globals()["random_credentials"] = original
            else:
                case = make_case(case_rng, i, algorithm)
            asymmetric_cases.append(case)
    out = {
        "generator": "xtask/python/gen_signing_fixtures.py",
        "sdk": "huaweicloudsdkcore " + SDK_VERSION,
        "seed": SEED,
        "hmac_cases": hmac_cases,
        "asymmetric_cases": asymmetric_cases,
    }
    # One case per line: small diffs when the generator changes, easy to grep.
    with open(sys.argv[1], "w", encoding="utf-8") as f:
        f.write("{\n")
        for key in ("generator", "sdk", "seed"):
            f.write(" %s: %s,\n" % (json.dumps(key), json.dumps(out[key])))
        for n, key in enumerate(("hmac_cases", "asymmetric_cases")):
            f.write(" %s: [\n" % json.dumps(key))
            cases = out[key]
            for i, case in enumerate(cases):
                line = json.dumps(case, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
                f.write("  " + line + (",\n" if i + 1 < len(cases) else "\n"))
            f.write(" ]" + (",\n" if n == 0 else "\n"))
        f.write("}\n")
    print("wrote %d HMAC cases and %d ECDSA/SM2 cases to %s" % (len(hmac_cases), len(asymmetric_cases), sys.argv[1]))


if __name__ == "__main__":
    main()
