# collide.star -- every returning hook stamps the SAME key "k", with values of
# mixed types (strings from some hooks, ints from others), so overwrite
# (append_stamps=False) versus aggregation into lists (append_stamps=True)
# is exercised at every level. Defines on_chord_header_start itself.
# Reads nothing from sig.

# (class form written by visitors/python's TestConformanceClassForms)

from celery.canvas import Signature, StampingVisitor


class CollideVisitor(StampingVisitor):
    def __init__(self) -> None:
        self.state = {}

    def _n(self):
        self.state["n"] = self.state.get("n", 0) + 1
        return self.state["n"]

    def on_signature(self, sig: Signature, **headers) -> dict:
        return {"k": "s%d" % self._n()}

    def on_group_start(self, sig: Signature, **headers) -> dict:
        return {"k": self._n()}

    def on_chain_start(self, sig: Signature, **headers) -> dict:
        return {"k": "c%d" % self._n()}

    def on_chord_header_start(self, sig: Signature, **headers) -> dict:
        return {"k": 1000 + self._n()}

    def on_chord_body(self, sig: Signature, **headers) -> dict:
        return {"k": "b%d" % self._n()}

    def on_callback(self, sig: Signature, **headers) -> dict:
        return {"k": "cb%d" % self._n()}

    def on_errback(self, sig: Signature, **headers) -> dict:
        return {"k": 2000 + self._n()}
