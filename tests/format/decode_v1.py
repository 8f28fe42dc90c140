#!/usr/bin/env python3
"""An independent decoder of the remtag stored record format, version 1.

Written from docs/FORMAT.md alone (not from the Rust code), as a test oracle: if this decoder
and the Rust codec agree on the golden vectors, the document says enough to write a decoder.
Python 3 standard library only.

Usage: decode_v1.py VECTOR_FILE.json

For each vector in the file, decodes its hex into the JSON form of the record (FORMAT.md,
section 15) and compares it with the vector's `record`. It also checks the CRC, that every byte
is used, and (FORMAT.md, section 10) the hash chain at each checkpoint of a `log` file and every
checkpoint signature. Prints each mismatch, then `N passed, M failed`; exits 1 if any failed.
"""

import hashlib
import json
import sys

# --- Section 3: CRC-32C ------------------------------------------------------------------------


def _crc32c_table():
    table = []
    for n in range(256):
        crc = n
        for _ in range(8):
            crc = (crc >> 1) ^ (0x82F63B78 if crc & 1 else 0)
        table.append(crc)
    return table


_CRC_TABLE = _crc32c_table()


def crc32c(data):
    crc = 0xFFFFFFFF
    for b in data:
        crc = (crc >> 8) ^ _CRC_TABLE[(crc ^ b) & 0xFF]
    return crc ^ 0xFFFFFFFF


assert crc32c(b"123456789") == 0xE3069283, "CRC-32C check value"

# --- Errors (section 14) -----------------------------------------------------------------------


class DecodeError(Exception):
    def __init__(self, offset, kind):
        super().__init__(f"at byte {offset}: {kind}")
        self.offset = offset
        self.kind = kind


# --- Section 2: primitives ---------------------------------------------------------------------

U16, U32, U64 = 16, 32, 64
# Longest varint and the largest value its last byte may hold, by type width.
_VARINT_LIMITS = {16: (3, 0x03), 32: (5, 0x0F), 64: (10, 0x01)}


class Reader:
    """Reads fields from `data[start:end]`; offsets are from the start of the record."""

    def __init__(self, data, start, end, field):
        self.data = data
        self.pos = start
        self.end = end
        self.field = field

    def remaining(self):
        return self.end - self.pos

    def fail(self, problem, offset=None):
        raise DecodeError(self.pos if offset is None else offset, f"{self.field}: {problem}")

    def byte(self):
        if self.pos >= self.end:
            self.fail("ends early")
        b = self.data[self.pos]
        self.pos += 1
        return b

    def raw(self, n):
        if self.pos + n > self.end:
            self.pos = self.end
            self.fail("ends early")
        out = bytes(self.data[self.pos : self.pos + n])
        self.pos += n
        return out

    def varint(self, bits):
        max_len, max_last = _VARINT_LIMITS[bits]
        value = 0
        for i in range(max_len):
            b = self.byte()
            value |= (b & 0x7F) << (7 * i)
            if not b & 0x80:
                if i == max_len - 1 and b > max_last:
                    self.fail("malformed varint")
                return value
        self.fail("malformed varint")

    def zigzag(self, bits):
        u = self.varint(bits)
        return (u >> 1) ^ -(u & 1)

    def u8(self):
        return self.byte()

    def i8(self):
        b = self.byte()
        return b - 256 if b >= 128 else b

    def u16(self):
        return self.varint(U16)

    def u32(self):
        return self.varint(U32)

    def i32(self):
        return self.zigzag(U32)

    def i64(self):
        return self.zigzag(U64)

    def option(self, read):
        tag = self.byte()
        if tag == 0:
            return None
        if tag == 1:
            return read()
        self.fail("undefined enum or option value")

    def list(self, capacity, read, body_start):
        n = self.varint(U64)
        # FORMAT.md, section 14: an over-long list is rejected once item capacity + 1 is read.
        items = [read() for _ in range(min(n, capacity + 1))]
        if n > capacity:
            self.fail("value out of range", body_start)
        return items

    def enum_index(self, names, body_start):
        index = self.u32()
        if index >= len(names):
            # Section 12: a variant this decoder does not know is an error, never misread.
            self.fail("value out of range", body_start)
        return names[index]

    def hexbytes(self, n):
        return self.raw(n).hex()


# --- Section 8: enumerations, in index order ---------------------------------------------------

