// Package keys is the TUI's one keymap: every key binding, declared once
// with bubbles/key. The help footer and the `?` overlay are generated from
// it (bubbles/help), and each screen shows the subset that applies to it.
package keys

import "github.com/charmbracelet/bubbles/key"

// KeyMap is every binding of the TUI.
type KeyMap struct {
	// Stepping
	Next      key.Binding
	Prev      key.Binding
	Continue  key.Binding
	End       key.Binding
	Restart   key.Binding
	GotoStep  key.Binding
	UntilSel  key.Binding
	UntilHook key.Binding

	// Breakpoints
	Breakpoint  key.Binding
	Breakpoints key.Binding

	// Tree and panes
	Up          key.Binding
	Down        key.Binding
	Collapse    key.Binding
	Expand      key.Binding
	CollapseAll key.Binding
	ExpandAll   key.Binding
	PageUp      key.Binding
	PageDown    key.Binding
	Home        key.Binding
	Bottom      key.Binding
	Focus       key.Binding
	JumpStep    key.Binding
	Follow      key.Binding

	// Tools
	Find    key.Binding
	Visitor key.Binding
	Append  key.Binding
	Export  key.Binding
	Yield   key.Binding
	Copy    key.Binding
	Theme   key.Binding
	Help    key.Binding
	Quit    key.Binding

	// Ops mode: a recorded session of canvas operations and its ledger
	ApplyOp key.Binding
	OpsMode key.Binding
	Ledger  key.Binding
	Undo    key.Binding
	Save    key.Binding

	// Builder mode (tui/builder): editing the canvas
	Builder      key.Binding
	Insert       key.Binding
	Wrap         key.Binding
	Mark         key.Binding
	ChordBody    key.Binding
	AddLink      key.Binding
	AddErrback   key.Binding
	EditNode     key.Binding
	MoveUp       key.Binding
	MoveDown     key.Binding
	Duplicate    key.Binding
	UndoEdit     key.Binding
	RedoEdit     key.Binding
	SaveCanvas   key.Binding
	RemoveNode   key.Binding
	ClearMarks   key.Binding
	CompleteName key.Binding

	// Dialogs
	Confirm   key.Binding
	Cancel    key.Binding
	NextField key.Binding
	PrevField key.Binding
	Toggle    key.Binding
	Delete    key.Binding
	Yes       key.Binding
	No        key.Binding
}

// Default is the keymap the TUI starts with.
func Default() *KeyMap {
	b := func(keys []string, k, desc string) key.Binding {
		return key.NewBinding(key.WithKeys(keys...), key.WithHelp(k, desc))
	}
	return &KeyMap{
		Next:      b([]string{"n", " "}, "n/space", "next step"),
		Prev:      b([]string{"p"}, "p", "previous step"),
		Continue:  b([]string{"c"}, "c", "continue to breakpoint"),
		End:       b([]string{"G"}, "G", "run to end"),
		Restart:   b([]string{"r"}, "r", "restart"),
		GotoStep:  b([]string{":"}, ":", "go to step…"),
		UntilSel:  b([]string{"u"}, "u", "step until this node"),
		UntilHook: b([]string{"U"}, "U", "step until hook…"),

		Breakpoint:  b([]string{"b"}, "b", "breakpoint on node"),
		Breakpoints: b([]string{"B"}, "B", "hook/condition breakpoints"),

		Up:          b([]string{"k", "up"}, "k/↑", "up"),
		Down:        b([]string{"j", "down"}, "j/↓", "down"),
		Collapse:    b([]string{"h", "left"}, "h/←", "collapse"),
		Expand:      b([]string{"l", "right"}, "l/→", "expand"),
		CollapseAll: b([]string{"H"}, "H", "collapse all"),
		ExpandAll:   b([]string{"L"}, "L", "expand all"),
		PageUp:      b([]string{"pgup", "ctrl+u"}, "pgup", "page up"),
		PageDown:    b([]string{"pgdown", "ctrl+d"}, "pgdn", "page down"),
		Home:        b([]string{"home", "g"}, "g/home", "top"),
		Bottom:      b([]string{"end"}, "end", "bottom"),
		Focus:       b([]string{"tab"}, "tab", "next pane"),
		JumpStep:    b([]string{"."}, ".", "go to step's node"),
		Follow:      b([]string{"f"}, "f", "follow steps on/off"),

		Find:    b([]string{"/"}, "/", "find"),
		Visitor: b([]string{"v"}, "v", "visitor"),
		Append:  b([]string{"a"}, "a", "append_stamps"),
		Export:  b([]string{"e"}, "e", "export"),
		Yield:   b([]string{"Y"}, "Y", "lazy group: yield 10 more members"),
		Copy:    b([]string{"y"}, "y", "copy JSON"),
		Theme:   b([]string{"t"}, "t", "theme"),
		Help:    b([]string{"?"}, "?", "help"),
		Quit:    b([]string{"q", "ctrl+c"}, "q", "quit"),

		ApplyOp: b([]string{"o"}, "o", "apply op to node…"),
		OpsMode: b([]string{"O"}, "O", "ops mode / stepping"),
		Ledger:  b([]string{"s"}, "s", "node ledger / ops list"),
		Undo:    b([]string{"z"}, "z", "undo last op"),
		Save:    b([]string{"w"}, "w", "save session…"),

		Builder:      b([]string{"E"}, "E", "builder mode (edit the canvas)"),
		Insert:       b([]string{"i"}, "i", "insert task"),
		Wrap:         b([]string{"w"}, "w", "wrap in chain/group/chord"),
		Mark:         b([]string{"m"}, "m", "mark for wrapping"),
		ChordBody:    b([]string{"s"}, "s", "set chord body…"),
		AddLink:      b([]string{">"}, ">", "add link…"),
		AddErrback:   b([]string{"!"}, "!", "add errback…"),
		EditNode:     b([]string{"e", "enter"}, "e/enter", "edit args/kwargs/options"),
		MoveUp:       b([]string{"K"}, "K", "move up"),
		MoveDown:     b([]string{"J"}, "J", "move down"),
		Duplicate:    b([]string{"D"}, "D", "duplicate"),
		UndoEdit:     b([]string{"u", "z"}, "u/z", "undo"),
		RedoEdit:     b([]string{"U", "ctrl+r"}, "U", "redo"),
		SaveCanvas:   b([]string{"S", "ctrl+s"}, "S", "save .json/.star/.py"),
		RemoveNode:   b([]string{"x", "delete"}, "x", "delete node"),
		ClearMarks:   b([]string{"esc"}, "esc", "clear marks"),
		CompleteName: b([]string{"tab"}, "tab", "complete"),

		Confirm:   b([]string{"enter"}, "enter", "ok"),
		Cancel:    b([]string{"esc"}, "esc", "cancel"),
		NextField: b([]string{"tab"}, "tab", "next field"),
		PrevField: b([]string{"shift+tab"}, "shift+tab", "previous field"),
		Toggle:    b([]string{" "}, "space", "toggle"),
		Delete:    b([]string{"x", "delete"}, "x", "delete"),
		Yes:       b([]string{"y"}, "y", "yes"),
		No:        b([]string{"n", "esc"}, "n", "no"),
	}
}

