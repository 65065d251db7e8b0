// Package themes holds stampede's named colour themes: a Palette of colours
// (ANSI palette indexes where possible, so the user's terminal palette
// applies) and the lipgloss styles the TUI draws with. One theme, "mono",
// uses no colour at all — only bold, reverse and underline — and is the one
// in use whenever NO_COLOR is set.
package themes

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/charmbracelet/lipgloss"
)

// Palette names the colours of a theme. A colour is an ANSI palette index
// ("0" to "255") or "#rrggbb"; empty means the terminal's default.
type Palette struct {
	Text       string `json:"text"`
	Muted      string `json:"muted"`
	Accent     string `json:"accent"`
	Border     string `json:"border"`
	Stamp      string `json:"stamp"`
	Added      string `json:"added"`
	Changed    string `json:"changed"`
	Removed    string `json:"removed"`
	Error      string `json:"error"`
	Breakpoint string `json:"breakpoint"`
	Current    string `json:"current"`
	SelectFg   string `json:"select_fg"`
	SelectBg   string `json:"select_bg"`
	Chain      string `json:"chain"`
	Group      string `json:"group"`
	Chord      string `json:"chord"`
	Signature  string `json:"signature"`
	Link       string `json:"link"`
}

// Theme is a named set of styles.
type Theme struct {
	Name    string
	Palette Palette
	// Mono themes use attributes (bold, reverse, underline) and no colour.
	Mono bool

	Text       lipgloss.Style // ordinary text
	Muted      lipgloss.Style // secondary text: ids, paths, hints
	Title      lipgloss.Style // pane titles
	Border     lipgloss.Style // rules and separators
	Accent     lipgloss.Style // hook names, focused titles
	Key        lipgloss.Style // keys in help
	Stamp      lipgloss.Style // stamp keys and values
	Added      lipgloss.Style // diff: added
	Changed    lipgloss.Style // diff: changed
	Removed    lipgloss.Style // diff: removed
	Error      lipgloss.Style // errors
	Breakpoint lipgloss.Style // breakpoint markers
	Current    lipgloss.Style // the node and step the traversal is at
	Selected   lipgloss.Style // the selected row
	Match      lipgloss.Style // fuzzy-match highlight
	Done       lipgloss.Style // timeline: steps already run
	Pending    lipgloss.Style // timeline: steps still to run
	Status     lipgloss.Style // the status line
	Kinds      map[string]lipgloss.Style
}

// Kind is the style for a canvas kind ("chain", "group", "chord", "sig",
// "link"); unknown kinds get Text.
func (t *Theme) Kind(kind string) lipgloss.Style {
	if s, ok := t.Kinds[kind]; ok {
		return s
	}
	return t.Text
}

var builtinPalettes = map[string]Palette{
	"dark": {
		Muted: "8", Accent: "6", Border: "8", Stamp: "13", Added: "2", Changed: "3", Removed: "1",
		Error: "9", Breakpoint: "1", Current: "11", SelectFg: "0", SelectBg: "6",
		Chain: "4", Group: "5", Chord: "3", Signature: "2", Link: "6",
	},
	"light": {
		Muted: "244", Accent: "25", Border: "250", Stamp: "90", Added: "28", Changed: "130", Removed: "124",
		Error: "160", Breakpoint: "160", Current: "166", SelectFg: "15", SelectBg: "25",
		Chain: "25", Group: "90", Chord: "130", Signature: "28", Link: "30",
	},
	"high-contrast": {
		Text: "15", Muted: "7", Accent: "14", Border: "15", Stamp: "13", Added: "10", Changed: "11", Removed: "9",
		Error: "9", Breakpoint: "9", Current: "11", SelectFg: "0", SelectBg: "15",
		Chain: "14", Group: "13", Chord: "11", Signature: "10", Link: "14",
	},
}

// Mono is the name of the colour-free theme.
const Mono = "mono"

// Names lists the built-in themes in the order the TUI cycles through them.
func Names() []string { return []string{"dark", "light", "high-contrast", Mono} }

// Get returns a built-in theme by name.
func Get(name string) (*Theme, bool) {
	if name == Mono {
		return newMono(), true
	}
	p, ok := builtinPalettes[name]
	if !ok {
		return nil, false
	}
	return New(name, p), true
}

// NoColor reports whether the NO_COLOR environment variable is set (to
// anything), in which case only the mono theme is used.
func NoColor() bool {
	_, set := os.LookupEnv("NO_COLOR")
	return set
}

// Default is the theme to start with: mono when NO_COLOR is set, dark
// otherwise.
func Default() *Theme {
	if NoColor() {
		return newMono()
	}
	t, _ := Get("dark")
	return t
}

// Resolve returns the theme a user named: a built-in name or a JSON theme
// file (see Load). When NO_COLOR is set the result is always mono, but a
// bad name or file is still an error.
func Resolve(spec string) (*Theme, error) {
	var t *Theme
	if b, ok := Get(spec); ok {
		t = b
	} else if strings.HasSuffix(spec, ".json") {
		var err error
		if t, err = Load(spec); err != nil {
			return nil, err
		}
	} else {
		return nil, fmt.Errorf("unknown theme %q: not one of %s and not a .json theme file", spec, strings.Join(Names(), ", "))
	}
	if NoColor() {
		return newMono(), nil
	}
	return t, nil
}

