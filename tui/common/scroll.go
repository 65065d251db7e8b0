package common

import (
	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
)

// ScrollAll is a move past either end of any list: clamped, it is Home
// (-ScrollAll) or Bottom (+ScrollAll).
const ScrollAll = 1 << 30

// ScrollBy is how far a scrolling key moves a pane that shows page lines:
// ±1 for up and down, ±page for the page keys (at least 1), ∓ScrollAll for
// home and bottom. ok is false for any other key.
func (c *Common) ScrollBy(msg tea.KeyMsg, page int) (delta int, ok bool) {
	k := c.Keys
	page = max(page, 1)
	switch {
	case key.Matches(msg, k.Down):
		return 1, true
	case key.Matches(msg, k.Up):
		return -1, true
	case key.Matches(msg, k.PageDown):
		return page, true
	case key.Matches(msg, k.PageUp):
		return -page, true
	case key.Matches(msg, k.Home):
		return -ScrollAll, true
	case key.Matches(msg, k.Bottom):
		return ScrollAll, true
	}
	return 0, false
}
