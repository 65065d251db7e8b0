# minimal.star -- only on_signature, like the monitoring example in Celery's
# stamping docs, but deterministic (a counter instead of a uuid).
# Every other hook falls back to Celery's StampingVisitor defaults, so a chord
# header gets wrapped into a group by the default on_chord_header_start.
# Reads nothing from sig.

# (class form written by visitors/python's TestConformanceClassForms)

from celery.canvas import Signature, StampingVisitor


class MinimalVisitor(StampingVisitor):
    def __init__(self) -> None:
        self.state = {}

    def on_signature(self, sig: Signature, **headers) -> dict:
        self.state["n"] = self.state.get("n", 0) + 1
        return {"mtask_id": "m-%d" % self.state["n"]}
