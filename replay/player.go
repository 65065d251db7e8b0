package replay

import (
	"errors"
	"fmt"

	"github.com/stampede-dev/stampede/canvas"
	"github.com/stampede-dev/stampede/stamping"
	"github.com/stampede-dev/stampede/visitors"
)

// Config says how a Player runs stamp ops and what it keeps.
type Config struct {
	// Resolve turns a stamp op's visitor name into a visitor, for the stamp
	// ops that run live (no recording, Live, Verify). It may be nil when
	// every stamp op is recorded.
	Resolve Resolver
	// Live ignores recordings: every visitor runs live and is recorded anew.
	Live bool
	// Verify replays recordings and, at every hook call, also runs the
	// visitor live on the same object and headers, keeping the first call
	// where the two differ (Player.Divergence). The run follows the
	// recording, so the snapshots are those of the recording.
	Verify bool
	// Ledger keeps the stamp ledger (Player.Ledger).
	Ledger bool
	// NoSnapshots leaves Player.Snapshots empty, for a player whose user
	// reads only the current canvas (the TUI's ops mode): a snapshot is a
	// copy of the whole canvas, most of the time and memory an op took on
	// a large canvas.
	NoSnapshots bool
}

// Player plays a session op by op: the current canvas, a snapshot and trace
// per op, the session as played (every stamp op with its recording), and the
// ledger. It is what `stampede replay` runs and what the TUI drives, one Do
// per user action.
type Player struct {
	cfg Config

	// Session holds the initial canvas and the ops played so far, each
	// stamp op with the recording of its visitor (made now if it ran live).
	Session *Session
	// Current is the canvas after the last op.
	Current *canvas.Dict
	// Snapshots[i] and Traces[i] are op i's snapshot and trace, as in Result
	// (no snapshots with Config.NoSnapshots).
	Snapshots []canvas.Value
	Traces    []*stamping.Trace
	// Ledger is the stamp ledger (nil unless Config.Ledger).
	Ledger *Ledger
	// Divergence is the first hook call where a live visitor did not do
	// what the recording says (Config.Verify only).
	Divergence *Divergence
	// Unverified lists the stamp ops Verify could not compare because they
	// had no recording (they ran live).
	Unverified []int
	// Err is the error of the op that failed (ErrStep, -1 for none); once
	// an op fails, the session stops, as in Celery.
	Err     error
	ErrStep int
}

// NewPlayer starts playing on a canvas (as JSON, or a canvas value: its
// JSON is taken now). The canvas is loaded as celery.signature(dict) does.
func NewPlayer(initial canvas.Value, cfg Config) (*Player, error) {
	return newPlayer(NewSession(initial), cfg)
}

func newPlayer(s *Session, cfg Config) (*Player, error) {
	cur, err := canvas.SignatureOfCopy(s.Canvas)
	if err != nil {
		return nil, fmt.Errorf("loading the canvas: %w", err)
	}
	p := &Player{cfg: cfg, Session: s, Current: cur, ErrStep: -1}
	if cfg.Ledger {
		p.Ledger = NewLedger(cur)
	}
	return p, nil
}

// Play plays every op of a session. It stops at the first op that fails,
// recording it in Err (the ops after it stay in Session, unplayed). The
// error is for a canvas that cannot be loaded.
func Play(s *Session, cfg Config) (*Player, error) {
	played := *s
	played.Ops = nil
	p, err := newPlayer(&played, cfg)
	if err != nil {
		return nil, err
	}
	for i, op := range s.Ops {
		if err := p.Do(op); err != nil {
			p.Session.Ops = append(p.Session.Ops, s.Ops[i+1:]...)
			break
		}
	}
	return p, nil
}

