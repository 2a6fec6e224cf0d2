#!/usr/bin/env python3
"""Registers schemas with a Schema Registry and serializes values with Confluent's official serializers
(confluent-kafka's SchemaRegistryClient, AvroSerializer, JSONSerializer and ProtobufSerializer), so the relay's tests
decode the real wire format. Prints one JSON object per line: {"case", "topic", "hex", "expected"}.

Usage: registry_serialize.py REGISTRY_URL [CASES]   (CASES: all, avro, json, protobuf; default all)
"""
import base64
import decimal
import json
import sys
import uuid
import datetime

from confluent_kafka.schema_registry import SchemaRegistryClient
from confluent_kafka.schema_registry.avro import AvroSerializer
from confluent_kafka.schema_registry.json_schema import JSONSerializer
from confluent_kafka.schema_registry.protobuf import ProtobufSerializer
from confluent_kafka.serialization import SerializationContext, MessageField

UTC = datetime.timezone.utc


def emit(case, topic, data, expected):
    print(json.dumps({"case": case, "topic": topic, "hex": data.hex(), "expected": expected}), flush=True)


def avro_cases(client):
    # Every Avro type, and every logical type the relay renders, with the JSON the relay must produce.
    schema = {
        "type": "record", "name": "Everything", "namespace": "test.avro",
        "fields": [
            {"name": "n", "type": "null"},
            {"name": "flag", "type": "boolean"},
            {"name": "i", "type": "int"},
            {"name": "l", "type": "long"},
            {"name": "f", "type": "float"},
            {"name": "d", "type": "double"},
            {"name": "raw", "type": "bytes"},
            {"name": "s", "type": "string"},
            {"name": "color", "type": {"type": "enum", "name": "Color", "symbols": ["RED", "GREEN", "BLUE"]}},
            {"name": "tags", "type": {"type": "array", "items": "string"}},
            {"name": "scores", "type": {"type": "map", "values": "long"}},
            {"name": "maybe", "type": ["null", "string"]},
            {"name": "either", "type": ["int", "string", "Color"]},
            {"name": "hash", "type": {"type": "fixed", "name": "Hash", "size": 4}},
            {"name": "inner", "type": {"type": "record", "name": "Inner", "fields": [
                {"name": "x", "type": "int"}, {"name": "next", "type": ["null", "Inner"]}]}},
            {"name": "price", "type": {"type": "bytes", "logicalType": "decimal", "precision": 10, "scale": 2}},
            {"name": "fixedPrice", "type": {"type": "fixed", "name": "Money", "size": 8, "logicalType": "decimal",
                                            "precision": 18, "scale": 4}},
            {"name": "id", "type": {"type": "string", "logicalType": "uuid"}},
            {"name": "day", "type": {"type": "int", "logicalType": "date"}},
            {"name": "tm", "type": {"type": "int", "logicalType": "time-millis"}},
            {"name": "tu", "type": {"type": "long", "logicalType": "time-micros"}},
            {"name": "tsm", "type": {"type": "long", "logicalType": "timestamp-millis"}},
            {"name": "tsu", "type": {"type": "long", "logicalType": "timestamp-micros"}},
            {"name": "ltsm", "type": {"type": "long", "logicalType": "local-timestamp-millis"}},
            {"name": "ltsu", "type": {"type": "long", "logicalType": "local-timestamp-micros"}},
        ],
    }
    serializer = AvroSerializer(client, json.dumps(schema))
    ctx = SerializationContext("avro.everything", MessageField.VALUE)
    values = [
        ({
            "n": None, "flag": True, "i": -42, "l": 9007199254740993, "f": 1.5, "d": -0.1,
            "raw": b"\x00\xffhi", "s": "h\u00e9llo \"q\" \n", "color": "GREEN", "tags": ["a", "b"],
            "scores": {"x": 1, "y": -2}, "maybe": "here", "either": ("test.avro.Color", "BLUE"), "hash": b"\x01\x02\x03\x04",
            "inner": {"x": 1, "next": {"x": 2, "next": None}},
            "price": decimal.Decimal("-1234.50"), "fixedPrice": decimal.Decimal("0.0001"),
            "id": uuid.UUID("123e4567-e89b-12d3-a456-426614174000"),
            "day": datetime.date(2026, 12, 6), "tm": datetime.time(13, 45, 10, 250000),
            "tu": datetime.time(23, 59, 59, 999999),
            "tsm": datetime.datetime(2026, 12, 6, 4, 16, 13, 123000, tzinfo=UTC),
            "tsu": datetime.datetime(1969, 12, 31, 23, 59, 59, 999999, tzinfo=UTC),
            "ltsm": datetime.datetime(2000, 2, 29, 0, 0, 0, 1000),
            "ltsu": datetime.datetime(1970, 1, 1, 0, 0, 0, 1),
        }, {
            "n": None, "flag": True, "i": -42, "l": 9007199254740993, "f": 1.5, "d": -0.1,
            "raw": base64.b64encode(b"\x00\xffhi").decode(), "s": "h\u00e9llo \"q\" \n", "color": "GREEN",
            "tags": ["a", "b"], "scores": {"x": 1, "y": -2}, "maybe": "here", "either": "BLUE",
            "hash": base64.b64encode(b"\x01\x02\x03\x04").decode(),
            "inner": {"x": 1, "next": {"x": 2, "next": None}},
            "price": "-1234.50", "fixedPrice": "0.0001", "id": "123e4567-e89b-12d3-a456-426614174000",
            "day": "2026-12-06", "tm": "13:45:10.250", "tu": "23:59:59.999999",
            "tsm": "2026-12-06T04:16:13.123Z", "tsu": "1969-12-31T23:59:59.999999Z",
            "ltsm": "2000-02-29T00:00:00.001", "ltsu": "1970-01-01T00:00:00.000001",
        }),
        ({
            "n": None, "flag": False, "i": 2147483647, "l": -9223372036854775808, "f": float("inf"),
            "d": float("nan"), "raw": b"", "s": "", "color": "RED", "tags": [], "scores": {}, "maybe": None,
            "either": 7, "hash": b"\x00\x00\x00\x00", "inner": {"x": -1, "next": None},
            "price": decimal.Decimal("0.05"), "fixedPrice": decimal.Decimal("-99999999999999.9999"),
            "id": uuid.UUID("00000000-0000-0000-0000-000000000000"),
            "day": datetime.date(1, 1, 1), "tm": datetime.time(0, 0), "tu": datetime.time(0, 0),
            "tsm": datetime.datetime(1970, 1, 1, tzinfo=UTC), "tsu": datetime.datetime(9999, 12, 31, 23, 59, 59, 999999, tzinfo=UTC),
            "ltsm": datetime.datetime(1970, 1, 1), "ltsu": datetime.datetime(1970, 1, 1),
        }, {
            "n": None, "flag": False, "i": 2147483647, "l": -9223372036854775808, "f": "Infinity", "d": "NaN",
            "raw": "", "s": "", "color": "RED", "tags": [], "scores": {}, "maybe": None, "either": 7,
            "hash": "AAAAAA==", "inner": {"x": -1, "next": None}, "price": "0.05",
            "fixedPrice": "-99999999999999.9999", "id": "00000000-0000-0000-0000-000000000000",
            "day": "0001-01-01", "tm": "00:00:00.000", "tu": "00:00:00.000000",
            "tsm": "1970-01-01T00:00:00.000Z", "tsu": "9999-12-31T23:59:59.999999Z",
            "ltsm": "1970-01-01T00:00:00.000", "ltsu": "1970-01-01T00:00:00.000000",
        }),
    ]
    for index, (value, expected) in enumerate(values):
        emit(f"avro-everything-{index}", "avro.everything", serializer(value, ctx), expected)

    # A top-level union and primitives as whole values.
    for case, schema_text, value, expected in [
        ("avro-string", '"string"', "plain", "plain"),
        ("avro-long", '"long"', -5, -5),
        ("avro-union-string", '["null", "string"]', "x", "x"),
        ("avro-union-long", '["null", "long"]', 12, 12),
        ("avro-array", '{"type": "array", "items": "double"}', [1.25, -2.0], [1.25, -2.0]),
    ]:
        serializer = AvroSerializer(client, schema_text, conf={"auto.register.schemas": True})
        emit(case, "avro." + case, serializer(value, SerializationContext("avro." + case, MessageField.VALUE)), expected)

    # A schema that references another subject's type.
    client.register_schema("avro.shared.Address", __import__("confluent_kafka.schema_registry", fromlist=["Schema"]).Schema(
        json.dumps({"type": "record", "name": "Address", "namespace": "shared",
                    "fields": [{"name": "city", "type": "string"}]}), "AVRO"))
    from confluent_kafka.schema_registry import Schema, SchemaReference
    referencing = Schema(json.dumps({"type": "record", "name": "Customer", "namespace": "shop",
                                     "fields": [{"name": "name", "type": "string"},
                                                {"name": "home", "type": "shared.Address"}]}),
                         "AVRO", [SchemaReference("shared.Address", "avro.shared.Address", 1)])
    serializer = AvroSerializer(client, referencing, conf={"auto.register.schemas": True})
    emit("avro-reference", "avro.reference",
         serializer({"name": "Ada", "home": {"city": "London"}}, SerializationContext("avro.reference", MessageField.VALUE)),
         {"name": "Ada", "home": {"city": "London"}})


