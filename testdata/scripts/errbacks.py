# Written by stampede from errbacks.star.
# Run in a Celery project that has these tasks, it builds the same canvas:
# json.dumps(canvas) gives the canvas's JSON.
from celery import chain, chord

# Tasks by Celery's default names (module.function); import yours if they differ.
from proj import add, log, log_error, tsum

log_error_1 = log_error.s("steps")
tsum_1 = tsum.s()
tsum_1.link(log.s("total"))

canvas = chain(
    [
        add.s(1, 1).on_error(log_error_1),
        add.s(2).on_error(log_error_1),
        chord(
            [
                add.s(0, 0).on_error(
                    log_error.signature(("fanout",), options={"immutable": True}),
                ),
                add.s(1, 1).on_error(
                    log_error.signature(("fanout",), options={"immutable": True}),
                ),
                add.s(2, 2).on_error(
                    log_error.signature(("fanout",), options={"immutable": True}),
                ),
            ],
            tsum_1,
        ),
    ],
    options={},
)