BIZ_STEP = [
    "Accepting", "Arriving", "Assembling", "Collecting", "Commissioning", "Consigning",
    "CreatingClassInstance", "CycleCounting", "Decommissioning", "Departing", "Destroying",
    "Disassembling", "Dispensing", "Encoding", "EnteringExiting", "Holding", "Inspecting",
    "Installing", "Killing", "Loading", "Other", "Packing", "Picking", "Receiving", "Removing",
    "Repackaging", "Repairing", "Replacing", "Reserving", "RetailSelling", "Sampling",
    "SensorReporting", "Shipping", "StagingOutbound", "StockTaking", "Stocking", "Storing",
    "Transporting", "Unloading", "Unpacking", "VoidShipping",
]  # fmt: skip
DISPOSITION = [
    "Active", "Available", "CompletenessInferred", "CompletenessVerified", "Conformant",
    "ContainerClosed", "ContainerOpen", "Damaged", "Destroyed", "Dispensed", "Disposed",
    "Encoded", "Expired", "InProgress", "InTransit", "Inactive", "MismatchInstance",
    "MismatchClass", "MismatchQuantity", "NeedsReplacement", "NoPedigreeMatch", "NonConformant",
    "NonSellableOther", "PartiallyDispensed", "Recalled", "Reserved", "RetailSold", "Returned",
    "SellableAccessible", "SellableNotAccessible", "Stolen", "Unavailable", "Unknown",
]  # fmt: skip
assert len(BIZ_STEP) == 41 and len(DISPOSITION) == 33

TIME_QUALITY = ["Gnss", "Network", "Manual", "Estimated"]
CONTAINER_KIND = ["Box", "TransferCase", "Casket", "Pallet", "Sample", "PersonalEffects"]
LABEL = ["BoxNumber", "K208", "DviPostMortem", "Accession"]
STATEMENT = ["RecoveryArea", "IndividualCount", "RecoveryYear"]
STORED_SEAL = ["None", "SameNumber", "NewNumber"]
SEAL_STATE = ["Applied", "Intact", "Broken", "Missing", "Removed"]
CONDITION = ["Good", "Damaged", "Wet", "Opened", "NotObserved"]
AGGREGATE_ACTION = ["Add", "Delete"]
SAMPLE_ID = ["Tag", "Label"]
BONE_ELEMENT = [
    "Cranium", "Mandible", "Tooth", "Clavicle", "Scapula", "Humerus", "Radius", "Ulna", "Rib",
    "Vertebra", "Pelvis", "Femur", "Tibia", "Fibula", "HandBone", "FootBone", "Unidentified",
]  # fmt: skip
SIDE = ["Left", "Right", "Midline", "Unsided"]
SAMPLE_KIND = ["BoneCutting", "Tooth", "WholeElement", "Fragment"]
REFERENCE_KIND = ["Individual", "Accession", "Container"]
RELATION = ["ContainsRemainsOf", "PartOf", "CommingledWith", "Excludes"]
INSPECT_KIND = ["FieldReview", "Accession", "Routine", "Sensor"]
OBSERVATION = [
    "Temperature", "Humidity", "Shock", "ElementCount", "MinimumIndividuals", "Human",
    "UsServiceMember", "Photo",
]  # fmt: skip
LIKELIHOOD = ["Excluded", "Unlikely", "Undetermined", "Likely", "Confirmed"]
IDENTIFICATION_STATUS = [
    "Presumptive", "Confirmed", "GroupIdentification", "Excluded", "NonHuman", "OtherNation",
]  # fmt: skip
CORRECTION_REASON = ["DidNotOccur", "IncorrectData", "LinkDisproved", "WrongContainer"]
SIGNER_ROLE = ["Releasing", "Receiving", "Custodian", "Auditor"]

# Section 3: record type codes.
RECORD_TYPES = {
    1: "Commission", 2: "Custody", 3: "Aggregate", 4: "Sample", 5: "Link", 6: "Inspect",
    7: "Identification", 8: "Correction", 9: "Checkpoint",
}  # fmt: skip

MAX_CONTENT_LEN = 220  # Section 9.
U32_MAX = 0xFFFFFFFF

# --- Section 7.10: the EPC ---------------------------------------------------------------------

# Partition P: (company prefix bits M, digits L, asset reference bits N).
GIAI_PARTITIONS = [(40, 12, 42), (37, 11, 45), (34, 10, 48), (30, 9, 52), (27, 8, 55),
                   (24, 7, 58), (20, 6, 62)]  # fmt: skip
CAGE_CHARS = set("0123456789ABCDEFGHJKLMNPQRSTUVWXYZ")


