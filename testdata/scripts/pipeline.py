# Written by stampede from pipeline.star.
# Run in a Celery project that has these tasks, it builds the same canvas:
# json.dumps(canvas) gives the canvas's JSON.
from celery import chain, chord

# Tasks by Celery's default names (module.function); import yours if they differ.
from proj import add, log_error, tsum

canvas = chain(
    add.s(2, 2),
    chord(
        [
            add.s(0, 0),
            add.s(1, 1),
            add.s(2, 2),
            add.s(3, 3),
            add.s(4, 4),
            add.s(5, 5),
            add.s(6, 6),
            add.s(7, 7),
            add.s(8, 8),
            add.s(9, 9),
        ],
        tsum.s(),
    ),
).on_error(log_error.s())
