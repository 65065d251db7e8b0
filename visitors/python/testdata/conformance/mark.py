# mark.star -- every returning hook stamps its own key with a counter.
# Values look like "s3@7": per-hook-kind counter 3, global hook-call counter 7,
# so both the order of calls and how often each hook ran are pinned.
# The *_end hooks return nothing but bump the global counter, so their
# position in the call order shows up in every later value.
# Defines on_chord_header_start / on_chord_header_end itself, so Celery's
# default (wrap the chord header in a group) is NOT used with this visitor.
# Reads nothing from sig.

# (class form written by visitors/python's TestConformanceClassForms)

from celery.canvas import Signature, StampingVisitor


class MarkVisitor(StampingVisitor):
    def __init__(self) -> None:
        self.state = {}

    def _tick(self, kind):
        self.state[kind] = self.state.get(kind, 0) + 1
        self.state["all"] = self.state.get("all", 0) + 1
        return "%d@%d" % (self.state[kind], self.state["all"])

    def on_signature(self, sig: Signature, **headers) -> dict:
        return {"s": "s" + self._tick("sig")}

    def on_group_start(self, sig: Signature, **headers) -> dict:
        return {"grp": "g" + self._tick("grp")}

    def on_group_end(self, sig: Signature, **headers) -> None:
        self._tick("end")

    def on_chain_start(self, sig: Signature, **headers) -> dict:
        return {"chn": "c" + self._tick("chn")}

    def on_chain_end(self, sig: Signature, **headers) -> None:
        self._tick("end")

    def on_chord_header_start(self, sig: Signature, **headers) -> dict:
        return {"chh": "h" + self._tick("chh")}

    def on_chord_header_end(self, sig: Signature, **headers) -> None:
        self._tick("end")

    def on_chord_body(self, sig: Signature, **headers) -> dict:
        return {"chb": "b" + self._tick("chb")}

    def on_callback(self, sig: Signature, **headers) -> dict:
        return {"cb": "cb" + self._tick("cb")}

    def on_errback(self, sig: Signature, **headers) -> dict:
        return {"eb": "eb" + self._tick("eb")}
