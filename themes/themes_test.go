package themes

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/charmbracelet/lipgloss"
)

// styles lists every lipgloss.Style of a theme by field name.
func styles(t *Theme) map[string]lipgloss.Style {
	out := map[string]lipgloss.Style{}
	v := reflect.ValueOf(t).Elem()
	for i := 0; i < v.NumField(); i++ {
		if s, ok := v.Field(i).Interface().(lipgloss.Style); ok {
			out[v.Type().Field(i).Name] = s
		}
	}
	for k, s := range t.Kinds {
		out["Kinds."+k] = s
	}
	return out
}

func TestEveryBuiltinThemeLoads(t *testing.T) {
	for _, n := range Names() {
		th, ok := Get(n)
		if !ok || th.Name != n {
			t.Fatalf("Get(%q) = %v, %v", n, th, ok)
		}
		if len(styles(th)) < 15 {
			t.Fatalf("%s has only %d styles", n, len(styles(th)))
		}
	}
	if _, ok := Get("nope"); ok {
		t.Fatal("Get of an unknown theme succeeded")
	}
}

func TestMonoUsesNoColour(t *testing.T) {
	th, _ := Get(Mono)
	for name, s := range styles(th) {
		if _, none := s.GetForeground().(lipgloss.NoColor); !none {
			t.Errorf("mono %s has a foreground colour", name)
		}
		if _, none := s.GetBackground().(lipgloss.NoColor); !none {
			t.Errorf("mono %s has a background colour", name)
		}
	}
	if !th.Selected.GetReverse() {
		t.Error("mono shows the selection without reverse video")
	}
}

func TestColourThemesUseAnsiIndexes(t *testing.T) {
	for _, n := range []string{"dark", "high-contrast"} {
		th, _ := Get(n)
		v := reflect.ValueOf(th.Palette)
		for i := 0; i < v.NumField(); i++ {
			c := v.Field(i).String()
			if strings.HasPrefix(c, "#") {
				t.Errorf("%s.%s = %s: prefer an ANSI index", n, v.Type().Field(i).Name, c)
			}
			if !ValidColour(c) {
				t.Errorf("%s.%s = %q is not a colour", n, v.Type().Field(i).Name, c)
			}
		}
	}
}

func TestNoColorPicksMono(t *testing.T) {
	t.Setenv("NO_COLOR", "")
	if Default().Name != Mono {
		t.Fatal("NO_COLOR set (even empty) did not pick mono")
	}
	th, err := Resolve("dark")
	if err != nil || th.Name != Mono {
		t.Fatalf("Resolve(dark) under NO_COLOR = %v, %v", th, err)
	}
	if _, err := Resolve("nope"); err == nil {
		t.Fatal("a bad name is an error even under NO_COLOR")
	}
}

func TestDefaultIsDark(t *testing.T) {
	t.Setenv("NO_COLOR", "restored after the test")
	os.Unsetenv("NO_COLOR")
	if Default().Name != "dark" {
		t.Fatal("default is not dark")
	}
}

func TestUserThemeFile(t *testing.T) {
	p := filepath.Join(t.TempDir(), "mine.json")
	os.WriteFile(p, []byte(`{"name": "mine", "base": "light", "palette": {"accent": "#ff8800", "stamp": "13"}}`), 0o644)
	th, err := Resolve(p)
	if err != nil {
		t.Fatal(err)
	}
	if th.Name != "mine" || th.Palette.Accent != "#ff8800" || th.Palette.Stamp != "13" {
		t.Fatalf("theme %+v", th.Palette)
	}
	light, _ := Get("light")
	if th.Palette.Added != light.Palette.Added {
		t.Fatal("colours not given should come from the base theme")
	}
	if th.Accent.GetForeground() != lipgloss.Color("#ff8800") {
		t.Fatal("the accent style does not use the file's colour")
	}
}

func TestBadUserThemes(t *testing.T) {
	for name, js := range map[string]string{
		"no name":        `{"palette": {}}`,
		"unknown colour": `{"name": "x", "palette": {"accnt": "1"}}`,
		"bad value":      `{"name": "x", "palette": {"accent": "orange"}}`,
		"index too big":  `{"name": "x", "palette": {"accent": "256"}}`,
		"bad base":       `{"name": "x", "base": "mono"}`,
		"unknown field":  `{"name": "x", "colours": {}}`,
		"not json":       `{"name": `,
	} {
		if _, err := Parse([]byte(js)); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}