def epc_uri(raw):
    """The tag URI of a 12-byte EPC, or None if it is not a valid GIAI-96 or USDOD-96."""
    bits = int.from_bytes(raw, "big")
    header = raw[0]
    if header == 0x34:
        filt = (bits >> 85) & 0x7
        partition = (bits >> 82) & 0x7
        if partition > 6:
            return None
        m, digits, n = GIAI_PARTITIONS[partition]
        prefix = (bits >> n) & ((1 << m) - 1)
        ref = bits & ((1 << n) - 1)
        if prefix >= 10**digits:
            return None
        return f"urn:epc:tag:giai-96:{filt}.{prefix:0{digits}d}.{ref}"
    if header == 0x2F:
        filt = (bits >> 84) & 0xF
        gmi = ((bits >> 36) & ((1 << 48) - 1)).to_bytes(6, "big")
        serial = bits & ((1 << 36) - 1)
        ident = gmi[1:] if gmi[0] == 0x20 else gmi
        text = ident.decode("latin-1")
        if not all(c in CAGE_CHARS for c in text):
            return None
        return f"urn:epc:tag:usdod-96:{filt}.{text}.{serial}"
    return None


# --- Section 6: the state ----------------------------------------------------------------------


def fresh_state():
    return {
        "last_seq": None,
        "last_time": None,
        "tz": 0,
        "actor": None,
        "location": "Unknown",
        "last_geo": None,  # (lat, lon)
        "last_seal": None,
    }


def advance(state, record):
    h = record["header"]
    state["last_seq"] = h["seq"]
    if h["time"] is not None:
        state["last_time"] = h["time"]["at"]
    state["tz"] = h["tz"]
    state["actor"] = h["actor"]
    state["location"] = h["location"]
    if isinstance(h["location"], dict) and "Geo" in h["location"]:
        g = h["location"]["Geo"]
        state["last_geo"] = (g["lat_microdeg"], g["lon_microdeg"])
    custody = record["body"].get("Custody")
    if custody is not None and custody["seal"] is not None:
        state["last_seal"] = custody["seal"]["number"]


# --- Section 5: the header ---------------------------------------------------------------------

QUALITY_MASK, TIME_ABSOLUTE, TIME_DELTA = 0x03, 0x04, 0x08
SEQ, TZ, ACTOR, LOCATION = 0x10, 0x20, 0x40, 0x80
LAT_LIMIT, LON_LIMIT = 90_000_000, 180_000_000
I32_MIN, I32_MAX = -(2**31), 2**31 - 1


def geo(lat, lon):
    if -LAT_LIMIT <= lat <= LAT_LIMIT and -LON_LIMIT <= lon <= LON_LIMIT:
        return {"Geo": {"lat_microdeg": lat, "lon_microdeg": lon}}
    return None


def read_header(r, state):
    flags_at = r.pos
    r.field = "header flags"
    flags = r.u8()
    has_time = flags & (TIME_ABSOLUTE | TIME_DELTA)
    both = (flags & (TIME_ABSOLUTE | TIME_DELTA)) == TIME_ABSOLUTE | TIME_DELTA
    if both or (not has_time and flags & QUALITY_MASK):
        raise DecodeError(flags_at, f"reserved header flags {flags:#04x}")

    r.field = "sequence number"
    if flags & SEQ:
        seq = r.u32()
    elif state["last_seq"] is None:
        seq = 0
    elif state["last_seq"] < U32_MAX:
        seq = state["last_seq"] + 1
    else:
        raise DecodeError(flags_at, "sequence number: value out of range")

    r.field = "time"
    quality = TIME_QUALITY[flags & QUALITY_MASK]
    if flags & TIME_ABSOLUTE:
        time = {"at": r.u32(), "quality": quality}
    elif flags & TIME_DELTA:
        at = r.pos
        delta = r.i64()
        if state["last_time"] is None:
            raise DecodeError(at, "time is delta-coded but no earlier record gives its base")
        secs = state["last_time"] + delta
        if not 0 <= secs <= U32_MAX:
            raise DecodeError(at, "time: value out of range")
        time = {"at": secs, "quality": quality}
    else:
        time = None

    r.field = "time-zone offset"
    if flags & TZ:
        at = r.pos
        tz = r.i8()
        if not -48 <= tz <= 56:
            raise DecodeError(at, "time-zone offset: value out of range")
    else:
        tz = state["tz"]

    r.field = "actor"
    if flags & ACTOR:
        actor = r.u32()
    elif state["actor"] is None:
        raise DecodeError(flags_at, "actor is delta-coded but no earlier record gives its base")
    else:
        actor = state["actor"]

    r.field = "location"
    location = read_location(r, state) if flags & LOCATION else state["location"]
    return {"seq": seq, "time": time, "tz": tz, "actor": actor, "location": location}


