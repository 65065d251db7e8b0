package replay

import (
	"github.com/stampede-dev/stampede/canvas"
	"github.com/stampede-dev/stampede/stamping"
)

// RecordStamp is stamping.Stamp(c, opts) that also records a session: the
// canvas as it was before stamping, and one stamp op (visitorName as the
// user gave it, append_stamps, the headers) with the recording of
// everything opts.Visitor returned. Playing the session gives exactly this
// run again, uuid4() values included. The trace and error are Stamp's; the
// session is returned even when the stamp failed (it fails the same way).
func RecordStamp(c *canvas.Dict, visitorName string, opts stamping.Options) (*stamping.Trace, *Session, error) {
	sess := NewSession(c)
	args := &canvas.Dict{}
	if opts.Visitor != nil {
		if visitorName == "" {
			visitorName = opts.Visitor.Name()
		}
		args.Set("visitor", visitorName)
	} else {
		args.Set("visitor", nil)
	}
	args.Set("append_stamps", opts.Append)
	headers := &canvas.Dict{}
	if opts.Headers != nil {
		headers = canvas.JSONCopy(opts.Headers).(*canvas.Dict)
	}
	args.Set("headers", headers)
	op := NewOp("stamp", "", args)
	var rec *Recorder
	if opts.Visitor != nil {
		rec = NewRecorder(opts.Visitor, visitorName)
		opts.Visitor = rec
	}
	tr, err := stamping.Stamp(c, opts)
	if rec != nil {
		op.Record = rec.Recording()
	}
	sess.Ops = append(sess.Ops, op)
	return tr, sess, err
}
