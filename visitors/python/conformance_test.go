package python_test

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/stampede-dev/stampede/canvas"
	"github.com/stampede-dev/stampede/replay/conformance"
	"github.com/stampede-dev/stampede/stamping"
	"github.com/stampede-dev/stampede/visitors"
	"github.com/stampede-dev/stampede/visitors/python"
	"github.com/stampede-dev/stampede/visitors/script"
)

var update = flag.Bool("update", false, "rewrite testdata/conformance/*.py from the corpus's .star visitors")

const corpus = "../../testdata/conformance"

// classForm writes a corpus .star visitor as the Python class a Celery user
// would write: each function becomes a method taking self, `state` becomes
// self.state (set in __init__), helper calls go through self, and the hooks
// get Celery's type annotations. A visitor defining no on_signature (which
// StampingVisitor declares abstract) gets one that returns the default
// through super().
func classForm(name, src string) string {
	var helpers []string
	defs := regexp.MustCompile(`(?m)^def (\w+)\(`).FindAllStringSubmatch(src, -1)
	hasSig := false
	for _, d := range defs {
		if _, isHook := visitors.ParseHook(d[1]); !isHook {
			helpers = append(helpers, d[1])
		}
		if d[1] == "on_signature" {
			hasSig = true
		}
	}
	class := ""
	for _, part := range strings.Split(strings.TrimSuffix(name, ".star"), "_") {
		class += strings.ToUpper(part[:1]) + part[1:]
	}
	class += "Visitor"
	word := regexp.MustCompile(`\bstate\b`)
	var b strings.Builder
	lines := strings.Split(strings.TrimRight(src, "\n"), "\n")
	i := 0
	for ; i < len(lines) && (strings.HasPrefix(lines[i], "#") || lines[i] == ""); i++ {
		b.WriteString(lines[i] + "\n")
	}
	b.WriteString("# (class form written by visitors/python's TestConformanceClassForms)\n\n")
	b.WriteString("from celery.canvas import Signature, StampingVisitor\n\n\n")
	b.WriteString("class " + class + "(StampingVisitor):\n")
	b.WriteString("    def __init__(self) -> None:\n        self.state = {}\n\n")
	if !hasSig {
		b.WriteString("    def on_signature(self, sig: Signature, **headers) -> dict:\n")
		b.WriteString("        return super().on_signature(sig, **headers)\n\n")
	}
	for ; i < len(lines); i++ {
		line := lines[i]
		if m := regexp.MustCompile(`^def (\w+)\((.*)\):$`).FindStringSubmatch(line); m != nil {
			params := m[2]
			if h, isHook := visitors.ParseHook(m[1]); isHook {
				params = strings.Replace(params, "sig,", "sig: Signature,", 1)
				ret := "dict"
				if h.IsEnd() {
					ret = "None"
				}
				b.WriteString("    def " + m[1] + "(self, " + params + ") -> " + ret + ":\n")
			} else if params == "" {
				b.WriteString("    def " + m[1] + "(self):\n")
			} else {
				b.WriteString("    def " + m[1] + "(self, " + params + "):\n")
			}
			continue
		}
		if line == "" {
			b.WriteString("\n")
			continue
		}
		line = word.ReplaceAllStringFunc(line, func(string) string { return "self.state" })
		for _, h := range helpers {
			line = strings.ReplaceAll(line, " "+h+"(", " self."+h+"(")
			line = strings.ReplaceAll(line, "("+h+"(", "(self."+h+"(")
		}
		b.WriteString("    " + line + "\n")
	}
	return b.String()
}

type stampCase struct {
	file    string
	c       *canvas.Dict
	visitor string
}

func stampCases(t *testing.T) []stampCase {
	files, err := filepath.Glob(filepath.Join(corpus, "stamp", "*.json"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no stamp cases in %s: %v", corpus, err)
	}
	var out []stampCase
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		v, err := canvas.Decode(data)
		if err != nil {
			t.Fatal(err)
		}
		c := v.(*canvas.Dict)
		name, _ := c.Lookup("visitor").(string)
		if name != "" {
			out = append(out, stampCase{filepath.Base(f), c, name})
		}
	}
	return out
}

