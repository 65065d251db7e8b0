# nested.star -- returns dict values ("meta") and list values ("lst"), which
# go through the recursive dict merge and the list extension in Celery's
# _merge_dictionaries, plus a plain string "mon" and an int "num" that collide
# with stamps already present on generated canvases.
# Reads nothing from sig.

# (class form written by visitors/python's TestConformanceClassForms)

from celery.canvas import Signature, StampingVisitor


class NestedVisitor(StampingVisitor):
    def __init__(self) -> None:
        self.state = {}

    def _n(self):
        self.state["n"] = self.state.get("n", 0) + 1
        return self.state["n"]

    def on_signature(self, sig: Signature, **headers) -> dict:
        n = self._n()
        return {"meta": {"sig": n, "tags": ["s%d" % n]}, "lst": ["s%d" % n], "mon": "m%d" % n}

    def on_group_start(self, sig: Signature, **headers) -> dict:
        n = self._n()
        return {"meta": {"grp": n}, "lst": ["g%d" % n], "num": n}

    def on_chain_start(self, sig: Signature, **headers) -> dict:
        n = self._n()
        return {"meta": {"chn": n, "tags": ["c%d" % n]}, "lst": ["c%d" % n]}

    def on_chord_body(self, sig: Signature, **headers) -> dict:
        n = self._n()
        return {"lst": ["b%d" % n], "num": n}

    def on_callback(self, sig: Signature, **headers) -> dict:
        n = self._n()
        return {"lst": ["cb%d" % n], "mon": "cb%d" % n}

    def on_errback(self, sig: Signature, **headers) -> dict:
        n = self._n()
        return {"meta": {"eb": n}, "num": n}
