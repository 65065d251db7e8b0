# weird.star -- odd but legal stamp keys and values:
#  * "immutable" as a stamp key: Celery's Signature.set(immutable=...) turns it
#    into the signature's immutable flag instead of an option (leaves only;
#    from a group/chain/chord hook it is passed down to every leaf).
#  * "stamped_headers" given as a plain string instead of a list.
#  * float, None and bool values.
#  * keys that are ordinary execution options ("queue", "priority") and are
#    present on many generated signatures without being stamps.
# Reads from sig: sig.task only.

# (class form written by visitors/python's TestConformanceClassForms)

from celery.canvas import Signature, StampingVisitor


class WeirdVisitor(StampingVisitor):
    def __init__(self) -> None:
        self.state = {}

    def _n(self):
        self.state["n"] = self.state.get("n", 0) + 1
        return self.state["n"]

    def on_signature(self, sig: Signature, **headers) -> dict:
        n = self._n()
        if sig.task == "proj.mul":
            return {"immutable": True, "queue": "wq%d" % n}
        if sig.task == "proj.add":
            return {"sx": "x%d" % n, "stamped_headers": "sx"}
        return {"fl": 2.5, "nv": None, "yes": True, "priority": n}

    def on_group_start(self, sig: Signature, **headers) -> dict:
        return {"immutable": False, "fl": 0.25}

    def on_chain_start(self, sig: Signature, **headers) -> dict:
        return {"nv": None, "queue": "cq%d" % self._n()}

    def on_callback(self, sig: Signature, **headers) -> dict:
        return {"queue": "cbq%d" % self._n(), "yes": False}

    def on_errback(self, sig: Signature, **headers) -> dict:
        return {"priority": self._n(), "stamped_headers": "priority"}