def json_cases(client):
    schema = {"$schema": "http://json-schema.org/draft-07/schema#", "title": "Order", "type": "object",
              "properties": {"id": {"type": "integer"}, "status": {"type": "string"},
                             "lines": {"type": "array", "items": {"type": "object"}}},
              "required": ["id"]}
    serializer = JSONSerializer(json.dumps(schema), client)
    ctx = SerializationContext("json.orders", MessageField.VALUE)
    for index, value in enumerate([
        {"id": 1, "status": "open", "lines": [{"sku": "a", "qty": 2}]},
        {"id": 2, "status": "caf\u00e9 \u2603", "lines": []},
    ]):
        emit(f"json-{index}", "json.orders", serializer(value, ctx), value)


def protobuf_cases(client):
    from google.protobuf import descriptor_pb2, descriptor_pool, message_factory
    file = descriptor_pb2.FileDescriptorProto(name="vehicle.proto", package="fleet", syntax="proto3")
    message = file.message_type.add(name="Position")
    message.field.add(name="vehicle", number=1, type=descriptor_pb2.FieldDescriptorProto.TYPE_STRING,
                      label=descriptor_pb2.FieldDescriptorProto.LABEL_OPTIONAL)
    message.field.add(name="lat", number=2, type=descriptor_pb2.FieldDescriptorProto.TYPE_DOUBLE,
                      label=descriptor_pb2.FieldDescriptorProto.LABEL_OPTIONAL)
    second = file.message_type.add(name="Stop")
    second.field.add(name="at", number=1, type=descriptor_pb2.FieldDescriptorProto.TYPE_INT64,
                     label=descriptor_pb2.FieldDescriptorProto.LABEL_OPTIONAL)
    pool = descriptor_pool.DescriptorPool()
    pool.Add(file)
    for name, fields in [("fleet.Position", {"vehicle": "v-1", "lat": 51.5}), ("fleet.Stop", {"at": 7})]:
        cls = message_factory.GetMessageClass(pool.FindMessageTypeByName(name))
        serializer = ProtobufSerializer(cls, client, {"use.deprecated.format": False})
        data = serializer(cls(**fields), SerializationContext("proto.vehicles", MessageField.VALUE))
        payload = cls(**fields).SerializeToString()
        index = 0 if name == "fleet.Position" else 1
        emit(f"protobuf-{name}", "proto.vehicles", data,
             {"schemaId": int.from_bytes(data[1:5], "big"), "messageIndexes": [index],
              "protobuf": base64.b64encode(payload).decode()})


def main():
    url = sys.argv[1]
    which = sys.argv[2] if len(sys.argv) > 2 else "all"
    client = SchemaRegistryClient({"url": url})
    if which in ("all", "avro"):
        avro_cases(client)
    if which in ("all", "json"):
        json_cases(client)
    if which in ("all", "protobuf"):
        protobuf_cases(client)


if __name__ == "__main__":
    main()
