#!/usr/bin/python3
"""Interoperability probe: Confluent's own Python client (confluent-kafka 1.7: its
confluent_kafka.avro MessageSerializer and CachedSchemaRegistryClient, on the reference `avro`
library, no fastavro) reads and writes Faultline records through a real broker and schema
registry. Run by PythonInteropIT; prints one JSON document on stdout.

Keys are plain UTF-8 strings in every Faultline topic, so the script pairs a plain Producer /
Consumer with the Avro MessageSerializer for values (AvroProducer insists on Avro keys).

  check
      prints {"confluentKafka": VERSION, "librdkafka": VERSION, "avro": VERSION} when every module loads
  consume --bootstrap B --registry URL --group G --topics T1,T2 --count N [--timeout S]
      reads N records from the beginning of the topics, prints
      {"received": [{"topic", "key", "schemaId", "schemaName", "value"}]}
  produce --bootstrap B --registry URL --dns-topic T --incident-topic T
      writes a DnsSample with this script's own (older) schema and an Incident with the schema
      registered under the incident topic's subject, prints {"sent": [{"topic", "key", "value"}]}

Timestamps (timestamp-millis) are printed as epoch milliseconds, enums as their symbol.
Exit 3 when a Python module is missing, naming the Debian package; 1 on any other failure.
"""
import argparse
import datetime
import json
import struct
import sys
import time

MISSING = []
try:
    import avro.schema  # python3-avro
except ImportError:
    MISSING.append("python3-avro (module avro)")
try:
    import requests  # noqa: F401  python3-requests, used by CachedSchemaRegistryClient
except ImportError:
    MISSING.append("python3-requests (module requests)")
try:
    from confluent_kafka import Consumer, KafkaError, Producer
    from confluent_kafka.avro import CachedSchemaRegistryClient
    from confluent_kafka.avro.serializer.message_serializer import MessageSerializer
except ImportError as e:
    MISSING.append("python3-confluent-kafka (module confluent_kafka.avro: %s)" % e)
if MISSING:
    sys.stderr.write("missing Python modules: install " + ", ".join(MISSING) + "\n")
    sys.exit(3)

UTC = datetime.timezone.utc

# DnsSample as an older producer might still write it: no `probe`, no `intervalMs`, fewer rcodes.
# Written independently of the Java build on purpose; readers resolve it against their own schema.
DNS_SAMPLE_V1 = {
    "type": "record", "name": "DnsSample", "namespace": "io.faultline.telemetry",
    "fields": [
        {"name": "entity", "type": "string"},
        {"name": "eventTime", "type": {"type": "long", "logicalType": "timestamp-millis"}},
        {"name": "resolver", "type": "string"},
        {"name": "rcode", "type": {"type": "enum", "name": "DnsRcode",
                                   "symbols": ["NOERROR", "NXDOMAIN", "SERVFAIL", "TIMEOUT"]}},
        {"name": "latencyMs", "type": "double"},
    ],
}


def plain(v):
    """A decoded Avro value as JSON: datetimes as epoch millis."""
    if isinstance(v, datetime.datetime):
        if v.tzinfo is None:
            v = v.replace(tzinfo=UTC)
        return int(round(v.timestamp() * 1000))
    if isinstance(v, dict):
        return {k: plain(x) for k, x in v.items()}
    if isinstance(v, list):
        return [plain(x) for x in v]
    if isinstance(v, bytes):
        return v.decode("utf-8")
    return v


def consume(args):
    serializer = MessageSerializer(CachedSchemaRegistryClient({"url": args.registry}))
    consumer = Consumer({
        "bootstrap.servers": args.bootstrap,
        "group.id": args.group,
        "auto.offset.reset": "earliest",
        "enable.auto.commit": False,
    })
    consumer.subscribe(args.topics.split(","))
    received = []
    deadline = time.monotonic() + args.timeout
    try:
        while len(received) < args.count and time.monotonic() < deadline:
            msg = consumer.poll(1.0)
            if msg is None:
                continue
            if msg.error():
                if msg.error().code() == KafkaError._PARTITION_EOF:
                    continue
                raise RuntimeError("consumer error: %s" % msg.error())
            raw = msg.value()
            magic, schema_id = struct.unpack(">bI", raw[:5])
            received.append({
                "topic": msg.topic(),
                "key": msg.key().decode("utf-8") if msg.key() is not None else None,
                "schemaId": schema_id,
                "value": plain(serializer.decode_message(raw)),
            })
    finally:
        consumer.close()
    if len(received) < args.count:
        raise RuntimeError("received %d of %d records within %ss" % (len(received), args.count, args.timeout))
    print(json.dumps({"received": received}, sort_keys=True))