// Short is the main screen's one-line help.
func (k *KeyMap) Short() []key.Binding {
	return []key.Binding{k.Next, k.Prev, k.Continue, k.Breakpoint, k.Find, k.Visitor, k.Export, k.Help, k.Quit}
}

// Full is every main-screen binding, in columns, for the `?` overlay.
func (k *KeyMap) Full() [][]key.Binding {
	return [][]key.Binding{
		{k.Next, k.Prev, k.Continue, k.End, k.Restart, k.GotoStep, k.UntilSel, k.UntilHook},
		{k.Breakpoint, k.Breakpoints, k.JumpStep, k.Follow, k.Focus, k.Up, k.Down, k.PageUp, k.PageDown},
		{k.Collapse, k.Expand, k.CollapseAll, k.ExpandAll, k.Home, k.Bottom},
		{k.Find, k.Visitor, k.Append, k.Export, k.Copy, k.Yield, k.Theme, k.Help, k.Quit},
		{k.ApplyOp, k.OpsMode, k.Ledger, k.Undo, k.Save},
		{k.Builder},
	}
}

// BuilderShort is builder mode's one-line help.
func (k *KeyMap) BuilderShort() []key.Binding {
	leave := key.NewBinding(key.WithKeys(k.Builder.Keys()...), key.WithHelp(k.Builder.Help().Key, "stamp and leave"))
	return []key.Binding{k.Insert, k.Wrap, k.EditNode, k.RemoveNode, k.UndoEdit, k.SaveCanvas, leave, k.Help}
}

// BuilderFull is every builder-mode binding, in columns, for its `?` overlay.
func (k *KeyMap) BuilderFull() [][]key.Binding {
	return [][]key.Binding{
		{k.Insert, k.Wrap, k.Mark, k.ClearMarks, k.ChordBody, k.AddLink, k.AddErrback},
		{k.EditNode, k.RemoveNode, k.MoveUp, k.MoveDown, k.Duplicate, k.UndoEdit, k.RedoEdit},
		{k.SaveCanvas, k.Builder, k.Up, k.Down, k.Collapse, k.Expand, k.Help, k.Quit},
	}
}

// ShortHelp implements help.KeyMap for the main screen.
func (k *KeyMap) ShortHelp() []key.Binding { return k.Short() }

// FullHelp implements help.KeyMap for the main screen.
func (k *KeyMap) FullHelp() [][]key.Binding { return k.Full() }

// Help is a help.KeyMap made of a subset of the bindings (a dialog's).
type Help struct {
	ShortKeys []key.Binding
	FullKeys  [][]key.Binding
}

// ShortHelp implements help.KeyMap.
func (h Help) ShortHelp() []key.Binding { return h.ShortKeys }

// FullHelp implements help.KeyMap.
func (h Help) FullHelp() [][]key.Binding {
	if h.FullKeys == nil {
		return [][]key.Binding{h.ShortKeys}
	}
	return h.FullKeys
}