// run stamps a case's canvas with v and returns the actual output in the
// corpus's form: {"canvas", "trace"} or {"error"}.
func run(t *testing.T, c *canvas.Dict, v visitors.Visitor) *canvas.Dict {
	t.Helper()
	root, err := canvas.SignatureOf(canvas.JSONCopy(c.Lookup("canvas")))
	if err != nil {
		t.Fatal(err)
	}
	headers, _ := canvas.JSONCopy(c.Lookup("headers")).(*canvas.Dict) // a run mutates what it is given
	tr, err := stamping.Stamp(root, stamping.Options{Visitor: v, Append: canvas.Truthy(c.Lookup("append_stamps")), Headers: headers})
	if err != nil {
		return canvas.DictOf(canvas.Plain, []canvas.Pair{{Key: canvas.K("error"), Val: err.Error()}})
	}
	data, err := canvas.Encode(root, -1)
	if err != nil {
		t.Fatal(err)
	}
	out, err := canvas.Decode(data)
	if err != nil {
		t.Fatal(err)
	}
	return canvas.DictOf(canvas.Plain, []canvas.Pair{{Key: canvas.K("canvas"), Val: out}, {Key: canvas.K("trace"), Val: canvas.JSONCopy(tr.Lines(false))}})
}

// TestConformanceClassForms runs every visitor stamp case of the corpus
// twice — with the .star visitor and with its Python class form — and checks
// that both match Celery's output and each other exactly.
func TestConformanceClassForms(t *testing.T) {
	stars, err := filepath.Glob(filepath.Join(corpus, "visitors", "*.star"))
	if err != nil || len(stars) == 0 {
		t.Fatalf("no corpus visitors: %v", err)
	}
	forms := map[string]string{}
	for _, star := range stars {
		src, err := os.ReadFile(star)
		if err != nil {
			t.Fatal(err)
		}
		name := filepath.Base(star)
		py := classForm(name, string(src))
		golden := filepath.Join("testdata", "conformance", strings.TrimSuffix(name, ".star")+".py")
		if *update {
			if err := os.MkdirAll(filepath.Dir(golden), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(golden, []byte(py), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		want, err := os.ReadFile(golden)
		if err != nil {
			t.Fatalf("%v (run go test -update to write the class forms)", err)
		}
		if string(want) != py {
			t.Errorf("%s is not the class form of %s (run go test -update)", golden, name)
		}
		forms[name] = golden
	}
	cases := stampCases(t)
	counts := map[string]int{}
	for _, sc := range cases {
		t.Run(sc.file+"/"+sc.visitor, func(t *testing.T) {
			star, err := script.Load(filepath.Join(corpus, "visitors", sc.visitor))
			if err != nil {
				t.Fatal(err)
			}
			py, err := python.Load(forms[sc.visitor], "")
			if err != nil {
				t.Fatal(err)
			}
			a := run(t, sc.c, star)
			b := run(t, sc.c, py)
			if err := conformance.CompareCase(sc.c, a); err != nil {
				t.Errorf(".star: %v", err)
			}
			if err := conformance.CompareCase(sc.c, b); err != nil {
				t.Errorf(".py: %v", err)
			}
			ja, jb := canvas.MustEncode(a), canvas.MustEncode(b)
			if ja != jb {
				t.Errorf("the .star and .py runs differ:\n.star: %s\n.py:   %s", ja, jb)
			}
		})
		counts[sc.visitor]++
	}
	names := make([]string, 0, len(counts))
	for n := range counts {
		names = append(names, n)
	}
	sort.Strings(names)
	var summary bytes.Buffer
	for _, n := range names {
		summary.WriteString(" " + n + "=" + strconv.Itoa(counts[n]))
	}
	t.Logf("%d stamp cases, each run as .star and as a Python class:%s", len(cases), summary.String())
	if len(counts) != len(stars) {
		t.Errorf("%d visitors are used by stamp cases, %d exist", len(counts), len(stars))
	}
}
