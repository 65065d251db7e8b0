# defaults.star -- defines no hook at all: every call goes to Celery's
# StampingVisitor defaults (on_signature returns None, the other returning
# hooks return {}, on_chord_header_start wraps the header into a group and
# delegates to on_group_start, on_chord_header_end delegates to on_group_end).
# Only the headers passed to stamp() and stamps already on the canvas move.
# (class form written by visitors/python's TestConformanceClassForms)

from celery.canvas import Signature, StampingVisitor


class DefaultsVisitor(StampingVisitor):
    def __init__(self) -> None:
        self.state = {}

    def on_signature(self, sig: Signature, **headers) -> dict:
        return super().on_signature(sig, **headers)

