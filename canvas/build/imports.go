package build

import (
	"fmt"
	"strings"
)

// importTaskName is the hidden built-in that the import lines of a script
// become (so that a script may still rebind the name task).
const importTaskName = "__import_task__"

// translateImports rewrites the top-level Python import statements of a
// script into Starlark, keeping every other line (and so every line number)
// as it is:
//
//	from celery import chain, group   -> (nothing: built in)
//	from proj.tasks import add, mul as m
//	    -> add = __import_task__("proj.tasks.add"); m = __import_task__("proj.tasks.mul")
//	import json                       -> (nothing: built in)
//
// A task imported from a module is the task Celery names MODULE.FUNCTION,
// its default name. Other imports are an error naming the line.
func translateImports(file string, src []byte) ([]byte, error) {
	lines := strings.SplitAfter(string(src), "\n")
	inString := "" // the triple quote of a string the line is inside of
	for i := 0; i < len(lines); i++ {
		line := lines[i]
		if inString == "" && (strings.HasPrefix(line, "from ") || strings.HasPrefix(line, "import ")) {
			// Gather the whole statement: parenthesised or backslash-continued.
			stmt := stripComment(line)
			last := i
			open := strings.Count(stmt, "(") > strings.Count(stmt, ")")
			for (open || strings.HasSuffix(strings.TrimRight(stmt, " \t\r\n"), "\\")) && last+1 < len(lines) {
				last++
				stmt = strings.TrimSuffix(strings.TrimRight(stmt, " \t\r\n"), "\\") + " " + stripComment(lines[last])
				open = strings.Count(stmt, "(") > strings.Count(stmt, ")")
			}
			repl, err := importStatement(stmt)
			if err != nil {
				return nil, &Error{File: file, Line: i + 1, Col: 1, Msg: err.Error()}
			}
			lines[i] = repl + newline(line)
			for j := i + 1; j <= last; j++ {
				lines[j] = newline(lines[j])
			}
			i = last
			continue
		}
		inString = scanTripleQuotes(line, inString)
	}
	return []byte(strings.Join(lines, "")), nil
}

func newline(line string) string {
	if strings.HasSuffix(line, "\r\n") {
		return "\r\n"
	}
	if strings.HasSuffix(line, "\n") {
		return "\n"
	}
	return ""
}

func stripComment(line string) string {
	if i := strings.IndexByte(line, '#'); i >= 0 {
		return line[:i]
	}
	return line
}

// scanTripleQuotes follows triple-quoted strings across lines: it returns
// the quote of the string still open at the end of line ("" for none).
func scanTripleQuotes(line, open string) string {
	for len(line) > 0 {
		if open != "" {
			i := strings.Index(line, open)
			if i < 0 {
				return open
			}
			line = line[i+3:]
			open = ""
			continue
		}
		i := strings.IndexAny(line, "#\"'")
		if i < 0 {
			return ""
		}
		switch {
		case line[i] == '#':
			return ""
		case strings.HasPrefix(line[i:], `"""`) || strings.HasPrefix(line[i:], `'''`):
			open = line[i : i+3]
			line = line[i+3:]
		default:
			// A one-line string: skip to its closing quote.
			q := line[i]
			j := i + 1
			for j < len(line) && line[j] != q {
				if line[j] == '\\' {
					j++
				}
				j++
			}
			if j >= len(line) {
				return ""
			}
			line = line[j+1:]
		}
	}
	return open
}

// importStatement translates one import statement (comments removed, joined
// onto one line).
func importStatement(stmt string) (string, error) {
	fields := strings.Fields(strings.NewReplacer("(", " ", ")", " ", ",", " , ").Replace(stmt))
	if len(fields) == 0 {
		return "", nil
	}
	if fields[0] == "import" {
		for _, part := range splitCommas(fields[1:]) {
			if len(part) == 1 && part[0] == "json" || len(part) == 3 && part[0] == "json" && part[1] == "as" && part[2] == "json" {
				continue
			}
			return "", fmt.Errorf("import %s: a canvas script cannot import modules; bind tasks with `from MODULE import TASK` or `NAME = task(\"MODULE.TASK\")`", strings.Join(part, " "))
		}
		return "", nil
	}
	// from MODULE import NAMES
	if len(fields) < 4 || fields[2] != "import" {
		return "", fmt.Errorf("cannot read this import statement: %s", strings.TrimSpace(stmt))
	}
	module := fields[1]
	if module == "celery" || strings.HasPrefix(module, "celery.") || module == "__future__" {
		return "", nil // Celery's canvas names are built in.
	}
	if strings.HasPrefix(module, ".") {
		return "", fmt.Errorf("from %s import ...: relative imports cannot name a task; write task(\"MODULE.TASK\")", module)
	}
	var binds []string
	for _, part := range splitCommas(fields[3:]) {
		name, as := "", ""
		switch {
		case len(part) == 1:
			name, as = part[0], part[0]
		case len(part) == 3 && part[1] == "as":
			name, as = part[0], part[2]
		default:
			return "", fmt.Errorf("cannot read this import statement: %s", strings.TrimSpace(stmt))
		}
		if name == "*" {
			return "", fmt.Errorf("from %s import *: name the tasks the canvas uses", module)
		}
		binds = append(binds, fmt.Sprintf("%s = %s(%q)", as, importTaskName, module+"."+name))
	}
	return strings.Join(binds, "; "), nil
}

// splitCommas splits import fields at "," (an empty trailing part is dropped).
func splitCommas(fields []string) [][]string {
	var out [][]string
	var cur []string
	for _, f := range fields {
		if f == "," {
			if len(cur) > 0 {
				out = append(out, cur)
			}
			cur = nil
			continue
		}
		cur = append(cur, f)
	}
	if len(cur) > 0 {
		out = append(out, cur)
	}
	return out
}
