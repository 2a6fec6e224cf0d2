#!/usr/bin/env python3
"""Random Avro schemas and values, written with fastavro (the encoder Confluent's AvroSerializer uses), with the JSON
the relay must render for each (docs/message-format.md, Decoded values). Prints one JSON object per line:
{"schema", "hex", "expected"}.

Usage: avro_random.py SEED COUNT
"""
import base64
import datetime
import decimal
import io
import json
import math
import random
import struct
import sys
import uuid

import fastavro

EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc)


class Generator:
    def __init__(self, seed):
        self.rng = random.Random(seed)
        self.names = 0

    def name(self):
        self.names += 1
        return f"T{self.names}"

    def schema(self, depth=0):
        r = self.rng
        if depth >= 3 or r.random() < 0.4:
            kind = r.choice(["null", "boolean", "int", "long", "float", "double", "bytes", "string", "enum", "fixed",
                             "decimal", "date", "timestamp-millis", "timestamp-micros", "uuid", "time-millis"])
            if kind == "enum":
                return {"type": "enum", "name": self.name(), "symbols": [f"S{i}" for i in range(r.randint(1, 4))]}
            if kind == "fixed":
                return {"type": "fixed", "name": self.name(), "size": r.randint(0, 6)}
            if kind == "decimal":
                return {"type": "bytes", "logicalType": "decimal", "precision": 18, "scale": r.randint(0, 6)}
            if kind in ("date", "time-millis"):
                return {"type": "int", "logicalType": kind}
            if kind.startswith("timestamp"):
                return {"type": "long", "logicalType": kind}
            if kind == "uuid":
                return {"type": "string", "logicalType": "uuid"}
            return kind
        kind = r.choice(["array", "map", "union", "record"])
        if kind == "array":
            return {"type": "array", "items": self.schema(depth + 1)}
        if kind == "map":
            return {"type": "map", "values": self.schema(depth + 1)}
        if kind == "union":
            other = self.schema(depth + 1)
            if other == "null" or isinstance(other, list):
                return ["null", "string"]
            return ["null", other]
        return {"type": "record", "name": self.name(),
                "fields": [{"name": f"f{i}", "type": self.schema(depth + 1)} for i in range(r.randint(0, 4))]}

    def value(self, schema):
        """A (datum for fastavro, expected JSON) pair."""
        r = self.rng
        if isinstance(schema, list):
            branch = r.randrange(len(schema))
            return self.value(schema[branch]) if schema[branch] != "null" else (None, None)
        if isinstance(schema, str):
            if schema == "null":
                return None, None
            if schema == "boolean":
                v = r.random() < 0.5
                return v, v
            if schema == "int":
                v = r.randint(-2**31, 2**31 - 1)
                return v, v
            if schema == "long":
                v = r.randint(-2**63, 2**63 - 1)
                return v, v
            if schema in ("float", "double"):
                v = r.choice([0.0, -0.0, 1.5, r.uniform(-1e9, 1e9), float("inf"), float("-inf"), float("nan")])
                if schema == "float" and math.isfinite(v):
                    v = struct.unpack("<f", struct.pack("<f", v))[0]
                    # The shortest text that reads back as the same 32-bit float, as the relay writes it.
                    for digits in range(1, 18):
                        text = f"{v:.{digits}g}"
                        if struct.unpack("<f", struct.pack("<f", float(text)))[0] == v:
                            return v, float(text)
                if math.isnan(v):
                    return v, "NaN"
                if math.isinf(v):
                    return v, "Infinity" if v > 0 else "-Infinity"
                return v, v
            if schema == "bytes":
                v = bytes(r.randrange(256) for _ in range(r.randint(0, 6)))
                return v, base64.b64encode(v).decode()
            if schema == "string":
                v = "".join(r.choice("aé\"\\\n€😀z/") for _ in range(r.randint(0, 8)))
                return v, v
        t = schema["type"]
        logical = schema.get("logicalType")
        if logical == "decimal":
            scale = schema["scale"]
            unscaled = r.randint(-10**12, 10**12)
            d = decimal.Decimal(unscaled).scaleb(-scale)
            text = f"{abs(unscaled):0{scale + 1}d}"
            if scale:
                text = text[:-scale] + "." + text[-scale:]
            return d, ("-" if unscaled < 0 else "") + text
        if logical == "date":
            d = datetime.date(1, 1, 1) + datetime.timedelta(days=r.randint(0, 3_652_058))
            return d, d.isoformat()
        if logical == "time-millis":
            ms = r.randint(0, 86_399_999)
            t_ = (datetime.datetime.min + datetime.timedelta(milliseconds=ms)).time()
            return t_, t_.strftime("%H:%M:%S.") + f"{ms % 1000:03d}"
        if logical in ("timestamp-millis", "timestamp-micros"):
            micros = r.randint(-10**16, 10**16)
            if logical == "timestamp-millis":
                micros -= micros % 1000
            dt = EPOCH + datetime.timedelta(microseconds=micros)
            digits = 3 if logical == "timestamp-millis" else 6
            fraction = f"{dt.microsecond:06d}"[:digits]
            return dt, dt.strftime("%Y-%m-%dT%H:%M:%S") + "." + fraction + "Z"
        if logical == "uuid":
            u = str(uuid.UUID(int=r.getrandbits(128)))
            return u, u
        if t == "enum":
            s = r.choice(schema["symbols"])
            return s, s
        if t == "fixed":
            v = bytes(r.randrange(256) for _ in range(schema["size"]))
            return v, base64.b64encode(v).decode()
        if t == "array":
            pairs = [self.value(schema["items"]) for _ in range(r.randint(0, 3))]
            return [p[0] for p in pairs], [p[1] for p in pairs]
        if t == "map":
            pairs = {f"k{i}": self.value(schema["values"]) for i in range(r.randint(0, 3))}
            return {k: p[0] for k, p in pairs.items()}, {k: p[1] for k, p in pairs.items()}
        if t == "record":
            pairs = [(f["name"], self.value(f["type"])) for f in schema["fields"]]
            return {n: p[0] for n, p in pairs}, {n: p[1] for n, p in pairs}
        raise ValueError(schema)


def main():
    seed, count = int(sys.argv[1]), int(sys.argv[2])
    for index in range(count):
        generator = Generator(seed * 100_000 + index)
        schema = generator.schema()
        parsed = fastavro.parse_schema(schema)
        datum, expected = generator.value(schema)
        out = io.BytesIO()
        fastavro.schemaless_writer(out, parsed, datum)
        print(json.dumps({"schema": json.dumps(schema), "hex": out.getvalue().hex(), "expected": expected},
                         allow_nan=False), flush=True)


if __name__ == "__main__":
    main()
