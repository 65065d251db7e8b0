package script

import (
	"errors"
	"fmt"

	"go.starlark.net/lib/json"
	"go.starlark.net/starlark"
	"go.starlark.net/starlarkstruct"
)

// The sandbox's limits besides the step budget of one hook call
// (DefaultBudget). Each has a field on Visitor; zero means the default.
const (
	// DefaultRunBudget is the number of Starlark steps one stamp() run may
	// take over all its hook calls: a hook that stays under its own
	// budget on a canvas of a million nodes still ends.
	DefaultRunBudget = 500_000_000
	// DefaultMaxResult is the size one hook's result may have, counted as
	// its JSON text would be.
	DefaultMaxResult = 1 << 20
	// DefaultMaxPrint is how much print() output one run may make; past
	// it, one notice says so and the rest is dropped.
	DefaultMaxPrint = 1 << 20
	// DefaultMaxMemory is how much the heap may grow during one hook call
	// (and, four times over, during one run) before the script is stopped.
	DefaultMaxMemory = 512 << 20
	// MaxJSONDepth is the nesting json.decode accepts: deeper text would
	// exhaust the decoder's stack.
	MaxJSONDepth = 10_000
)

// RunStepBudget is the step budget of one stamp() run.
func (v *Visitor) RunStepBudget() uint64 {
	if v.RunBudget == 0 {
		return DefaultRunBudget
	}
	return v.RunBudget
}

func (v *Visitor) maxResult() int {
	if v.MaxResult <= 0 {
		return DefaultMaxResult
	}
	return v.MaxResult
}

func (v *Visitor) maxPrint() int {
	if v.MaxPrint <= 0 {
		return DefaultMaxPrint
	}
	return v.MaxPrint
}

func (v *Visitor) maxMemory() uint64 {
	if v.MaxMemory == 0 {
		return DefaultMaxMemory
	}
	return v.MaxMemory
}

// callBudget is the step budget of the next hook call: its own budget, or
// what is left of the run's if that is less. runOut reports that the run's
// budget, not the hook's, is the one that binds.
func (v *Visitor) callBudget() (budget uint64, runOut bool) {
	budget, run := v.StepBudget(), v.RunStepBudget()
	if v.total >= run {
		return 0, true
	}
	if left := run - v.total; left < budget {
		return left, true
	}
	return budget, false
}

// printLimited passes msg on unless the run's print() output is over its
// limit; the first print past it is replaced by one notice.
func (v *Visitor) printLimited(msg string, emit func(string)) {
	limit := v.maxPrint()
	if v.printed > limit {
		return
	}
	v.printed += len(msg) + 1
	if v.printed > limit {
		emit(fmt.Sprintf("[print output passed %s in this run: the rest is dropped]", bytesText(uint64(limit))))
		return
	}
	emit(msg)
}

// errTooLarge is what fromStarlark returns when the result outgrows its
// limit.
var errTooLarge = errors.New("result too large")

// bytesText is n bytes as a short figure: "512 MiB", "1 MiB", "300 bytes".
func bytesText(n uint64) string {
	switch {
	case n >= 1<<30 && n%(1<<30) == 0:
		return fmt.Sprintf("%d GiB", n>>30)
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", n>>20)
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%d KiB", n>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}

// recovered turns a panic inside the interpreter or one of its built-ins
// (`list(range(1 << 62))` asks Go for an impossible slice) into a script
// error, so that a script can never take the program down.
func (v *Visitor) recovered(r any, err *error) {
	if r == nil {
		return
	}
	*err = &Error{Pos: v.file, Hook: v.cur.hook,
		Msg: fmt.Sprintf("%s stopped: the interpreter failed (%v)", v.cur.hook, r)}
}

// JSON is the json module scripts get: go.starlark.net's, with a decode
// that refuses text nested deeper than MaxJSONDepth instead of running the
// recursive decoder out of stack.
var JSON = &starlarkstruct.Module{Name: "json", Members: starlark.StringDict{
	"encode": json.Module.Members["encode"],
	"decode": starlark.NewBuiltin("json.decode", jsonDecode),
	"indent": json.Module.Members["indent"],
}}

func jsonDecode(thread *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	if len(args) > 0 {
		if s, ok := args[0].(starlark.String); ok {
			if d := jsonDepth(string(s)); d > MaxJSONDepth {
				return nil, fmt.Errorf("json.decode: the text nests %d levels deep, over the limit of %d", d, MaxJSONDepth)
			}
		}
	}
	return starlark.Call(thread, json.Module.Members["decode"], args, kwargs)
}

// jsonDepth is the deepest nesting of brackets and braces in JSON text,
// outside strings. It is an upper bound for invalid text, which the
// decoder then rejects.
func jsonDepth(s string) int {
	depth, deepest, inString := 0, 0, false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case inString:
			if c == '\\' {
				i++
			} else if c == '"' {
				inString = false
			}
		case c == '"':
			inString = true
		case c == '[' || c == '{':
			depth++
			deepest = max(deepest, depth)
		case c == ']' || c == '}':
			depth--
		}
	}
	return deepest
}