def read_location(r, state):
    at = r.pos
    selector = r.varint(U64)
    if selector == 0:
        return "Unknown"
    if selector == 1:
        point_at = r.pos
        lat, lon = r.i32(), r.i32()
        loc = geo(lat, lon)
        if loc is None:
            raise DecodeError(point_at, "location: value out of range")
        return loc
    if selector == 2:
        d_lat, d_lon = r.i32(), r.i32()
        if state["last_geo"] is None:
            raise DecodeError(at, "location is delta-coded but no earlier record gives its base")
        lat, lon = state["last_geo"][0] + d_lat, state["last_geo"][1] + d_lon
        loc = None
        if I32_MIN <= lat <= I32_MAX and I32_MIN <= lon <= I32_MAX:
            loc = geo(lat, lon)
        if loc is None:
            raise DecodeError(at, "location: value out of range")
        return loc
    place = selector - 3
    if place > U32_MAX:
        raise DecodeError(at, "location: value out of range")
    return {"Place": place}


# --- Section 7: bodies -------------------------------------------------------------------------


def read_body(r, record_type, state):
    r.field = "body"
    start = r.pos

    def enum(names):
        return r.enum_index(names, start)

    def epc():
        uri = epc_uri(r.raw(12))
        if uri is None:
            r.fail("value out of range", start)
        return uri

    def evidence():
        bits = r.u8()
        if bits & 0x80:
            r.fail("value out of range", start)
        return bits

    def confidence():
        bp = r.u16()
        if bp > 10_000:
            r.fail("value out of range", start)
        return bp

    def reference():
        return {"kind": enum(REFERENCE_KIND), "number": r.u32()}

    if record_type == "Commission":

        def label():
            return {enum(LABEL): r.u32()}

        def claim():
            by = r.u32()
            variant = enum(STATEMENT)
            value = r.u32() if variant == "RecoveryArea" else r.u16()
            return {"by": by, "statement": {variant: value}}

        return {
            "epc": epc(),
            "chip_uid": r.list(10, r.u8, start),
            "container": enum(CONTAINER_KIND),
            "labels": r.list(3, label, start),
            "issuer": r.u32(),
            "claims": r.list(2, claim, start),
        }

    if record_type == "Custody":
        step = enum(BIZ_STEP)
        disposition = enum(DISPOSITION)
        from_party = r.u32()
        to_party = r.u32()
        stored = enum(STORED_SEAL)
        if stored == "None":
            seal = None
        elif stored == "SameNumber":
            seal = {"number": state["last_seal"], "state": enum(SEAL_STATE)}
        else:
            number = r.u32()
            seal = {"number": number, "state": enum(SEAL_STATE)}
        condition = enum(CONDITION)
        # FORMAT.md, section 14: the seal's base is checked after the whole body is read.
        if stored == "SameNumber" and state["last_seal"] is None:
            raise DecodeError(start, "seal is delta-coded but no earlier record gives its base")
        return {
            "step": step,
            "disposition": disposition,
            "from": from_party,
            "to": to_party,
            "seal": seal,
            "condition": condition,
        }

    if record_type == "Aggregate":
        return {"action": enum(AGGREGATE_ACTION), "parent": epc()}

    if record_type == "Sample":
        variant = enum(SAMPLE_ID)
        sample = {variant: epc() if variant == "Tag" else r.u32()}
        return {
            "sample": sample,
            "element": enum(BONE_ELEMENT),
            "side": enum(SIDE),
            "kind": enum(SAMPLE_KIND),
            "destination": r.u32(),
        }

    if record_type == "Link":
        return {
            "subject": reference(),
            "relation": enum(RELATION),
            "basis": evidence(),
            "confidence": confidence(),
            "supersedes": r.option(r.u32),
        }

    if record_type == "Inspect":

        def observation():
            variant = enum(OBSERVATION)
            read = {
                "Temperature": r.i32,
                "Humidity": r.u16,
                "Shock": r.u32,
                "ElementCount": r.u16,
                "MinimumIndividuals": r.u16,
                "Human": lambda: enum(LIKELIHOOD),
                "UsServiceMember": lambda: enum(LIKELIHOOD),
                "Photo": lambda: r.hexbytes(32),
            }[variant]
            return {variant: read()}

        return {"kind": enum(INSPECT_KIND), "observations": r.list(4, observation, start)}

    if record_type == "Identification":
        return {
            "subject": reference(),
            "status": enum(IDENTIFICATION_STATUS),
            "methods": evidence(),
            "report": r.hexbytes(32),
            "authority": r.u32(),
        }

    if record_type == "Correction":
        return {
            "corrects": r.list(4, r.u32, start),
            "reason": enum(CORRECTION_REASON),
            "replaced_by": r.option(r.u32),
        }

    if record_type == "Checkpoint":

        def signature():
            return {"key": r.u32(), "role": enum(SIGNER_ROLE), "signature": r.hexbytes(64)}

        return {
            "count": r.u32(),
            "head": r.hexbytes(32),
            "signatures": r.list(2, signature, start),
        }

    raise AssertionError(record_type)