// Do applies one op (see Apply for ops addressed to a node by path) and
// adds it to the session. A stamp op with a recording replays it (unless
// Config.Live); one without runs its visitor live and records it. When the
// op fails it is still added (replaying the session fails the same way) and
// the player stops: every later Do returns an error. To undo, play
// Session.Prefix(n) again.
func (p *Player) Do(op *Op) error {
	if p.Err != nil {
		return fmt.Errorf("the session stopped at op %d: %w", p.ErrStep, p.Err)
	}
	i := p.Played()
	if op.Args == nil {
		p.Session.Ops = append(p.Session.Ops, op)
		return p.fail(i, "?", fmt.Errorf("op is a %s, not an object", canvas.TypeName(op.bad)))
	}
	played := &Op{Args: op.Args, Record: op.Record}
	var finish func() error
	visitorFor := func(name string) (visitors.Visitor, error) {
		v, done, err := p.stampVisitor(i, name, op)
		finish = func() error {
			rec, ferr := done()
			if rec != nil {
				played.Record = rec
			}
			return ferr
		}
		return v, err
	}
	// The op runs on a copy of its arguments: Celery mutates what it is
	// given (a headers list extended in place, an operand's options stamped
	// later), and the session must keep the op as it was written.
	args := canvas.JSONCopy(op.Args).(*canvas.Dict)
	snap, tr, next, err := apply(p.Current, args, visitorFor, p.Ledger != nil, !p.cfg.NoSnapshots)
	if finish != nil {
		if ferr := finish(); err == nil {
			err = ferr
		}
	}
	p.Session.Ops = append(p.Session.Ops, played)
	if err != nil {
		return p.fail(i, op.Name(), err)
	}
	p.Current = next
	if !p.cfg.NoSnapshots {
		p.Snapshots = append(p.Snapshots, snap)
	}
	p.Traces = append(p.Traces, tr)
	if p.Ledger != nil {
		p.Ledger.Observe(i, played, tr, next)
	}
	return nil
}

// Played is the number of ops played (the failed one excluded).
func (p *Player) Played() int { return len(p.Traces) }

func (p *Player) fail(i int, name string, err error) error {
	p.Err, p.ErrStep = &OpError{i, name, err}, i
	return p.Err
}

// stampVisitor is the visitor of stamp op i and a function to call when the
// stamp is done, which returns the op's new recording (nil to keep the op's
// own) and an error when a recording did not fit the run.
func (p *Player) stampVisitor(i int, name string, op *Op) (visitors.Visitor, func() (*Recording, error), error) {
	none := func() (*Recording, error) { return nil, nil }
	live := func() (visitors.Visitor, error) {
		if p.cfg.Resolve == nil {
			return nil, fmt.Errorf("visitor %q: no recording and no way to run it live", name)
		}
		return p.cfg.Resolve(name)
	}
	if op.Record != nil && !p.cfg.Live {
		if p.cfg.Verify {
			v, err := live()
			if err != nil {
				return nil, none, fmt.Errorf("-verify: %w", err)
			}
			l := newLockstep(op.Record, v, i)
			return l, func() (*Recording, error) {
				if l.first != nil && p.Divergence == nil {
					p.Divergence = l.first
				}
				return nil, l.Done()
			}, nil
		}
		r := NewReplayer(op.Record)
		return r, func() (*Recording, error) { return nil, r.Done() }, nil
	}
	v, err := live()
	if err != nil {
		return nil, none, err
	}
	if p.cfg.Verify {
		p.Unverified = append(p.Unverified, i)
	}
	r := NewRecorder(v, name)
	return r, func() (*Recording, error) { return r.Recording(), nil }, nil
}

// Undo is a new player that has played every op of this one but the last,
// from the recordings (no visitor runs live), with the same Config
// otherwise. Undoing a failed op lets the session go on.
func (p *Player) Undo() (*Player, error) {
	n := len(p.Session.Ops)
	if n == 0 {
		return nil, fmt.Errorf("nothing to undo")
	}
	cfg := p.cfg
	cfg.Live = false
	return Play(p.Session.Prefix(n-1), cfg)
}

// Result is what was played, in Run's form.
func (p *Player) Result() *Result {
	return &Result{Snapshots: p.Snapshots, Traces: p.Traces, Err: p.Err, ErrStep: p.ErrStep, Final: p.Current}
}

// IsMismatch reports whether err is a recording that did not fit its run.
func IsMismatch(err error) bool {
	var m *MismatchError
	return errors.As(err, &m)
}
