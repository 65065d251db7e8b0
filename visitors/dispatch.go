package visitors

import "github.com/stampede-dev/stampede/canvas"

// Dispatch is a Visitor whose every hook calls one function: the base of
// visitors that wrap another one or answer all hooks alike (recording,
// replaying, counting calls). Embed it and set it with NewDispatch.
type Dispatch struct {
	name string
	call func(h Hook, t Target, headers *canvas.Dict) (canvas.Value, error)
}

// NewDispatch is a Dispatch named name that answers every hook with call.
func NewDispatch(name string, call func(h Hook, t Target, headers *canvas.Dict) (canvas.Value, error)) Dispatch {
	return Dispatch{name: name, call: call}
}

// Name is the visitor's name.
func (d *Dispatch) Name() string { return d.name }

func (d *Dispatch) OnSignature(t Target, h *canvas.Dict) (canvas.Value, error) {
	return d.call(OnSignature, t, h)
}
func (d *Dispatch) OnGroupStart(t Target, h *canvas.Dict) (canvas.Value, error) {
	return d.call(OnGroupStart, t, h)
}
func (d *Dispatch) OnGroupEnd(t Target, h *canvas.Dict) (canvas.Value, error) {
	return d.call(OnGroupEnd, t, h)
}
func (d *Dispatch) OnChainStart(t Target, h *canvas.Dict) (canvas.Value, error) {
	return d.call(OnChainStart, t, h)
}
func (d *Dispatch) OnChainEnd(t Target, h *canvas.Dict) (canvas.Value, error) {
	return d.call(OnChainEnd, t, h)
}
func (d *Dispatch) OnChordHeaderStart(t Target, h *canvas.Dict) (canvas.Value, error) {
	return d.call(OnChordHeaderStart, t, h)
}
func (d *Dispatch) OnChordHeaderEnd(t Target, h *canvas.Dict) (canvas.Value, error) {
	return d.call(OnChordHeaderEnd, t, h)
}
func (d *Dispatch) OnChordBody(t Target, h *canvas.Dict) (canvas.Value, error) {
	return d.call(OnChordBody, t, h)
}
func (d *Dispatch) OnCallback(t Target, h *canvas.Dict) (canvas.Value, error) {
	return d.call(OnCallback, t, h)
}
func (d *Dispatch) OnErrback(t Target, h *canvas.Dict) (canvas.Value, error) {
	return d.call(OnErrback, t, h)
}