// File is the JSON form of a user theme: a name, an optional built-in theme
// to start from, and the colours that differ from it.
//
//	{"name": "solar", "base": "dark", "palette": {"accent": "#268bd2", "stamp": "5"}}
type File struct {
	Name    string            `json:"name"`
	Base    string            `json:"base"`
	Palette map[string]string `json:"palette"`
}

var colourRE = regexp.MustCompile(`^(#[0-9a-fA-F]{6}|#[0-9a-fA-F]{3})$`)

// ValidColour reports whether c is a colour a theme may use: empty, an ANSI
// index 0–255, or #rgb / #rrggbb.
func ValidColour(c string) bool {
	if c == "" || colourRE.MatchString(c) {
		return true
	}
	n, err := strconv.Atoi(c)
	return err == nil && n >= 0 && n <= 255 && strconv.Itoa(n) == c
}

// Load reads a user theme from a JSON file (see File).
func Load(path string) (*Theme, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	t, err := Parse(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return t, nil
}

// Parse builds a theme from the JSON of a File.
func Parse(data []byte) (*Theme, error) {
	var f File
	dec := json.NewDecoder(strings.NewReader(string(data)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&f); err != nil {
		return nil, fmt.Errorf("theme: %w", err)
	}
	if f.Name == "" {
		return nil, errors.New(`theme: "name" is required`)
	}
	base := f.Base
	if base == "" {
		base = "dark"
	}
	p, ok := builtinPalettes[base]
	if !ok {
		return nil, fmt.Errorf("theme: base %q is not a colour theme (dark, light, high-contrast)", base)
	}
	fields := paletteFields(&p)
	keys := make([]string, 0, len(f.Palette))
	for k := range f.Palette {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		dst, ok := fields[k]
		if !ok {
			return nil, fmt.Errorf("theme: unknown palette colour %q", k)
		}
		if !ValidColour(f.Palette[k]) {
			return nil, fmt.Errorf("theme: palette %q: %q is not an ANSI index (0-255) or #rrggbb", k, f.Palette[k])
		}
		*dst = f.Palette[k]
	}
	return New(f.Name, p), nil
}

func paletteFields(p *Palette) map[string]*string {
	return map[string]*string{
		"text": &p.Text, "muted": &p.Muted, "accent": &p.Accent, "border": &p.Border,
		"stamp": &p.Stamp, "added": &p.Added, "changed": &p.Changed, "removed": &p.Removed,
		"error": &p.Error, "breakpoint": &p.Breakpoint, "current": &p.Current,
		"select_fg": &p.SelectFg, "select_bg": &p.SelectBg, "chain": &p.Chain, "group": &p.Group,
		"chord": &p.Chord, "signature": &p.Signature, "link": &p.Link,
	}
}

func fg(c string) lipgloss.Style {
	s := lipgloss.NewStyle()
	if c != "" {
		s = s.Foreground(lipgloss.Color(c))
	}
	return s
}

// New builds a colour theme from a palette.
func New(name string, p Palette) *Theme {
	sel := lipgloss.NewStyle().Reverse(true)
	if p.SelectBg != "" {
		sel = lipgloss.NewStyle().Background(lipgloss.Color(p.SelectBg))
		if p.SelectFg != "" {
			sel = sel.Foreground(lipgloss.Color(p.SelectFg))
		}
	}
	return &Theme{
		Name:       name,
		Palette:    p,
		Text:       fg(p.Text),
		Muted:      fg(p.Muted),
		Title:      fg(p.Accent).Bold(true),
		Border:     fg(p.Border),
		Accent:     fg(p.Accent).Bold(true),
		Key:        fg(p.Accent).Bold(true),
		Stamp:      fg(p.Stamp).Bold(true),
		Added:      fg(p.Added),
		Changed:    fg(p.Changed),
		Removed:    fg(p.Removed),
		Error:      fg(p.Error).Bold(true),
		Breakpoint: fg(p.Breakpoint).Bold(true),
		Current:    fg(p.Current).Bold(true),
		Selected:   sel,
		Match:      fg(p.Accent).Bold(true).Underline(true),
		Done:       fg(p.Text),
		Pending:    fg(p.Muted),
		Status:     fg(p.Text),
		Kinds: map[string]lipgloss.Style{
			"chain": fg(p.Chain).Bold(true), "group": fg(p.Group).Bold(true),
			"chord": fg(p.Chord).Bold(true), "sig": fg(p.Signature), "link": fg(p.Link),
		},
	}
}

func newMono() *Theme {
	plain := lipgloss.NewStyle()
	bold := plain.Bold(true)
	under := plain.Underline(true)
	return &Theme{
		Name:       Mono,
		Mono:       true,
		Text:       plain,
		Muted:      plain,
		Title:      bold,
		Border:     plain,
		Accent:     bold,
		Key:        bold,
		Stamp:      bold,
		Added:      bold,
		Changed:    under,
		Removed:    plain,
		Error:      bold,
		Breakpoint: bold,
		Current:    bold.Underline(true),
		Selected:   plain.Reverse(true),
		Match:      under.Bold(true),
		Done:       bold,
		Pending:    plain,
		Status:     plain,
		Kinds:      map[string]lipgloss.Style{"chain": bold, "group": bold, "chord": bold},
	}
}
