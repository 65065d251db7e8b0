package tui

import (
	"io"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"

	"github.com/stampede-dev/stampede/themes"
)

// Run opens the session and runs the TUI on the terminal until the user
// quits. in and out are the terminal (os.Stdin and os.Stdout).
func Run(cfg Config, in io.Reader, out io.Writer) error {
	if themes.NoColor() {
		// NO_COLOR means no colour, not no attributes: the mono theme
		// draws the selection in reverse video and needs the terminal's
		// bold, reverse and underline.
		lipgloss.SetColorProfile(termenv.ANSI)
	}
	if cfg.Clipboard == nil {
		cfg.Clipboard = out
	}
	m, err := openShowingProgress(cfg, out)
	if err != nil {
		return err
	}
	return runGuarded(m, tea.WithAltScreen(), tea.WithMouseCellMotion(), tea.WithInput(in), tea.WithOutput(out))
}

// runGuarded runs m as a program whose panics end it the normal way (the
// terminal restored) and come back as a *PanicError.
func runGuarded(m tea.Model, opts ...tea.ProgramOption) error {
	c := &catcher{}
	p := tea.NewProgram(guarded{m, c}, opts...)
	c.send = p.Send
	_, err := p.Run()
	if c.caught != nil {
		return c.caught
	}
	return err
}