# --- Section 4: decoding a record --------------------------------------------------------------


def decode(data, state):
    """Decodes the record at the start of `data`; returns (record, length) and advances state."""
    if not data:
        raise DecodeError(0, "input ends inside a record (1 more bytes needed)")
    version = data[0] >> 4
    if version != 1:
        raise DecodeError(0, f"unsupported format version {version}")
    r = Reader(data, 1, len(data), "length")
    try:
        length = r.u32()
    except DecodeError as e:
        if "ends early" in e.kind:
            raise DecodeError(e.offset, "input ends inside a record (1 more bytes needed)")
        raise
    if length > MAX_CONTENT_LEN:
        raise DecodeError(1, f"record length {length} is out of range")
    content_start = r.pos
    crc_at = content_start + length
    total = crc_at + 4
    if len(data) < total:
        raise DecodeError(
            len(data), f"input ends inside a record ({total - len(data)} more bytes needed)"
        )
    stored = int.from_bytes(data[crc_at:total], "little")
    computed = crc32c(data[:crc_at])
    if stored != computed:
        raise DecodeError(
            crc_at,
            f"CRC mismatch: stored {stored:#010x}, computed {computed:#010x} (damaged or torn)",
        )
    record_type = RECORD_TYPES.get(data[0] & 0x0F)
    if record_type is None:
        raise DecodeError(0, f"unknown record type {data[0] & 0x0F}")

    r = Reader(data, content_start, crc_at, "header")
    header = read_header(r, state)
    body = read_body(r, record_type, state)
    if r.remaining():
        raise DecodeError(r.pos, f"{r.remaining()} unused bytes after the last field")
    record = {"header": header, "body": {record_type: body}}
    advance(state, record)
    return record, total


# --- Section 10: the chain and the checkpoint statement ----------------------------------------

GENESIS = hashlib.sha256(b"remtag chain v1").digest()


def checkpoint_statement(count, head, role_index):
    return b"remtag chkpt v1\x00" + count.to_bytes(4, "little") + head + bytes([role_index])


