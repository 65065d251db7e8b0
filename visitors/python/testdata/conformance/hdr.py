# hdr.star -- defines on_chord_header_start but NOT on_chord_header_end, so
# Celery's default on_chord_header_end calls on_group_end with the chord's
# header as it is (a plain list here, never wrapped into a group).
# on_group_end / on_chain_end only count calls (they never read sig); the
# count is visible in the values stamped afterwards.
# Reads nothing from sig.

# (class form written by visitors/python's TestConformanceClassForms)

from celery.canvas import Signature, StampingVisitor


class HdrVisitor(StampingVisitor):
    def __init__(self) -> None:
        self.state = {}

    def _n(self, kind):
        self.state[kind] = self.state.get(kind, 0) + 1
        return self.state[kind]

    def on_signature(self, sig: Signature, **headers) -> dict:
        return {"e": "s%d/e%d" % (self._n("sig"), self.state.get("end", 0))}

    def on_group_start(self, sig: Signature, **headers) -> dict:
        return {"gs": self._n("grp")}

    def on_group_end(self, sig: Signature, **headers) -> None:
        self._n("end")

    def on_chain_end(self, sig: Signature, **headers) -> None:
        self._n("end")

    def on_chord_header_start(self, sig: Signature, **headers) -> dict:
        return {"hs": self._n("chh")}

    def on_chord_body(self, sig: Signature, **headers) -> dict:
        return {"e": "b/e%d" % self.state.get("end", 0)}
