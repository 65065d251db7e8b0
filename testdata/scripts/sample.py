# Written by stampede from order.json.
# Run in a Celery project that has these tasks, it builds the same canvas:
# json.dumps(canvas) gives the canvas's JSON.
from celery import chain, chord, group

# Tasks by Celery's default names (module.function); import yours if they differ.
from shop import (
    alert_oncall,
    audit_log,
    charge_card,
    create_invoice,
    email_receipt,
    fetch_order,
    mark_shipped,
    reserve_stock,
    sms_receipt,
)

fetch_order_1 = fetch_order.s(1042).set(task_id="fetch-1")
fetch_order_1.link(audit_log.s("fetched").set(task_id="audit-1"))

canvas = chain(
    fetch_order_1,
    chord(
        [
            charge_card.s().set(queue="payments", task_id="charge-1"),
            reserve_stock.s().set(task_id="reserve-1"),
        ],
        chain(
            create_invoice.s().set(task_id="invoice-1"),
            mark_shipped.s().set(task_id="ship-1"),
            group([
                email_receipt.s().set(task_id="email-1"),
                sms_receipt.s().set(task_id="sms-1"),
            ]).set(task_id="notify-1"),
        ),
    ).set(task_id="pay-1"),
).on_error(alert_oncall.s().set(task_id="alert-1")).set(task_id="order-1042")
