#!/usr/bin/env python3
"""Reads a topic from its beginning with confluent-kafka (an independent client, librdkafka as PyPI ships it), without
a group, until COUNT records arrived or TIMEOUT seconds passed. Prints one JSON object per record:
{"partition", "offset", "key", "value", "headers": {name: value}}; keys, values and header values as UTF-8 text
(bytes that are not UTF-8 as "hex:..."), a null value as null.

Usage: kafka_read.py BOOTSTRAP TOPIC COUNT [TIMEOUT]
"""
import json
import sys
import time

from confluent_kafka import Consumer, TopicPartition


def text(data):
    if data is None:
        return None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return "hex:" + data.hex()


def main():
    bootstrap, topic, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
    timeout = float(sys.argv[4]) if len(sys.argv) > 4 else 60.0
    consumer = Consumer({"bootstrap.servers": bootstrap, "group.id": "kafka-read", "enable.auto.commit": False})
    metadata = consumer.list_topics(topic, timeout=timeout)
    partitions = sorted(metadata.topics[topic].partitions)
    consumer.assign([TopicPartition(topic, p, 0) for p in partitions])
    deadline = time.monotonic() + timeout
    read = 0
    while read < count and time.monotonic() < deadline:
        message = consumer.poll(0.2)
        if message is None or message.error():
            continue
        headers = {name: text(value) for name, value in (message.headers() or [])}
        print(json.dumps({"partition": message.partition(), "offset": message.offset(), "key": text(message.key()),
                          "value": text(message.value()), "headers": headers}), flush=True)
        read += 1
    consumer.close()


if __name__ == "__main__":
    main()
