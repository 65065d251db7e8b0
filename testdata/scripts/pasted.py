# Written by stampede from pasted.star.
# Run in a Celery project that has these tasks, it builds the same canvas:
# json.dumps(canvas) gives the canvas's JSON.
from celery import chain, chord

# Tasks by Celery's default names (module.function); import yours if they differ.
from proj.tasks import add, mul, xsum

canvas = chain(
    add.s(4, 4),
    mul.s(8),
    chord([add.si(0, 0), add.si(1, 1), add.si(2, 2)], xsum.s().set(queue="reports")),
)