# Ed25519 verification (RFC 8032), for checking the statement layout against the signatures.
_P = 2**255 - 19
_L = 2**252 + 27742317777372353535851937790883648493
_D = -121665 * pow(121666, _P - 2, _P) % _P
_SQRT_M1 = pow(2, (_P - 1) // 4, _P)


def _add(a, b):
    x1, y1, z1, t1 = a
    x2, y2, z2, t2 = b
    aa = (y1 - x1) * (y2 - x2) % _P
    bb = (y1 + x1) * (y2 + x2) % _P
    cc = 2 * t1 * t2 * _D % _P
    dd = 2 * z1 * z2 % _P
    e, f, g, h = bb - aa, dd - cc, dd + cc, bb + aa
    return (e * f % _P, g * h % _P, f * g % _P, e * h % _P)


def _mul(s, point):
    q = (0, 1, 1, 0)
    while s:
        if s & 1:
            q = _add(q, point)
        point = _add(point, point)
        s >>= 1
    return q


def _encode(point):
    x, y, z, _ = point
    zi = pow(z, _P - 2, _P)
    x, y = x * zi % _P, y * zi % _P
    return (y | ((x & 1) << 255)).to_bytes(32, "little")


def _decode_point(s):
    y = int.from_bytes(s, "little")
    sign = y >> 255
    y &= (1 << 255) - 1
    if y >= _P:
        return None
    x2 = (y * y - 1) * pow(_D * y * y + 1, _P - 2, _P) % _P
    x = pow(x2, (_P + 3) // 8, _P)
    if (x * x - x2) % _P:
        x = x * _SQRT_M1 % _P
    if (x * x - x2) % _P:
        return None
    if x == 0 and sign:
        return None
    if (x & 1) != sign:
        x = _P - x
    return (x, y, 1, x * y % _P)


_GY = 4 * pow(5, _P - 2, _P) % _P
_B = _decode_point(_GY.to_bytes(32, "little"))


def ed25519_public_key(seed):
    h = hashlib.sha512(seed).digest()
    a = int.from_bytes(h[:32], "little")
    a &= (1 << 254) - 8
    a |= 1 << 254
    return _encode(_mul(a, _B))


def ed25519_verify(public, message, signature):
    a = _decode_point(public)
    r = _decode_point(signature[:32])
    s = int.from_bytes(signature[32:], "little")
    if a is None or r is None or s >= _L:
        return False
    k = int.from_bytes(hashlib.sha512(signature[:32] + public + message).digest(), "little") % _L
    return _encode(_mul(s, _B)) == _encode(_add(r, _mul(k, a)))


def demo_public_key(key):
    """The simulator's demonstration key (FORMAT.md, section 10.2): never for real custody."""
    return ed25519_public_key(b"remtag-sim demonstration key %03d" % (key % 1000))


def check_checkpoint(checkpoint, chain):
    """Problems with a decoded checkpoint body; `chain` is (count, head) or None if unknown."""
    problems = []
    head = bytes.fromhex(checkpoint["head"])
    if chain is not None:
        count, expected = chain
        if checkpoint["count"] != count:
            problems.append(f"checkpoint count {checkpoint['count']}, chain has {count} records")
        if head != expected:
            problems.append(f"checkpoint head {head.hex()}, chain head is {expected.hex()}")
    for sig in checkpoint["signatures"]:
        role = SIGNER_ROLE.index(sig["role"])
        statement = checkpoint_statement(checkpoint["count"], head, role)
        public = demo_public_key(sig["key"])
        if not ed25519_verify(public, statement, bytes.fromhex(sig["signature"])):
            problems.append(f"signature by key {sig['key']} ({sig['role']}) does not verify")
    return problems


# --- Running over a vector file ----------------------------------------------------------------


def canonical(value):
    return json.dumps(value, sort_keys=True, separators=(",", ":"))


def run(path):
    with open(path, encoding="utf-8") as f:
        doc = json.load(f)
    coding = doc["coding"]
    if coding not in ("log", "first_of_log"):
        print(f"{path}: unknown coding {coding!r}")
        return 0, 1
    passed = failed = 0
    state = fresh_state()
    chain_head, chain_count = GENESIS, 0
    chain_ok = coding == "log"
    broken = None
    for i, vector in enumerate(doc["vectors"]):
        label = f"{path} vector {i} ({vector['name']})"
        if broken is not None:
            # FORMAT.md, section 4: records after a damaged one are coded against it.
            print(f"FAIL {label}: not decoded, follows vector {broken}, which failed to decode")
            failed += 1
            continue
        if coding == "first_of_log":
            state = fresh_state()
        data = bytes.fromhex(vector["hex"])
        problems = []
        try:
            record, used = decode(data, state)
        except DecodeError as e:
            print(f"FAIL {label}: decode error {e}")
            failed += 1
            if coding == "log":
                broken = i
            continue
        if used != len(data):
            problems.append(f"used {used} of {len(data)} bytes")
        if canonical(record) != canonical(vector["record"]):
            problems.append(
                f"decoded {canonical(record)}\n         expected {canonical(vector['record'])}"
            )
        checkpoint = record["body"].get("Checkpoint")
        if checkpoint is not None:
            chain = (chain_count, chain_head) if chain_ok else None
            problems.extend(check_checkpoint(checkpoint, chain))
        chain_head = hashlib.sha256(chain_head + data[:used]).digest()
        chain_count += 1
        if problems:
            failed += 1
            for p in problems:
                print(f"FAIL {label}: {p}")
        else:
            passed += 1
    return passed, failed


def main(argv):
    if len(argv) < 2:
        print(f"usage: {argv[0]} VECTOR_FILE.json...", file=sys.stderr)
        return 2
    passed = failed = 0
    for path in argv[1:]:
        p, f = run(path)
        passed, failed = passed + p, failed + f
    print(f"{passed} passed, {failed} failed")
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
