package canvas

import "unique"

// Key is the key of a dict pair. A canvas repeats a score of keys (task,
// args, kwargs, options, …) a million times; a Key holds one pointer to the
// text shared by every pair with that key, so a pair takes 24 bytes where a
// string key took 32. Two keys are equal exactly when their texts are, and
// comparing them compares the pointers.
type Key struct{ h unique.Handle[string] }

// K returns the key with text s.
func K(s string) Key { return Key{unique.Make(s)} }

// String is the key's text; "" for the zero Key.
func (k Key) String() string {
	if k == (Key{}) {
		return ""
	}
	return k.h.Value()
}

// The keys Celery's canvas code reads on every signature, made once so
// that the hot paths compare pointers.
var (
	KeyTask           = K("task")
	KeyArgs           = K("args")
	KeyKwargs         = K("kwargs")
	KeyOptions        = K("options")
	KeySubtaskType    = K("subtask_type")
	KeyImmutable      = K("immutable")
	KeyTasks          = K("tasks")
	KeyHeader         = K("header")
	KeyBody           = K("body")
	KeyTaskID         = K("task_id")
	KeyLink           = K("link")
	KeyLinkError      = K("link_error")
	KeyStampedHeaders = K("stamped_headers")
)
