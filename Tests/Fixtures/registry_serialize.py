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
    """Messages built at run time from a FileDescriptorProto (every scalar type, enums, nested and repeated messages,
    maps, a oneof, proto3 optional, well-known types), serialized by ProtobufSerializer; the expected JSON is
    google.protobuf.json_format.MessageToDict's, the reference proto3 JSON mapping."""
    from google.protobuf import descriptor_pb2, descriptor_pool, message_factory, json_format
    from google.protobuf import timestamp_pb2, duration_pb2, wrappers_pb2, struct_pb2, empty_pb2, field_mask_pb2
    F = descriptor_pb2.FieldDescriptorProto
    pool = descriptor_pool.DescriptorPool()
    for module in (timestamp_pb2, duration_pb2, wrappers_pb2, struct_pb2, empty_pb2, field_mask_pb2):
        pool.Add(descriptor_pb2.FileDescriptorProto.FromString(module.DESCRIPTOR.serialized_pb))
    file = descriptor_pb2.FileDescriptorProto(name="fleet.proto", package="fleet", syntax="proto3")
    file.dependency.extend(["google/protobuf/timestamp.proto", "google/protobuf/duration.proto",
                            "google/protobuf/wrappers.proto", "google/protobuf/struct.proto",
                            "google/protobuf/empty.proto", "google/protobuf/field_mask.proto"])
    status = file.enum_type.add(name="Status")
    for number, name in enumerate(["STATUS_UNKNOWN", "MOVING", "PARKED"]):
        status.value.add(name=name, number=number)

    position = file.message_type.add(name="Position")

    def field(message, name, number, type_, label=F.LABEL_OPTIONAL, type_name=None, **extra):
        added = message.field.add(name=name, number=number, type=type_, label=label, **extra)
        if type_name:
            added.type_name = type_name
        return added

    field(position, "vehicle_id", 1, F.TYPE_STRING)
    field(position, "lat", 2, F.TYPE_DOUBLE)
    field(position, "speed", 3, F.TYPE_FLOAT)
    field(position, "odometer", 4, F.TYPE_INT64)
    field(position, "trips", 5, F.TYPE_UINT64)
    field(position, "heading", 6, F.TYPE_INT32)
    field(position, "seats", 7, F.TYPE_UINT32)
    field(position, "delta", 8, F.TYPE_SINT32)
    field(position, "big_delta", 9, F.TYPE_SINT64)
    field(position, "f32", 10, F.TYPE_FIXED32)
    field(position, "f64", 11, F.TYPE_FIXED64)
    field(position, "sf32", 12, F.TYPE_SFIXED32)
    field(position, "sf64", 13, F.TYPE_SFIXED64)
    field(position, "moving", 14, F.TYPE_BOOL)
    field(position, "photo", 15, F.TYPE_BYTES)
    field(position, "status", 16, F.TYPE_ENUM, type_name=".fleet.Status")
    stop = position.nested_type.add(name="Stop")
    field(stop, "name", 1, F.TYPE_STRING)
    field(stop, "minutes", 2, F.TYPE_INT32)
    field(position, "next_stop", 17, F.TYPE_MESSAGE, type_name=".fleet.Position.Stop")
    field(position, "stops", 18, F.TYPE_MESSAGE, F.LABEL_REPEATED, ".fleet.Position.Stop")
    field(position, "readings", 19, F.TYPE_INT32, F.LABEL_REPEATED)  # packed (proto3's default)
    field(position, "labels", 20, F.TYPE_STRING, F.LABEL_REPEATED)
    entry = position.nested_type.add(name="AttributesEntry")
    entry.options.map_entry = True
    field(entry, "key", 1, F.TYPE_STRING)
    field(entry, "value", 2, F.TYPE_INT64)
    field(position, "attributes", 21, F.TYPE_MESSAGE, F.LABEL_REPEATED, ".fleet.Position.AttributesEntry")
    position.oneof_decl.add(name="source")
    field(position, "gps", 22, F.TYPE_STRING, oneof_index=0)
    field(position, "cell", 23, F.TYPE_INT32, oneof_index=0)
    position.oneof_decl.add(name="_fuel")
    field(position, "fuel", 24, F.TYPE_DOUBLE, oneof_index=1, proto3_optional=True)
    field(position, "at", 25, F.TYPE_MESSAGE, type_name=".google.protobuf.Timestamp")
    field(position, "idle", 26, F.TYPE_MESSAGE, type_name=".google.protobuf.Duration")
    field(position, "driver", 27, F.TYPE_MESSAGE, type_name=".google.protobuf.StringValue")
    field(position, "load", 28, F.TYPE_MESSAGE, type_name=".google.protobuf.Int64Value")
    field(position, "extra", 29, F.TYPE_MESSAGE, type_name=".google.protobuf.Struct")
    field(position, "nothing", 30, F.TYPE_MESSAGE, type_name=".google.protobuf.Empty")
    field(position, "mask", 31, F.TYPE_MESSAGE, type_name=".google.protobuf.FieldMask")
    field(position, "ratio", 32, F.TYPE_MESSAGE, type_name=".google.protobuf.DoubleValue")
    second = file.message_type.add(name="Alert")
    field(second, "code", 1, F.TYPE_INT32)
    field(second, "text", 2, F.TYPE_STRING)
    pool.Add(file)

    Position = message_factory.GetMessageClass(pool.FindMessageTypeByName("fleet.Position"))
    Alert = message_factory.GetMessageClass(pool.FindMessageTypeByName("fleet.Alert"))
    full = Position(
        vehicle_id="v-1", lat=51.5, speed=12.25, odometer=-9007199254740993, trips=18446744073709551615,
        heading=-90, seats=4294967295, delta=-5, big_delta=-9223372036854775808, f32=7, f64=8, sf32=-9, sf64=-10,
        moving=True, photo=b"\x00\xff", status=1, readings=[1, -2, 300000], labels=["a", "\u00e9"],
        stops=[Position.Stop(name="depot", minutes=5), Position.Stop(name="x")], gps="51.5,-0.1", fuel=0.0)
    full.driver.value = "Ada"
    full.load.value = -3
    full.ratio.value = float("inf")
    full.next_stop.name = "home"
    full.attributes["weight"] = 1200
    full.at.FromJsonString("2026-12-06T04:16:13.123456Z")
    full.idle.FromJsonString("-1.500s")
    full.extra.update({"k": [1, "two", None, True, {"n": 2.5}]})
    full.nothing.SetInParent()
    full.mask.paths.extend(["vehicle_id", "next_stop.name"])
    defaults = Position(cell=0, status=0)
    defaults.at.SetInParent()
    cases = [("protobuf-full", Position, full), ("protobuf-defaults", Position, defaults),
             ("protobuf-second-message", Alert, Alert(code=7, text="hot"))]
    for name, cls, message in cases:
        serializer = ProtobufSerializer(cls, client, {"use.deprecated.format": False})
        data = serializer(message, SerializationContext("proto.vehicles", MessageField.VALUE))
        emit(name, "proto.vehicles", data, json_format.MessageToDict(message))


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
