#!/usr/bin/python3
"""Independent Kafka client for the interop tests (kafka-python, Debian python3-kafka).

Run with /usr/bin/python3 (the Debian interpreter that has the kafka module).

  consume BOOTSTRAP TOPIC COUNT TIMEOUT_S
      Reads every partition of TOPIC from the beginning until COUNT records arrived (or the
      timeout) and prints one JSON object per record, ordered by (partition, offset):
      {"partition", "offset", "key_b64" (null for a null key), "value_b64", "headers": [[k, v_b64]]}
  produce BOOTSTRAP TOPIC COMPRESSION
      Reads JSON objects from stdin, one per line: {"key_b64", "value_b64", "partition"?,
      "headers"?: [[k, v_b64]]}, produces them in order (acks=all, COMPRESSION: none, gzip, zstd),
      and prints {"partition", "offset"} per record in the same order.
Exit status 0 on success; 3 when fewer than COUNT records were read; 1 on any other failure.
"""
import base64
import json
import sys
import time

from kafka import KafkaConsumer, KafkaProducer, TopicPartition


def b64(data):
    return None if data is None else base64.b64encode(data).decode("ascii")


def unb64(text):
    return None if text is None else base64.b64decode(text)


def consume(bootstrap, topic, count, timeout_s):
    deadline = time.monotonic() + timeout_s
    consumer = KafkaConsumer(bootstrap_servers=bootstrap, group_id=None,
                             enable_auto_commit=False, auto_offset_reset="earliest")
    partitions = None
    while partitions is None and time.monotonic() < deadline:
        partitions = consumer.partitions_for_topic(topic)
        if partitions is None:
            consumer.poll(timeout_ms=100)  # refreshes metadata
    if partitions is None:
        print("topic %s not found" % topic, file=sys.stderr)
        return 1
    tps = [TopicPartition(topic, p) for p in sorted(partitions)]
    consumer.assign(tps)
    consumer.seek_to_beginning(*tps)
    records = []
    while len(records) < count and time.monotonic() < deadline:
        for _, batch in consumer.poll(timeout_ms=200).items():
            records.extend(batch)
    consumer.close()
    records.sort(key=lambda r: (r.partition, r.offset))
    for r in records:
        print(json.dumps({"partition": r.partition, "offset": r.offset,
                          "key_b64": b64(r.key), "value_b64": b64(r.value),
                          "headers": [[k, b64(v)] for k, v in (r.headers or [])]}))
    return 0 if len(records) >= count else 3


def produce(bootstrap, topic, compression):
    producer = KafkaProducer(bootstrap_servers=bootstrap, acks="all", linger_ms=5,
                             compression_type=None if compression == "none" else compression)
    futures = []
    for line in sys.stdin:
        if not line.strip():
            continue
        rec = json.loads(line)
        headers = [(k, unb64(v)) for k, v in rec.get("headers", [])]
        futures.append(producer.send(topic, key=unb64(rec.get("key_b64")),
                                     value=unb64(rec["value_b64"]),
                                     partition=rec.get("partition"), headers=headers or None))
    producer.flush(timeout=60)
    for f in futures:
        md = f.get(timeout=60)
        print(json.dumps({"partition": md.partition, "offset": md.offset}))
    producer.close(timeout=10)
    return 0


def main(argv):
    if len(argv) >= 6 and argv[1] == "consume":
        return consume(argv[2], argv[3], int(argv[4]), float(argv[5]))
    if len(argv) >= 5 and argv[1] == "produce":
        return produce(argv[2], argv[3], argv[4])
    print(__doc__, file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
