// Package common is what every TUI component shares (the soft-serve way):
// the theme and the keymap, held in one Common value instead of globals,
// and small helpers for drawing fixed-size panes line by line.
package common

import (
	"encoding/base64"
	"io"
	"strings"

	"github.com/charmbracelet/bubbles/help"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"

	"github.com/stampede-dev/stampede/themes"
	"github.com/stampede-dev/stampede/tui/keys"
)

// Common is shared by all components. Components keep a pointer to it, so a
// theme change is seen everywhere at once.
type Common struct {
	Theme *themes.Theme
	Keys  *keys.KeyMap
}

// Component is a pane or dialog: a small model that resizes itself and
// brings its own help.
type Component interface {
	help.KeyMap
	SetSize(width, height int)
	View() string
}

// Fit cuts or pads a (possibly styled) line to exactly w cells.
func Fit(s string, w int) string {
	if w <= 0 {
		return ""
	}
	sw := ansi.StringWidth(s)
	if sw > w {
		// a wide character at the edge may leave one cell to fill
		s = ansi.Truncate(s, w, "…")
		sw = ansi.StringWidth(s)
	}
	return s + strings.Repeat(" ", w-sw)
}

// Cut cuts a line to at most w cells, with an ellipsis when cut.
func Cut(s string, w int) string {
	if w <= 0 {
		return ""
	}
	if ansi.StringWidth(s) > w {
		return ansi.Truncate(s, w, "…")
	}
	return s
}

// Width is the number of cells s takes.
func Width(s string) int { return ansi.StringWidth(s) }

// Box makes lines exactly w wide and h high (cutting or padding).
func Box(lines []string, w, h int) []string {
	out := make([]string, h)
	for i := 0; i < h; i++ {
		if i < len(lines) {
			out[i] = Fit(lines[i], w)
		} else {
			out[i] = strings.Repeat(" ", max(w, 0))
		}
	}
	return out
}

// Wrap breaks a plain (unstyled) line into lines of at most w cells, at
// spaces and commas where it can, indenting the continuation lines by
// indent spaces.
func Wrap(s string, w, indent int) []string {
	if w <= indent+4 || ansi.StringWidth(s) <= w {
		return []string{s}
	}
	first := strings.Split(ansi.Wrap(s, w, " ,"), "\n")[0]
	rest := strings.TrimLeft(strings.TrimPrefix(s, first), " ")
	if !strings.HasPrefix(s, first) || rest == "" {
		return strings.Split(ansi.Hardwrap(s, w, true), "\n")
	}
	out := []string{first}
	pad := strings.Repeat(" ", indent)
	for _, l := range strings.Split(ansi.Wrap(rest, w-indent, " ,"), "\n") {
		out = append(out, pad+l)
	}
	return out
}

// Title is a pane's title rule: "─ Title ─────" exactly w wide.
func (c *Common) Title(title string, w int, focused bool) string {
	t := c.Theme
	st := t.Muted
	if focused {
		st = t.Title
	}
	head := t.Border.Render("─ ") + st.Render(title) + " "
	rest := w - Width(head)
	if rest < 0 {
		return Fit(head, w)
	}
	return head + t.Border.Render(strings.Repeat("─", rest))
}

// Help is a bubbles/help model styled with the theme.
func (c *Common) Help(width int) help.Model {
	h := help.New()
	h.Width = width
	h.ShortSeparator = " · "
	t := c.Theme
	h.Styles = help.Styles{
		Ellipsis:       t.Muted,
		ShortKey:       t.Key,
		ShortDesc:      t.Muted,
		ShortSeparator: t.Border,
		FullKey:        t.Key,
		FullDesc:       t.Text,
		FullSeparator:  t.Border,
	}
	return h
}

// OSC52 is the escape sequence that asks the terminal (and tmux, and ssh
// clients) to put text on the system clipboard.
func OSC52(text string) string {
	return "\x1b]52;c;" + base64.StdEncoding.EncodeToString([]byte(text)) + "\x07"
}

// CopiedMsg reports the result of a clipboard copy.
type CopiedMsg struct {
	What string
	Err  error
}

// CopyCmd writes text to the clipboard through w with OSC 52.
func CopyCmd(w io.Writer, text, what string) tea.Cmd {
	return func() tea.Msg {
		_, err := io.WriteString(w, OSC52(text))
		return CopiedMsg{What: what, Err: err}
	}
}
