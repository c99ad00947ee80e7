#!/usr/bin/env python3
"""Publishes and consumes through a broker with pika's BlockingConnection,
the way the RabbitMQ tutorials do, and prints what it saw as one JSON object.

Usage: pika_roundtrip.py <host> <port> <vhost> <queue> [<username> <password>]
"""
import json
import sys
import time

import pika
from pika.exceptions import UnroutableError


def properties_seen(properties):
    """The basic properties a test compares, as plain JSON values."""
    return {
        "content_type": properties.content_type,
        "delivery_mode": properties.delivery_mode,
        "correlation_id": properties.correlation_id,
        "reply_to": properties.reply_to,
        "message_id": properties.message_id,
        "headers": properties.headers,
    }


def main():
    host, port, vhost, queue = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
    username = sys.argv[5] if len(sys.argv) > 5 else "guest"
    password = sys.argv[6] if len(sys.argv) > 6 else "guest"
    result = {}

    parameters = pika.ConnectionParameters(
        host=host,
        port=port,
        virtual_host=vhost,
        credentials=pika.PlainCredentials(username, password),
        connection_attempts=1,
        socket_timeout=5,
        blocked_connection_timeout=5,
    )
    connection = pika.BlockingConnection(parameters)
    channel = connection.channel()

    declared = channel.queue_declare(queue=queue, durable=True)
    result["declared"] = {
        "queue": declared.method.queue,
        "message_count": declared.method.message_count,
        "consumer_count": declared.method.consumer_count,
    }

    # With confirms on, basic_publish returns only once the broker has the message,
    # and an unroutable mandatory publish raises instead of vanishing.
    channel.confirm_delivery()
    for n in range(1, 4):
        channel.basic_publish(
            exchange="",
            routing_key=queue,
            body=("task %d ......" % n).encode(),
            properties=pika.BasicProperties(
                content_type="text/plain",
                delivery_mode=2,
                correlation_id="corr-%d" % n,
                reply_to="rpc.callback",
                message_id="msg-%d" % n,
                headers={"lesson": "work-queues", "n": n},
            ),
        )
    try:
        channel.basic_publish(exchange="", routing_key=queue + ".nobody", body=b"lost", mandatory=True)
        result["unroutable"] = "routed"
    except UnroutableError as err:
        returned = err.messages[0]
        result["unroutable"] = {"reply_code": returned.method.reply_code, "reply_text": returned.method.reply_text}

    method, properties, body = channel.basic_get(queue=queue, auto_ack=False)
    result["get"] = {
        "body": body.decode(),
        "delivery_tag": method.delivery_tag,
        "redelivered": method.redelivered,
        "message_count": method.message_count,
        "properties": properties_seen(properties),
    }
    channel.basic_ack(delivery_tag=method.delivery_tag)

    consumed = []

    def on_message(ch, deliver, props, payload):
        consumed.append(
            {
                "body": payload.decode(),
                "delivery_tag": deliver.delivery_tag,
                "redelivered": deliver.redelivered,
                "routing_key": deliver.routing_key,
                "properties": properties_seen(props),
            }
        )
        ch.basic_ack(delivery_tag=deliver.delivery_tag)

    channel.basic_qos(prefetch_count=1)
    consumer_tag = channel.basic_consume(queue=queue, on_message_callback=on_message)
    deadline = time.monotonic() + 5
    while len(consumed) < 2 and time.monotonic() < deadline:
        connection.process_data_events(time_limit=0.1)
    channel.basic_cancel(consumer_tag)
    result["consumed"] = consumed

    after = channel.queue_declare(queue=queue, passive=True)
    result["after"] = {"message_count": after.method.message_count, "consumer_count": after.method.consumer_count}
    result["deleted"] = channel.queue_delete(queue=queue).method.message_count
    connection.close()
    print(json.dumps(result))


if __name__ == "__main__":
    main()
