package tui

import (
	"errors"
	"io"
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
)

// panicky panics where it is told to: in Update on its first message, in
// View once Init's message arrived, or in the command Init returns.
type panicky struct {
	where string
	ready bool
}

type readyMsg struct{}

func (p panicky) Init() tea.Cmd {
	if p.where == "command" {
		return func() tea.Msg { panic("a command broke") }
	}
	return func() tea.Msg { return readyMsg{} }
}

func (p panicky) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	if _, ok := msg.(readyMsg); ok {
		if p.where == "update" {
			var m map[string]int
			m["x"] = 1 // assignment to a nil map
		}
		p.ready = true
	}
	return p, nil
}

func (p panicky) View() string {
	if p.where == "view" && p.ready {
		panic("the view broke")
	}
	return "ok"
}

// TestPanicsEndTheProgramAndComeBackAsAnError runs a model that panics in
// each place Bubble Tea calls it: the program quits the normal way (so
// the terminal is restored) and Run's caller gets the panic with the
// stack that raised it, to write the report.
func TestPanicsEndTheProgramAndComeBackAsAnError(t *testing.T) {
	for where, want := range map[string]string{
		"update":  "assignment to entry in nil map",
		"view":    "the view broke",
		"command": "a command broke",
	} {
		t.Run(where, func(t *testing.T) {
			err := runGuarded(panicky{where: where}, tea.WithInput(nil), tea.WithOutput(io.Discard))
			var pe *PanicError
			if !errors.As(err, &pe) {
				t.Fatalf("Run returned %v, want a *PanicError", err)
			}
			if !strings.Contains(pe.Error(), want) {
				t.Errorf("error %q, want it to hold %q", pe, want)
			}
			stack := string(pe.Stack)
			if !strings.Contains(stack, "panic(") || !strings.Contains(stack, "guard_test.go") {
				t.Errorf("the stack does not show where it panicked:\n%s", stack)
			}
		})
	}
}

// A program that does not panic returns what Bubble Tea returned.
func TestAGuardedProgramQuitsNormally(t *testing.T) {
	quit := quitter{}
	if err := runGuarded(quit, tea.WithInput(nil), tea.WithOutput(io.Discard)); err != nil {
		t.Fatal(err)
	}
}

type quitter struct{}

func (quitter) Init() tea.Cmd                         { return tea.Batch(func() tea.Msg { return nil }, tea.Quit) }
func (q quitter) Update(tea.Msg) (tea.Model, tea.Cmd) { return q, nil }
func (quitter) View() string                          { return "bye" }