def produce(args):
    registry = CachedSchemaRegistryClient({"url": args.registry})
    serializer = MessageSerializer(registry)
    incident_subject = args.incident_topic + "-value"
    schema_id, incident_schema, version = registry.get_latest_schema(incident_subject)
    if incident_schema is None:
        raise RuntimeError("no schema registered under %s" % incident_subject)
    dns_schema = avro.schema.parse(json.dumps(DNS_SAMPLE_V1))

    t0 = datetime.datetime(2026, 11, 21, 10, 5, 0, 250000, tzinfo=UTC)
    dns = {
        "entity": "dns-name:api.python.example",
        "eventTime": t0,
        "resolver": "dns-resolver:10.0.1.53",
        "rcode": "NXDOMAIN",
        "latencyMs": 3.25,
    }
    incident = {
        "id": "inc-python-1",
        "state": "OPENED",
        "version": 1,
        "rootCause": "dns-resolver:10.0.1.53",
        "rootCauseKind": "DNS_RESOLVER",
        "score": 0.875,
        "severity": "CRITICAL",
        "affected": ["app:search", "dns-name:api.python.example"],
        "affectedApplications": ["app:search"],
        "predictedAffected": [],
        "candidates": [{"rank": 1, "entity": "dns-resolver:10.0.1.53", "score": 0.875},
                       {"rank": 2, "entity": "switch:tor-b", "score": 0.25}],
        "openedAt": t0,
        "onset": t0 - datetime.timedelta(seconds=30),
        "updatedAt": t0,
        "resolvedAt": None,
        "reopenCount": 0,
        "summary": "search cannot resolve api.python.example via 10.0.1.53",
        "labels": {"site": "lyon", "written-by": "confluent-kafka-python"},
    }
    producer = Producer({"bootstrap.servers": args.bootstrap})
    errors = []

    def on_delivery(err, msg):
        if err is not None:
            errors.append(str(err))

    sent = []
    for topic, key, schema, value in ((args.dns_topic, dns["entity"], dns_schema, dns),
                                      (args.incident_topic, incident["id"], incident_schema, incident)):
        data = serializer.encode_record_with_schema(topic, schema, value)
        producer.produce(topic, key=key.encode("utf-8"), value=data, callback=on_delivery)
        sent.append({"topic": topic, "key": key, "schemaId": struct.unpack(">bI", data[:5])[1], "value": plain(value)})
    left = producer.flush(30)
    if left or errors:
        raise RuntimeError("delivery failed: %d undelivered, errors %s" % (left, errors))
    print(json.dumps({"sent": sent}, sort_keys=True))


def main():
    p = argparse.ArgumentParser()
    sub = p.add_subparsers(dest="cmd", required=True)
    sub.add_parser("check")
    c = sub.add_parser("consume")
    c.add_argument("--bootstrap", required=True)
    c.add_argument("--registry", required=True)
    c.add_argument("--group", required=True)
    c.add_argument("--topics", required=True)
    c.add_argument("--count", type=int, required=True)
    c.add_argument("--timeout", type=float, default=60)
    w = sub.add_parser("produce")
    w.add_argument("--bootstrap", required=True)
    w.add_argument("--registry", required=True)
    w.add_argument("--dns-topic", required=True)
    w.add_argument("--incident-topic", required=True)
    args = p.parse_args()
    try:
        if args.cmd == "check":
            import confluent_kafka
            print(json.dumps({"confluentKafka": confluent_kafka.version()[0],
                              "librdkafka": confluent_kafka.libversion()[0],
                              "avro": getattr(avro, "__version__", "unknown")}))
        elif args.cmd == "consume":
            consume(args)
        else:
            produce(args)
    except Exception as e:  # one line for the Java test's failure message
        sys.stderr.write("%s: %s\n" % (type(e).__name__, e))
        sys.exit(1)


if __name__ == "__main__":
    main()
