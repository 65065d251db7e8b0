// Command stampede is a terminal workflow designer and debugger for Celery's
// canvas Stamping API: it loads or builds a canvas, stamps it with a built-in
// or scripted visitor exactly as Celery 5.6.2 would, lets you step through
// every hook call forward and back, replays operations on stamped canvases to
// show where a stamp is lost, and exports what Celery loads.
//
//	stampede                       the stepping debugger on the built-in sample
//	stampede CANVAS [flags]        the stepping debugger on a canvas, script or session
//	stampede stamp  [flags] CANVAS stamp once; -trace, -record
//	stampede replay [flags] SESSION
//	stampede diff | lint | fmt | export | new | visitor | visitors
//
// 'stampede help' lists every command; 'stampede COMMAND -h' its flags.
package main

import (
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// command is one subcommand: its one-line summary and its entry point,
// which returns the exit status. Each cmd_*.go file registers its own.
type command struct {
	summary string
	run     func(args []string, stdout, stderr io.Writer) int
}

var commands = map[string]command{}

// register adds a subcommand; it is called from init functions.
func register(name, summary string, run func(args []string, stdout, stderr io.Writer) int) {
	commands[name] = command{summary, run}
}

// run is the whole command line; it returns the exit status. A panic ends
// in one line on stderr and status 1 (see recoverPanic).
func run(args []string, stdout, stderr io.Writer) (code int) {
	defer recoverPanic(stderr, &code)
	if len(args) == 0 {
		return cmdDefault(stdout, stderr)
	}
	switch args[0] {
	case "help", "-h", "-help", "--help":
		printUsage(stdout)
		return 0
	}
	if c, ok := commands[args[0]]; ok {
		return c.run(args[1:], stdout, stderr)
	}
	if cmdOpen != nil && looksLikeFile(args[0]) {
		return cmdOpen(args, stdout, stderr)
	}
	if cmdOpen != nil && strings.HasPrefix(args[0], "-") {
		// `stampede -theme light`: the sample, with the file's flags
		return cmdOpen(append([]string{""}, args...), stdout, stderr)
	}
	fmt.Fprintf(stderr, "stampede: unknown command %q\n\n", args[0])
	printUsage(stderr)
	return 2
}

// cmdDefault is what `stampede` alone does.
var cmdDefault = cmdSample

// cmdOpen, when set, is what `stampede FILE [flags]` does (open the file).
var cmdOpen func(args []string, stdout, stderr io.Writer) int

// looksLikeFile reports whether a first argument names a canvas file rather
// than a command.
func looksLikeFile(arg string) bool {
	if strings.HasSuffix(arg, ".json") || strings.HasSuffix(arg, ".star") {
		return true
	}
	_, err := os.Stat(arg)
	return err == nil
}

func printUsage(w io.Writer) {
	fmt.Fprint(w, "stampede — step through Celery's canvas Stamping API\n\nUsage:\n")
	fmt.Fprintf(w, "  %-19s %s\n", "stampede", "open the built-in sample workflow")
	fmt.Fprintf(w, "  %-19s %s\n", "stampede FILE", "open a canvas (.json, .star) or a session in the debugger")
	fmt.Fprintf(w, "  %-19s %s\n", "", "(flags for both: -visitor, -append, -headers, -theme; 'stampede FILE -h')")
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  stampede %-10s %s\n", n, commands[n].summary)
	}
	fmt.Fprint(w, "\nRun 'stampede COMMAND -h' for a command's flags.\n")
}
