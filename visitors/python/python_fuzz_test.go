package python_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stampede-dev/stampede/canvas"
	"github.com/stampede-dev/stampede/stamping"
	"github.com/stampede-dev/stampede/visitors"
	"github.com/stampede-dev/stampede/visitors/python"
	"github.com/stampede-dev/stampede/visitors/script"
)

// fuzzBudget is each hook call's step budget under the fuzzer: small, so
// that a visitor that loops ends fast.
const fuzzBudget = 20_000

// pythonError is the text of a Python exception raised in a hook.
var pythonError = regexp.MustCompile(`(^|: )[A-Z][A-Za-z]*(Error|Exception|Exit)\b`)

// positioned is an error that starts with the Python file's position.
var positioned = regexp.MustCompile(`^fuzz\.py:\d+:\d+: `)

// FuzzPython translates arbitrary source as a Python visitor file and,
// when it compiles, stamps the test workflow with it under a small step
// budget. For any source:
//
//   - nothing panics, in the translator, the compiler or the run;
//   - a file that does not compile fails with one line that starts with
//     its file:line:col (or names the file when no line is to blame);
//   - a run ends by its budget, and a failure is a script error, a hook or
//     step error, or a Python exception.
//
// The seeds are the corpus visitors in class form and the visitors of
// this package's tests.
func FuzzPython(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("testdata", "conformance", "*.py"))
	for _, file := range files {
		src, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(string(src))
	}
	for _, src := range fuzzSeeds {
		f.Add(src)
	}
	f.Fuzz(func(t *testing.T, src string) {
		v, err := python.Compile("fuzz.py", []byte(src), "")
		if err != nil {
			msg := err.Error()
			if !positioned.MatchString(msg) && !strings.HasPrefix(msg, "fuzz.py") {
				t.Fatalf("the compile error does not name the file: %q", msg)
			}
			if strings.ContainsAny(msg, "\n\r") && !strings.ContainsAny(msg, "\"'") {
				t.Fatalf("the compile error spans several lines: %q", msg)
			}
			return
		}
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		v.Budget = fuzzBudget
		v.Context = ctx
		v.Print = func(string) {}
		_, err = stamping.Stamp(workflow(t), stamping.Options{Visitor: v, Untraced: true})
		if ctx.Err() != nil {
			t.Fatalf("the run did not end within a minute: %v", err)
		}
		if err != nil {
			var (
				se *script.Error
				he *visitors.HookError
				st *stamping.StepError
				pe *canvas.PyError
			)
			if !errors.As(err, &se) && !errors.As(err, &he) && !errors.As(err, &st) && !errors.As(err, &pe) && !pythonError.MatchString(err.Error()) {
				t.Fatalf("the run failed with a %T: %v", err, err)
			}
		}
	})
}

// fuzzSeeds are Python the translator rewrites: decorators, % formatting,
// json.dumps, the methods Starlark lacks, chained assignment, generator
// arguments, f-strings and super().
var fuzzSeeds = []string{
	`import json
import logging
from celery.canvas import StampingVisitor

log = logging.getLogger(__name__)


class Base(StampingVisitor):
    prefix = "base"

    @property
    def upper_prefix(self):
        return self.prefix.upper()

    @staticmethod
    def short(name):
        return name.split(".")[-1]

    @classmethod
    def tag(cls, name):
        return cls.prefix + ":" + Base.short(name)

    def on_signature(self, sig, **headers):
        a = b = [3, 1]
        a.sort()
        log.info("%-6s %5.2f", sig.id, 1.5)
        return {"t": self.tag(sig.name), "j": json.dumps(sig.options, sort_keys=True, indent=1),
                "p": "%(x)05d|%#x" % {"x": 7} if False else "%05d|%#x" % (7, 255),
                "k": ",".join(k for k, _ in sorted(headers.items())), "z": str(len(b)).zfill(3)}


class Child(Base):
    prefix = "child"

    def on_signature(self, sig, **headers):
        out = super().on_signature(sig, **headers)
        out["u"] = self.upper_prefix
        out["r"] = repr(sig) + "|" + str(sig.owner)
        out["f"] = f"{sig.name!r:>12}|{divmod(7, 2)}|{pow(2, 10)}|{-2 ** 3 ** 2}|{hex(255)}"
        return out

    @classmethod
    def on_errback(cls, errback, **headers):
        return {"eb": cls.prefix}
`,
}
